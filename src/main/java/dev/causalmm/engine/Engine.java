package dev.causalmm.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.bytedeco.pytorch.global.torch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Process-wide LibTorch settings: native loading, thread count, seeding and determinism.
 * Everything here is idempotent and cheap after the first call.
 */
public final class Engine {
    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);
    private static volatile boolean initialised;

    private Engine() {}

    /** Loads the natives once and sizes LibTorch's intra-op pool to the machine's cores. */
    public static synchronized void init() {
        if (initialised) return;
        long t0 = System.nanoTime();
        // Every native object this layer creates is freed explicitly (scopes, try-with-resources), so
        // JavaCPP's phantom-reference tracking and its GC-driven deallocator thread only add cost to
        // each of the many small tensor handles of a step (measured: ~30 % of a tiny op's time).
        // Must be set before the first JavaCPP class initialises; a user's explicit setting wins.
        if (System.getProperty("org.bytedeco.javacpp.nopointergc") == null) {
            System.setProperty("org.bytedeco.javacpp.nopointergc", "true");
        }
        extractNatives();
        org.bytedeco.javacpp.Loader.load(torch.class);
        // LibTorch parallelises each op with OpenMP; OpenBLAS's own thread pool on top of that
        // oversubscribes the cores (measured: 15x slower steps on 2 cores). One BLAS thread.
        org.bytedeco.openblas.presets.openblas_nolapack.blas_set_num_threads(1);
        int cores = Runtime.getRuntime().availableProcessors();
        String env = System.getenv("CAUSALMM_THREADS");
        torch.set_num_threads(env != null ? Integer.parseInt(env) : cores);
        initialised = true;
        LOG.debug("LibTorch loaded in {} ms, {} threads, cuda={}", (System.nanoTime() - t0) / 1_000_000,
                torch.get_num_threads(), cudaAvailable());
    }

    /**
     * Unpacks every native library of the presets into JavaCPP's cache before the first {@code dlopen}.
     * On a first run JavaCPP unpacks lazily, one library at a time, so when {@code libtorch.so} is loaded its
     * {@code libtorch_cpu.so} is not yet beside it and the dynamic linker takes a system copy instead (Debian's
     * {@code libtorch1.13}, which {@code python3-torch} installs, has one): two LibTorch builds in one process
     * crash in {@code pthread_mutex_lock}. With every file in place, {@code $ORIGIN} finds the presets' own copy.
     */
    private static void extractNatives() {
        String platform = org.bytedeco.javacpp.Loader.getPlatform();
        for (String folder : new String[] {"pytorch", "openblas"}) {
            for (String variant : new String[] {platform, platform + "-gpu"}) {
                String name = "/org/bytedeco/" + folder + "/" + variant + "/";
                if (Engine.class.getResource(name) == null) continue;
                try {
                    org.bytedeco.javacpp.Loader.cacheResources(name);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot unpack LibTorch's natives from " + name
                            + " into JavaCPP's cache (set -Dorg.bytedeco.javacpp.cachedir to a writable folder)", e);
                }
            }
        }
    }

    public static int threads() {
        init();
        return torch.get_num_threads();
    }

    public static void setThreads(int n) {
        init();
        torch.set_num_threads(n);
    }

    /**
     * Whether CUDA can be used, and if not, why: so {@code --device cuda} fails with the cause and
     * {@code --device auto} says why it chose the CPU, instead of a silent fallback.
     *
     * @param devices number of CUDA devices (0 when unavailable)
     * @param reason  why CUDA is unavailable ("" when available)
     */
    public record CudaStatus(boolean available, int devices, String reason) {}

    private static volatile CudaStatus cuda;

    /** Probes CUDA once (loading LibTorch's CUDA support if the build has it) and remembers the outcome. */
    public static CudaStatus cudaStatus() {
        CudaStatus s = cuda;
        if (s != null) return s;
        synchronized (Engine.class) {
            if (cuda != null) return cuda;
            init();
            try {
                if (torch.cuda_is_available()) {
                    s = new CudaStatus(true, (int) torch.cuda_device_count(), "");
                } else if (!hasCudaBuild()) {
                    s = new CudaStatus(false, 0, "this build carries LibTorch's CPU natives only (build with ./mvnw -Pgpu for CUDA)");
                } else {
                    s = new CudaStatus(false, 0, "LibTorch's CUDA build found no usable GPU (no device, or the NVIDIA driver is missing"
                            + " or older than CUDA 13 needs; CUDA_VISIBLE_DEVICES=" + System.getenv("CUDA_VISIBLE_DEVICES") + ")");
                }
            } catch (Throwable t) {
                s = new CudaStatus(false, 0, "loading LibTorch's CUDA support failed: " + t);
                LOG.warn("CUDA unavailable: {}", s.reason(), t);
            }
            cuda = s;
            if (!s.available()) LOG.debug("CUDA unavailable: {}", s.reason());
            return s;
        }
    }

    /** Whether the LibTorch natives on the class path were built with CUDA (the {@code -gpu} jar). */
    private static boolean hasCudaBuild() {
        try {
            return org.bytedeco.pytorch.Context.hasCUDA();
        } catch (Throwable t) {
            return false;
        }
    }

    public static boolean cudaAvailable() {
        return cudaStatus().available();
    }

    public static int cudaDeviceCount() {
        return cudaStatus().devices();
    }

    /**
     * Applies a {@link Precision} to LibTorch's process-wide math settings: TF32 for cuBLAS and
     * cuDNN on ({@code tf32}) or off ({@code fp32}, {@code bf16}, whose float32 ops stay exact);
     * bf16 itself is an {@link Autocast} region around each forward pass. On CUDA it also turns
     * cuDNN's benchmark mode on (it times the convolution algorithms once per input shape and
     * keeps the fastest) unless deterministic kernels were asked for.
     */
    public static void configure(Precision precision, Device device) {
        init();
        if (!device.isCuda()) return; // the TF32 and cuDNN switches only concern CUDA kernels
        var ctx = torch.globalContext();
        boolean tf32 = precision == Precision.TF32;
        ctx.setAllowTF32CuBLAS(tf32);
        ctx.setAllowTF32CuDNN(tf32);
        ctx.setBenchmarkCuDNN(!ctx.deterministicAlgorithms());
        LOG.debug("precision {}: TF32 {}, cuDNN benchmark {}", precision, tf32, ctx.benchmarkCuDNN());
    }

    /** Whether cuBLAS may use TF32 (what {@link #configure} set; false until then on LibTorch's defaults). */
    public static boolean tf32Enabled() {
        init();
        return torch.globalContext().allowTF32CuBLAS();
    }

    /** Seeds LibTorch's CPU (and, when present, CUDA) generators. Java-side RNGs are seeded by their owners. */
    public static void seed(long seed) {
        init();
        torch.manual_seed(seed);
        if (cudaAvailable()) torch.cuda_manual_seed_all(seed);
    }

    /**
     * Asks LibTorch for deterministic kernels. On CPU with a fixed thread count this makes a run
     * bit-for-bit repeatable; on CUDA some kernels have no deterministic version and warn.
     */
    public static void deterministic(boolean on) {
        init();
        torch.globalContext().setDeterministicAlgorithms(on, true);
    }

    /** Blocks until queued CUDA work has finished (no-op on CPU-only machines). */
    public static void synchronize() {
        if (cudaAvailable()) torch.cuda_synchronize();
    }

    /** Version of the LibTorch build the presets wrap. */
    public static String libtorchVersion() {
        return "2.10.0";
    }

    /** Version of the JavaCPP presets. */
    public static String presetsVersion() {
        String v = org.bytedeco.pytorch.global.torch.class.getPackage().getImplementationVersion();
        return v != null ? v : "1.5.13";
    }
}
