package dev.causalmm.engine;

import org.bytedeco.pytorch.cuda.CUDAStreamGuard;
import org.bytedeco.pytorch.global.torch_cuda;

/**
 * A CUDA stream of LibTorch's stream pool, or the current (compute) stream of a device: what an
 * input pipeline needs to copy the next batch while the previous step still runs. Ops issued while
 * {@link #use()} is open go to this stream; {@link CudaEvent} orders streams against each other.
 *
 * <p>Every method needs a CUDA device ({@link Engine#cudaAvailable()}); the CUDA classes of the
 * presets are touched only inside them, so this class loads (but must not be used) on a CPU-only
 * build. Closing frees only this handle (the stream belongs to LibTorch's pool). Not yet run on a
 * device: see docs/loader.md.
 */
public final class CudaStream implements AutoCloseable {
    private final org.bytedeco.pytorch.cuda.CUDAStream stream;
    private final Device device;

    private CudaStream(org.bytedeco.pytorch.cuda.CUDAStream stream, Device device) {
        this.stream = stream;
        this.device = device;
    }

    /** A low-priority stream from LibTorch's pool of {@code device} (streams are shared round-robin, never destroyed). */
    public static CudaStream fromPool(Device device) {
        requireCuda(device);
        return new CudaStream(torch_cuda.getStreamFromPool(false, (byte) device.index()), device);
    }

    /** The calling thread's current stream of {@code device}: where its ops (the training step) run. */
    public static CudaStream current(Device device) {
        requireCuda(device);
        return new CudaStream(torch_cuda.getCurrentCUDAStream((byte) device.index()), device);
    }

    public Device device() {
        return device;
    }

    /**
     * Makes this stream the calling thread's current stream of its device until the returned guard
     * is closed (LibTorch's {@code CUDAStreamGuard}): the thread's state, so a platform thread only.
     */
    public Use use() {
        Thread opener = NativeThreadState.requirePlatformThread("CudaStream.use");
        try (var s = stream.unwrap()) { // the guard keeps its own copy of the stream value
            return new Use(new CUDAStreamGuard(s), opener);
        }
    }

    /** The current-stream switch of {@link #use()}; closing it restores the previous stream. */
    public static final class Use implements AutoCloseable {
        private final CUDAStreamGuard guard;
        private final Thread opener;
        private boolean closed;

        private Use(CUDAStreamGuard guard, Thread opener) {
            this.guard = guard;
            this.opener = opener;
        }

        @Override
        public void close() {
            if (closed) return;
            NativeThreadState.requireSameThread("CudaStream.use", opener);
            closed = true;
            guard.close();
        }
    }

    /**
     * Tells LibTorch's caching allocator that {@code t}'s memory is used on this stream
     * ({@code Tensor::record_stream}): when {@code t} is freed, its block is not handed out again
     * until the work queued here so far has finished. Needed for a tensor allocated on one stream
     * (an upload stream) and used on another (the compute stream).
     */
    public void recordUse(Tensor t) {
        if (!t.device().isCuda()) return;
        try (var s = stream.unwrap()) {
            t.handle().record_stream(s);
        }
    }

    /** Blocks the calling thread until the work queued on this stream has finished. */
    public void synchronize() {
        stream.synchronize();
    }

    org.bytedeco.pytorch.cuda.CUDAStream handle() {
        return stream;
    }

    @Override
    public void close() {
        stream.close();
    }

    private static void requireCuda(Device device) {
        if (!device.isCuda()) throw new IllegalArgumentException("a CUDA stream needs a CUDA device, not " + device);
        if (!Engine.cudaAvailable()) throw new IllegalStateException("CUDA is not available: " + Engine.cudaStatus().reason());
    }

    @Override
    public String toString() {
        return "CudaStream[" + device + " id " + stream.id() + "]";
    }
}
