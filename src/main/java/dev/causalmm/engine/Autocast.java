package dev.causalmm.engine;

import org.bytedeco.pytorch.global.torch;

/**
 * A bfloat16 autocast region, LibTorch's equivalent of {@code with torch.autocast(device, torch.bfloat16)}:
 * ops that benefit (matmul, linear, convolution) run in bf16, ops that need float32 range (softmax,
 * log, reductions, losses) run in float32; parameters stay float32. Wrap the forward pass and the
 * loss, not {@code backward()} or the optimizer step.
 *
 * <p>Autocast's cache of cast weights is turned off inside the region: the presets do not map
 * {@code clear_autocast_cache()}, and a cache kept across optimizer steps would feed the next
 * forward stale bf16 copies of the weights. Each region restores the settings it found, so regions
 * nest. Autocast state belongs to the OS thread: platform threads only.
 */
public final class Autocast implements AutoCloseable {
    private final Thread thread;
    private final torch.DeviceType type;
    private final boolean wasEnabled;
    private final torch.ScalarType previousType;
    private final boolean previousCache;
    private boolean closed;

    private Autocast(Device device) {
        thread = NativeThreadState.requirePlatformThread("Autocast");
        Engine.init();
        type = device.isCuda() ? torch.DeviceType.CUDA : torch.DeviceType.CPU;
        wasEnabled = torch.is_autocast_enabled(type);
        previousType = torch.get_autocast_dtype(type);
        previousCache = torch.is_autocast_cache_enabled();
        torch.set_autocast_cache_enabled(false);
        torch.set_autocast_dtype(type, torch.ScalarType.BFloat16);
        torch.set_autocast_enabled(type, true);
    }

    /** Enters a bf16 autocast region for {@code device}'s kind (CPU or CUDA). */
    public static Autocast bf16(Device device) {
        return new Autocast(device);
    }

    /** A region where autocast is off; closing it turns it back on. */
    interface Suspension extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Turns autocast off on this thread until closed, if it is on (null otherwise): for the few
     * composite ops that must run in float32 whatever autocast's op lists say (losses built from
     * log-softmax, which CPU autocast would run in bf16).
     */
    static Suspension suspendIfEnabled() {
        boolean cpu = torch.is_autocast_enabled(torch.DeviceType.CPU);
        boolean gpu = torch.is_autocast_enabled(torch.DeviceType.CUDA);
        if (!cpu && !gpu) return null;
        if (cpu) torch.set_autocast_enabled(torch.DeviceType.CPU, false);
        if (gpu) torch.set_autocast_enabled(torch.DeviceType.CUDA, false);
        return () -> {
            if (cpu) torch.set_autocast_enabled(torch.DeviceType.CPU, true);
            if (gpu) torch.set_autocast_enabled(torch.DeviceType.CUDA, true);
        };
    }

    /** Whether an autocast region is open on this thread for {@code device}'s kind. */
    public static boolean isEnabled(Device device) {
        Engine.init();
        return torch.is_autocast_enabled(device.isCuda() ? torch.DeviceType.CUDA : torch.DeviceType.CPU);
    }

    @Override
    public void close() {
        if (closed) return;
        NativeThreadState.requireSameThread("Autocast", thread);
        closed = true;
        torch.set_autocast_enabled(type, wasEnabled);
        torch.set_autocast_dtype(type, previousType);
        torch.set_autocast_cache_enabled(previousCache);
    }
}
