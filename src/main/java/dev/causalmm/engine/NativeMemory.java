package dev.causalmm.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/** Process-wide counters of wrapped tensors and the resident set size, for leak checks. */
public final class NativeMemory {
    static final AtomicLong LIVE_TENSORS = new AtomicLong();

    private NativeMemory() {}

    /** Number of {@link Tensor} wrappers created and not yet closed, in all scopes and threads. */
    public static long liveTensors() {
        return LIVE_TENSORS.get();
    }

    /** Resident set size of this process in bytes (Linux {@code /proc/self/statm}), or -1 if unknown. */
    public static long residentBytes() {
        try {
            String[] f = Files.readString(Path.of("/proc/self/statm")).trim().split("\\s+");
            return Long.parseLong(f[1]) * 4096L;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
