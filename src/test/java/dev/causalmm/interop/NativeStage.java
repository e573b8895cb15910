package dev.causalmm.interop;

import dev.causalmm.testing.Skip;
import dev.causalmm.testing.SkipGroup;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Builds {@code native/dlpack-stage} with the system C compiler into {@code target/native/} (once
 * per JVM) and loads it. Where there is no C compiler the calling test is skipped (a JUnit
 * assumption in group {@link SkipGroup#NO_C_COMPILER}) with a message saying so; a compiler that fails is a test failure.
 */
final class NativeStage {
    private static DLPackStage stage;
    private static String skipReason;

    private NativeStage() {}

    static synchronized DLPackStage get() {
        if (stage == null && skipReason == null) build();
        Skip.unless(stage != null, SkipGroup.NO_C_COMPILER, () -> skipReason);
        return stage;
    }

    private static void build() {
        Path src = Path.of("native", "dlpack-stage").toAbsolutePath();
        Path out = Path.of("target", "native").toAbsolutePath();
        String cc = compiler();
        if (cc == null) {
            skipReason = "looked for $CC, cc, gcc, clang; the dlpack-stage tests need one to build native/dlpack-stage";
            return;
        }
        try {
            Files.createDirectories(out);
            Path lib = out.resolve("libdlpack_stage.so");
            // the same flags as native/dlpack-stage/Makefile
            List<String> cmd = List.of(cc, "-O2", "-g", "-std=c11", "-D_POSIX_C_SOURCE=200809L", "-Wall", "-Wextra", "-Werror",
                    "-fPIC", "-I" + src.resolve("include"), "-shared", "-o", lib.toString(),
                    src.resolve("dlpack_stage.c").toString(), "-lpthread", "-lm");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("building native/dlpack-stage failed: " + String.join(" ", cmd) + "\n" + log);
            }
            stage = DLPackStage.load(lib);
        } catch (IOException e) {
            throw new IllegalStateException("building native/dlpack-stage failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** $CC, else the first of cc, gcc, clang on the PATH (or /usr/bin), else null. */
    private static String compiler() {
        String env = System.getenv("CC");
        if (env != null && !env.isBlank()) return env;
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/bin";
        for (String name : List.of("cc", "gcc", "clang")) {
            for (String dir : path.split(":")) {
                if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) return Path.of(dir, name).toString();
            }
        }
        return null;
    }
}
