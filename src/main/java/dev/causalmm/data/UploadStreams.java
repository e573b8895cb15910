package dev.causalmm.data;

import dev.causalmm.engine.CudaEvent;
import dev.causalmm.engine.CudaStream;
import dev.causalmm.engine.Device;
import dev.causalmm.engine.Tensor;

/**
 * The stream work of the loader's side-stream upload, apart from the upload itself so that the very
 * same upload code runs on the CPU in tests: {@link #cuda} copies on a side stream, ordered against
 * the consumer's stream by an event (docs/loader.md); {@link #none} has no streams, every copy being
 * complete when it is issued.
 */
interface UploadStreams extends AutoCloseable {

    /** Opens one batch's copies: issued from now until the round closes, they go to the copy stream. */
    Round begin();

    /** Blocks until everything queued on the copy stream has finished. */
    void synchronize();

    @Override
    void close();

    /** One batch's copies. */
    interface Round extends AutoCloseable {
        /** Marks {@code t} as used by the consumer's stream (its block is not reused before the step is done with it). */
        void usedByConsumer(Tensor t);

        /** Called after the batch's copies: the consumer's stream waits for them on the device; the host waits on the fence. */
        Fence finish();

        /** Restores the calling thread's current stream. */
        @Override
        void close();
    }

    /** The end of a batch's copies, for the host: once {@link #await} returns, their pinned buffer may be reused. */
    interface Fence {
        void await();

        void close();
    }

    /** Fence of a copy that was complete when issued. */
    Fence DONE = new Fence() {
        @Override public void await() {}
        @Override public void close() {}
    };

    /** No streams: the target is the CPU (tests of the upload path). */
    static UploadStreams none() {
        return new UploadStreams() {
            @Override
            public Round begin() {
                return new Round() {
                    @Override public void usedByConsumer(Tensor t) {}
                    @Override public Fence finish() { return DONE; }
                    @Override public void close() {}
                };
            }

            @Override public void synchronize() {}
            @Override public void close() {}
        };
    }

    /**
     * A side stream of {@code device}'s pool; the consumer's stream is the calling thread's current
     * stream at each {@link #begin()}. Throws {@link LinkageError} when the presets' CUDA classes
     * cannot be loaded.
     */
    static UploadStreams cuda(Device device) {
        CudaStream copies = CudaStream.fromPool(device);
        return new UploadStreams() {
            @Override
            public Round begin() {
                CudaStream consumer = CudaStream.current(device);
                CudaStream.Use onCopies;
                try {
                    onCopies = copies.use(); // a platform thread's state
                } catch (RuntimeException | Error e) {
                    consumer.close();
                    throw e;
                }
                return new Round() {
                    @Override
                    public void usedByConsumer(Tensor t) {
                        consumer.recordUse(t);
                    }

                    @Override
                    public Fence finish() {
                        CudaEvent copied = new CudaEvent();
                        try {
                            copied.record(copies);
                            copied.block(consumer); // the step's stream waits for the copies; the host does not
                        } catch (RuntimeException | Error e) {
                            copied.close();
                            throw e;
                        }
                        return new Fence() {
                            @Override public void await() { copied.synchronize(); }
                            @Override public void close() { copied.close(); }
                        };
                    }

                    @Override
                    public void close() {
                        try {
                            onCopies.close();
                        } finally {
                            consumer.close();
                        }
                    }
                };
            }

            @Override public void synchronize() { copies.synchronize(); }
            @Override public void close() { copies.close(); }
        };
    }
}
