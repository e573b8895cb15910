package dev.causalmm.data;

import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The batch buffers of one {@link DataLoader}, allocated once and reused by every epoch: pinned
 * host memory when batches go to a CUDA device, plain off-heap memory otherwise. Each open epoch
 * reserves the buffers it can have in flight ({@code prefetch} being decoded, one in the consumer's
 * hands, one being freed or uploaded); the pool holds as many buffers as the open epochs reserve
 * together, so one epoch at a time means a fixed number of buffers for the loader's whole life.
 * Buffers come back through {@link BatchBuffer#release()}, when LibTorch has freed every tensor over
 * them, from whichever thread that happens on.
 */
final class BufferPool {
    private final List<ModalitySpec> specs;
    private final Task task;
    private final int rowsPerBuffer;
    private final boolean pinned;
    private final LinkedBlockingQueue<BatchBuffer> free = new LinkedBlockingQueue<>();
    private int created;
    private int reserved;

    BufferPool(List<ModalitySpec> specs, Task task, int rowsPerBuffer, boolean pinned) {
        this.specs = List.copyOf(specs);
        this.task = task;
        this.rowsPerBuffer = rowsPerBuffer;
        this.pinned = pinned;
    }

    /** Makes sure {@code n} more buffers exist than the epochs already open reserved (allocates on the calling thread). */
    synchronized void reserve(int n) {
        reserved += n;
        while (created < reserved) {
            free.add(new BatchBuffer(this, specs, task, rowsPerBuffer, pinned));
            created++;
        }
    }

    /** An epoch closed: its buffers stay in the pool for the next one. */
    synchronized void unreserve(int n) {
        reserved -= n;
    }

    /** A free buffer, claimed for the caller, or {@code null} if none is free now. */
    BatchBuffer poll() {
        BatchBuffer b = free.poll();
        if (b != null) b.claim();
        return b;
    }

    /** A free buffer, waiting up to {@code timeoutMillis} for one to come back; {@code null} on timeout. */
    BatchBuffer poll(long timeoutMillis) throws InterruptedException {
        BatchBuffer b = free.poll(timeoutMillis, TimeUnit.MILLISECONDS);
        if (b != null) b.claim();
        return b;
    }

    void giveBack(BatchBuffer b) {
        free.add(b);
    }

    /** Buffers allocated over the pool's life. */
    synchronized int created() {
        return created;
    }

    /** Buffers not held by anything now. */
    int free() {
        return free.size();
    }

    boolean pinned() {
        return pinned;
    }
}
