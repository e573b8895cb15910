package dev.causalmm.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.pytorch.global.torch;

/**
 * What a bug report needs to know about this process, like PyTorch's {@code collect_env}: versions,
 * op threads, BLAS, CUDA (with the reason when it is absent), the natives cache and the host.
 * Gathered here so that the bytedeco API stays in {@code engine} and {@code causalmm env} only prints.
 *
 * @param buildConfig LibTorch's own {@code at::show_config()} text, kept whole for the JSON form
 */
public record EnvironmentReport(Versions versions, JavaRuntime java, Threads threads, Blas blas, Engine.CudaStatus cuda,
        NativesCache natives, Host host, String buildConfig) {

    /** @param cudaPresets the bytedeco CUDA presets' version, or null when the build has none (the CPU profile) */
    public record Versions(String causalmm, String libtorch, String libtorchCommit, String pytorchPresets, String javacpp,
            String openblasPresets, String cudaPresets, String platform) {}

    public record JavaRuntime(String version, String vendor, String home, String vm) {}

    /**
     * @param causalmmThreads the {@code CAUSALMM_THREADS} setting that sized the intra-op pool, or null when unset (then: cores)
     * @param blasThreads     OpenBLAS's own pool, kept at 1 so it does not oversubscribe LibTorch's
     */
    public record Threads(int intraOp, long interOp, String backend, String causalmmThreads, int blasThreads) {}

    /** @param library the BLAS LibTorch was built against ({@code BLAS_INFO}: open = OpenBLAS, mkl = Intel MKL) */
    public record Blas(String library, String lapack, boolean mkl, boolean oneDnn, String cpuCapability) {}

    /** JavaCPP unpacks the natives here on first use: a read-only HOME without {@code org.bytedeco.javacpp.cachedir} fails there. */
    public record NativesCache(String folder, boolean fromProperty, boolean writable, String home, boolean homeWritable) {}

    public record Host(String os, String osVersion, String arch, int cores, long memoryBytes, long maxHeapBytes) {}

    private static final String VERSION_RESOURCE = "/dev/causalmm/version.properties";

    /** Loads LibTorch (sizing its pools as every command does) and gathers the report. */
    public static EnvironmentReport collect() {
        Engine.init();
        String config = torch.show_config().getString();
        String parallel = torch.get_parallel_info().getString();
        Map<String, String> settings = buildSettings(config);
        return new EnvironmentReport(readVersions(settings), readJavaRuntime(), readThreads(parallel), readBlas(config, settings),
                Engine.cudaStatus(), readNativesCache(), readHost(), config);
    }

    /**
     * causalmm's version as the build wrote it into {@code version.properties}; {@code "unknown"} when
     * the classes run unfiltered (an IDE that skipped Maven's resource step). Loads no natives.
     */
    public static String causalmmVersion() {
        try (InputStream in = EnvironmentReport.class.getResourceAsStream(VERSION_RESOURCE)) {
            if (in == null) return "unknown";
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "");
            return v.isBlank() || v.startsWith("${") ? "unknown" : v;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + VERSION_RESOURCE, e);
        }
    }

    /** The pytorch presets' version ({@code 2.10.0-1.5.13}: LibTorch, then JavaCPP) from the jar manifest: no natives are loaded. */
    public static String pytorchPresetsVersion() {
        return implementationVersion(torch.class, "unknown");
    }

    /** {@code causalmm --version}'s line, from the build's and the presets' manifests: cheap, loads no natives. */
    public static String versionLine() {
        String presets = pytorchPresetsVersion();
        int dash = presets.indexOf('-');
        String libtorch = dash > 0 ? presets.substring(0, dash) : presets;
        String javacpp = dash > 0 ? presets.substring(dash + 1) : presets;
        return "causalmm " + causalmmVersion() + " (LibTorch " + libtorch + ", JavaCPP presets " + javacpp + ")";
    }

    /** The {@code KEY=value} pairs of show_config's "Build settings:" line (BLAS_INFO, TORCH_VERSION, USE_CUDA, ...). */
    static Map<String, String> buildSettings(String showConfig) {
        Map<String, String> out = new LinkedHashMap<>();
        Matcher line = Pattern.compile("Build settings: (.*)").matcher(showConfig);
        if (!line.find()) return out;
        for (String pair : line.group(1).split(", (?=[A-Z][A-Z0-9_]*=)")) {
            int eq = pair.indexOf('=');
            if (eq > 0) out.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).replaceAll(",\\s*$", "").trim());
        }
        return out;
    }

    private static Versions readVersions(Map<String, String> settings) {
        return new Versions(causalmmVersion(), settings.getOrDefault("TORCH_VERSION", Engine.libtorchVersion()),
                settings.get("COMMIT_SHA"), pytorchPresetsVersion(),
                implementationVersion(org.bytedeco.javacpp.Loader.class, "unknown"),
                implementationVersion(org.bytedeco.openblas.global.openblas_nolapack.class, "unknown"),
                optionalPresetsVersion("org.bytedeco.cuda.global.cudart"), org.bytedeco.javacpp.Loader.getPlatform());
    }

    private static JavaRuntime readJavaRuntime() {
        return new JavaRuntime(Runtime.version().toString(), System.getProperty("java.vendor"), System.getProperty("java.home"),
                System.getProperty("java.vm.name"));
    }

    private static Threads readThreads(String parallelInfo) {
        Matcher backend = Pattern.compile("ATen parallel backend: (.*)").matcher(parallelInfo);
        return new Threads(torch.get_num_threads(), torch.get_num_interop_threads(), backend.find() ? backend.group(1).trim() : "unknown",
                System.getenv("CAUSALMM_THREADS"), org.bytedeco.openblas.presets.openblas_nolapack.blas_get_num_threads());
    }

    private static Blas readBlas(String config, Map<String, String> settings) {
        Matcher cpu = Pattern.compile("CPU capability usage: (\\S+)").matcher(config);
        String info = settings.getOrDefault("BLAS_INFO", "unknown");
        String library = switch (info) {
            case "open" -> "OpenBLAS";
            case "mkl" -> "Intel MKL";
            default -> info;
        };
        return new Blas(library, settings.getOrDefault("LAPACK_INFO", "unknown"), torch.hasMKL(), torch.hasMKLDNN(),
                cpu.find() ? cpu.group(1) : "unknown");
    }

    private static NativesCache readNativesCache() {
        String folder;
        try {
            folder = org.bytedeco.javacpp.Loader.getCacheDir().getAbsolutePath();
        } catch (IOException e) {
            folder = "unusable: " + e.getMessage();
        }
        Path home = Path.of(System.getProperty("user.home"));
        return new NativesCache(folder, System.getProperty("org.bytedeco.javacpp.cachedir") != null,
                !folder.startsWith("unusable") && Files.isWritable(Path.of(folder)), home.toString(), Files.isWritable(home));
    }

    private static Host readHost() {
        long memory = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getTotalMemorySize() : -1;
        return new Host(System.getProperty("os.name"), System.getProperty("os.version"), System.getProperty("os.arch"),
                Runtime.getRuntime().availableProcessors(), memory, Runtime.getRuntime().maxMemory());
    }

    private static String implementationVersion(Class<?> c, String fallback) {
        String v = c.getPackage() == null ? null : c.getPackage().getImplementationVersion();
        return v != null ? v : fallback;
    }

    /** A presets class that only the GPU profile puts on the class path; null when it is absent. */
    private static String optionalPresetsVersion(String className) {
        try {
            return implementationVersion(Class.forName(className, false, EnvironmentReport.class.getClassLoader()), "unknown");
        } catch (ClassNotFoundException e) {
            return null;
        }
    }

    /** The report as aligned {@code label  value} lines, for a terminal or a bug report. */
    public List<String> lines() {
        List<String> out = new ArrayList<>();
        Versions v = versions;
        add(out, "causalmm", v.causalmm());
        add(out, "Java", java.version() + " (" + java.vendor() + ", " + java.vm() + ")");
        add(out, "Java home", java.home());
        add(out, "LibTorch", v.libtorch() + (v.libtorchCommit() == null ? "" : " (commit " + abbreviate(v.libtorchCommit()) + ")"));
        add(out, "Presets", "pytorch " + v.pytorchPresets() + ", javacpp " + v.javacpp() + ", openblas " + v.openblasPresets()
                + (v.cudaPresets() == null ? "" : ", cuda " + v.cudaPresets()) + "; platform " + v.platform());
        add(out, "Op threads", "intra-op " + threads.intraOp() + ", inter-op " + threads.interOp() + " (" + threads.backend() + "; "
                + (threads.causalmmThreads() == null ? "CAUSALMM_THREADS unset: one per core" : "CAUSALMM_THREADS=" + threads.causalmmThreads())
                + ")");
        add(out, "BLAS", blas.library() + " (LAPACK " + blas.lapack() + "), " + threads.blasThreads() + " BLAS thread(s); MKL "
                + yesNo(blas.mkl()) + ", oneDNN " + yesNo(blas.oneDnn()) + "; CPU capability " + blas.cpuCapability());
        add(out, "CUDA", cuda.available() ? "available, " + cuda.devices() + " device(s)" : "unavailable: " + cuda.reason());
        add(out, "Natives cache", natives.folder() + (natives.fromProperty() ? " (org.bytedeco.javacpp.cachedir)" : "")
                + (natives.writable() ? " (writable)" : " (NOT writable)"));
        add(out, "HOME", natives.home() + (natives.homeWritable() ? " (writable)" : " (NOT writable: set -Dorg.bytedeco.javacpp.cachedir)"));
        add(out, "OS", host.os() + " " + host.osVersion() + " " + host.arch());
        add(out, "CPU / memory", host.cores() + " cores, " + gib(host.memoryBytes()) + " memory, JVM max heap " + gib(host.maxHeapBytes()));
        return out;
    }

    private static void add(List<String> out, String label, String value) {
        out.add(String.format(Locale.ROOT, "%-14s %s", label, value));
    }

    private static String abbreviate(String sha) {
        return sha.length() > 12 ? sha.substring(0, 12) : sha;
    }

    private static String yesNo(boolean b) {
        return b ? "yes" : "no";
    }

    private static String gib(long bytes) {
        return bytes < 0 ? "unknown" : String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
    }
}
