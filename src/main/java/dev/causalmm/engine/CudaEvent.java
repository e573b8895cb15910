package dev.causalmm.engine;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A CUDA event (LibTorch's {@code at::cuda::CUDAEvent}, timing off): marks a point in one stream
 * that another stream can wait for without the host waiting ({@link #block}), or that the host can
 * poll ({@link #query}) or wait for ({@link #synchronize}). Closing it destroys the event; any
 * thread may close it once the last {@code record} has been issued. Needs CUDA (see
 * {@link CudaStream}); not yet run on a device.
 */
public final class CudaEvent implements AutoCloseable {
    private final org.bytedeco.pytorch.cuda.CUDAEvent event;
    private final AtomicBoolean closed = new AtomicBoolean();

    public CudaEvent() {
        if (!Engine.cudaAvailable()) throw new IllegalStateException("CUDA is not available: " + Engine.cudaStatus().reason());
        event = new org.bytedeco.pytorch.cuda.CUDAEvent(); // flags cudaEventDisableTiming; created on first record
    }

    /** Marks the end of the work queued on {@code stream} so far. */
    public void record(CudaStream stream) {
        open().record(stream.handle());
    }

    /** Makes {@code stream} wait (on the device, the host goes on) until this event's work is done. */
    public void block(CudaStream stream) {
        open().block(stream.handle());
    }

    /** Whether the recorded work has finished (true for an event never recorded). */
    public boolean query() {
        return open().query();
    }

    /** Blocks the calling thread until the recorded work has finished. */
    public void synchronize() {
        open().synchronize();
    }

    private org.bytedeco.pytorch.cuda.CUDAEvent open() {
        if (closed.get()) throw new IllegalStateException("CUDA event used after close");
        return event;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) event.close();
    }
}
