package dev.causalmm.data;

import dev.causalmm.engine.DType;
import dev.causalmm.engine.Device;
import dev.causalmm.engine.Tensor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.slf4j.LoggerFactory;

/**
 * Batches a {@link MultimodalDataset}. Samples are read and decoded on virtual threads straight
 * into the loader's batch buffers, a bounded number of batches ahead; the consuming thread wraps
 * each buffer as tensors without copying (tensors are created on the consumer because JNI pins
 * virtual threads and tensor scopes are per thread). Batch order is deterministic for a given seed
 * and epoch, whatever the thread timing.
 *
 * <p>Buffers are allocated once per loader ({@code prefetch + 2} of them, at the first epoch):
 * pinned host memory when the device is CUDA, plain off-heap memory otherwise. A buffer is reused
 * only after LibTorch has freed every tensor over it, so views that outlive their batch keep their
 * values. On CUDA each batch is uploaded with non-blocking copies on a side stream and the
 * consumer's stream waits for them through an event (docs/loader.md; not yet run on a GPU). When
 * every modality of a batch is present no mask tensor is made: {@link Batch#maskOrNull()} is null.
 *
 * <pre>{@code
 * var loader = new DataLoader(dataset, DataLoader.Options.shuffled(256, seed));
 * try (var epoch = loader.epoch(0)) {
 *     while (epoch.hasNext()) {
 *         try (Batch b = epoch.next()) { ... }
 *     }
 * }
 * }</pre>
 */
public final class DataLoader {

    /**
     * @param batchSize rows per batch — with {@code worldSize > 1}, rows per <em>global</em> batch,
     *                  of which this loader yields its rank's shard
     * @param shuffle   reshuffle every epoch (seeded by {@code seed} and the epoch number)
     * @param dropLast  drop a final partial batch
     * @param prefetch  batches decoded ahead of the consumer (also the number of loader threads busy)
     * @param seed      shuffle seed
     * @param device    where batch tensors are placed (CPU batches are zero-copy views)
     * @param rank      this process's rank in a data-parallel run (0 for one process)
     * @param worldSize number of data-parallel processes (1 for one process)
     */
    public record Options(int batchSize, boolean shuffle, boolean dropLast, int prefetch, long seed, Device device,
                          int rank, int worldSize) {
        public Options {
            if (batchSize <= 0) throw new IllegalArgumentException("batch size must be > 0, got " + batchSize);
            if (prefetch <= 0) throw new IllegalArgumentException("prefetch must be > 0, got " + prefetch);
            if (worldSize <= 0 || rank < 0 || rank >= worldSize) {
                throw new IllegalArgumentException("rank " + rank + " of world size " + worldSize + ": need 0 <= rank < world size");
            }
            if (batchSize < worldSize) {
                throw new IllegalArgumentException("global batch of " + batchSize + " rows cannot be shared by " + worldSize + " ranks");
            }
        }

        public Options(int batchSize, boolean shuffle, boolean dropLast, int prefetch, long seed, Device device) {
            this(batchSize, shuffle, dropLast, prefetch, seed, device, 0, 1);
        }

        public static Options shuffled(int batchSize, long seed) {
            return new Options(batchSize, true, false, 4, seed, Device.CPU);
        }

        public static Options sequential(int batchSize) {
            return new Options(batchSize, false, false, 4, 0, Device.CPU);
        }

        public Options withDevice(Device d) {
            return new Options(batchSize, shuffle, dropLast, prefetch, seed, d, rank, worldSize);
        }

        /**
         * This rank's shard of every global batch of {@code batchSize} rows: the global batch's rows
         * {@code [rows·rank/world, rows·(rank+1)/world)}. The shards of all ranks are disjoint and
         * their union, in rank order, is exactly the single-process batch.
         */
        public Options shard(int rank, int worldSize) {
            return new Options(batchSize, shuffle, dropLast, prefetch, seed, device, rank, worldSize);
        }
    }

    private final MultimodalDataset dataset;
    private final Options options;

    /** Tests only: a CPU loader that hands its batches through the side-stream upload code (with no streams). */
    private final boolean uploadPathOnCpu;

    public DataLoader(MultimodalDataset dataset, Options options) {
        this(dataset, options, false);
    }

    /**
     * @param uploadPathOnCpu with a CPU device, pass every batch through the CUDA side-stream upload
     *                        code, minus the streams ({@link UploadStreams#none()}): what tests run on
     *                        a machine without a GPU
     */
    DataLoader(MultimodalDataset dataset, Options options, boolean uploadPathOnCpu) {
        if (dataset.size() == 0) throw new IllegalArgumentException("dataset '" + dataset.name() + "' is empty");
        if (uploadPathOnCpu && options.device().isCuda()) throw new IllegalArgumentException("uploadPathOnCpu is for a CPU device");
        this.dataset = dataset;
        this.options = options;
        this.uploadPathOnCpu = uploadPathOnCpu;
    }

    public MultimodalDataset dataset() {
        return dataset;
    }

    public Options options() {
        return options;
    }

    /**
     * Global batches per epoch, the same on every rank. With several ranks, a final partial batch
     * with fewer rows than ranks is dropped (some rank would get no row); a single process keeps it.
     */
    public int batchesPerEpoch() {
        int n = dataset.size();
        int b = options.batchSize();
        if (options.dropLast() || n % b == 0) return n / b;
        return n % b < options.worldSize() ? n / b : n / b + 1;
    }

    /** Rows of global batch {@code b} over all ranks. */
    public int globalRows(int b) {
        return Math.min(options.batchSize(), dataset.size() - b * options.batchSize());
    }

    /** The shard's first row within global batch {@code b}, and (at {@code rank + 1}) its end. */
    private int shardStart(int b, int rank) {
        return (int) ((long) globalRows(b) * rank / options.worldSize());
    }

    /** The sample order of an epoch (a seeded Fisher–Yates shuffle, or identity). */
    public int[] order(int epoch) {
        int n = dataset.size();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        if (options.shuffle()) {
            SplittableRandom r = new SplittableRandom(options.seed() * 0x9E3779B97F4A7C15L + epoch);
            for (int i = n - 1; i > 0; i--) {
                int j = r.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
        }
        return order;
    }

    /**
     * Bound while the loader reads a sample: a number fixed by the loader's seed and the epoch, so a
     * dataset whose reads draw random numbers (image augmentation) draws the same ones for the same
     * (seed, epoch, sample) in every process, on resume and whatever ran before.
     */
    public static final ScopedValue<Long> READ_STREAM = ScopedValue.newInstance();

    /**
     * Longest time {@link Epoch#next()} waits for a batch buffer to come back before it reports that
     * every buffer is held by tensors of earlier batches (package-private: tests shorten it).
     */
    static volatile long bufferWaitMillis = 60_000;

    private BufferPool pool;

    /**
     * The loader's batch buffers, made on the first epoch: pinned host memory for a CUDA device
     * (uploads are then true asynchronous copies), plain off-heap memory for the CPU. Sized by the
     * largest batch the data can fill: a batch size beyond the dataset's rows reserves no more.
     */
    private synchronized BufferPool pool() {
        if (pool == null) {
            int global = Math.min(options.batchSize(), dataset.size());
            int rows = (global + options.worldSize() - 1) / options.worldSize();
            pool = new BufferPool(dataset.modalities(), dataset.task(), rows, options.device().isCuda());
        }
        return pool;
    }

    /** Batch buffers this loader has allocated so far (fixed after the first epoch when epochs do not overlap). */
    public synchronized int buffersAllocated() {
        return pool == null ? 0 : pool.created();
    }

    /** Starts an epoch; close it (try-with-resources) to stop the loader threads. */
    public Epoch epoch(int epoch) {
        return new Epoch(order(epoch), options.seed() * 0xD1B54A32D192ED03L + epoch);
    }

    /**
     * The batches of one epoch, in order. Batch buffers come from the loader's pool and go back to it
     * only when LibTorch has freed every tensor over them (see {@link Batch}). On CUDA each batch is
     * copied on a side stream and the consumer's current stream waits for the copy on the device
     * (see docs/loader.md); {@link #next()} then needs a platform thread.
     */
    public final class Epoch implements Iterator<Batch>, AutoCloseable {
        private final int[] order;
        private final long stream;
        private final int total;
        private final BufferPool pool;
        private final int reserved;
        private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
        private final ArrayDeque<Future<BatchBuffer>> pending = new ArrayDeque<>();
        private final List<Batch> handedOut = new ArrayList<>();
        /** CUDA only: the side stream of the copies and the thread that returns buffers once they are done. */
        private final Uploads uploads;
        private int submitted;
        private int consumed;
        private boolean closed;

        private Epoch(int[] order, long stream) {
            this.order = order;
            this.stream = stream;
            this.total = batchesPerEpoch();
            this.pool = pool();
            this.reserved = Math.min(total, options.prefetch()) + 2;
            pool.reserve(reserved);
            try {
                this.uploads = options.device().isCuda() ? sideStreamUploads(options.device())
                        : uploadPathOnCpu ? new Uploads(options.device(), UploadStreams.none()) : null;
            } catch (RuntimeException | Error e) {
                pool.unreserve(reserved);
                workers.shutdown();
                throw e;
            }
            fill();
        }

        public int size() {
            return total;
        }

        /**
         * Starts loading the next batches, up to {@code prefetch} ahead, while buffers are free.
         * Buffers are taken here, on the consumer thread, in batch order, so a later batch can never
         * hold the buffer an earlier one waits for.
         */
        private void fill() {
            while (submitted < total && submitted < consumed + options.prefetch()) {
                BatchBuffer buf = pool.poll();
                if (buf == null) return;
                submit(buf);
            }
        }

        private void submit(BatchBuffer buf) {
            final int b = submitted++;
            pending.add(workers.submit(() -> load(b, buf)));
        }

        private BatchBuffer load(int b, BatchBuffer buf) {
            try {
                int lo = shardStart(b, options.rank());
                int start = b * options.batchSize() + lo;
                int rows = shardStart(b, options.rank() + 1) - lo;
                buf.rows = rows;
                // one binding of the read stream per batch, seen by every sample's read
                return ScopedValue.where(READ_STREAM, stream).call(() -> {
                    for (int r = 0; r < rows; r++) {
                        int idx = order[start + r];
                        buf.indices[r] = idx;
                        buf.indexRows.setAtIndex(java.lang.foreign.ValueLayout.JAVA_LONG, r, idx);
                        try {
                            dataset.read(idx, buf.row(r));
                        } catch (Exception e) {
                            throw new DataLoadException("dataset '" + dataset.name() + "', sample " + idx + ": " + e.getMessage(), e);
                        }
                    }
                    return buf;
                });
            } catch (Throwable t) {
                buf.release(); // the loader's hold: nothing else holds a buffer that was never handed out
                throw t;
            }
        }

        @Override
        public boolean hasNext() {
            return !closed && consumed < total;
        }

        @Override
        public Batch next() {
            if (!hasNext()) throw new NoSuchElementException();
            BatchBuffer buf;
            try {
                if (pending.isEmpty()) submit(awaitFreeBuffer());
                buf = pending.peek().get(); // left queued until it succeeds: close() returns what it loaded
                pending.poll();
            } catch (InterruptedException e) {
                close();
                Thread.currentThread().interrupt();
                throw new DataLoadException("interrupted while waiting for batch " + consumed + " of '" + dataset.name() + "'", e);
            } catch (ExecutionException e) {
                close();
                Throwable c = e.getCause();
                if (c instanceof DataLoadException d) throw d;
                throw new DataLoadException("loading batch " + consumed + " of '" + dataset.name() + "' failed: " + c, c);
            }
            consumed++;
            fill();
            Batch batch;
            try {
                batch = uploads == null ? wrap(buf) : uploads.upload(buf);
            } catch (RuntimeException | Error e) {
                close();
                throw e;
            }
            handedOut.add(batch);
            return batch;
        }

        /** Waits for a buffer when none was free for the next batch: an earlier batch's tensors still hold them all. */
        private BatchBuffer awaitFreeBuffer() throws InterruptedException {
            BatchBuffer buf = pool.poll(bufferWaitMillis);
            if (buf != null) return buf;
            close();
            throw new DataLoadException("no batch buffer of '" + dataset.name() + "' came back within " + bufferWaitMillis / 1000.0
                    + " s: all " + pool.created() + " are held by tensors of earlier batches that are still alive (a view or a"
                    + " tensor kept after Batch.close, or batches not closed). Close them, or copy what you keep (clone_())", null);
        }

        /**
         * The side-stream upload, or null when LibTorch's CUDA stream API cannot be loaded (a linkage
         * error of the presets' CUDA classes): batches are then copied with blocking copies on the
         * current stream, which is slower but needs nothing beyond {@code Tensor.to}.
         */
        private Uploads sideStreamUploads(Device device) {
            try {
                return new Uploads(device, UploadStreams.cuda(device));
            } catch (LinkageError e) {
                LoggerFactory.getLogger(DataLoader.class).warn("CUDA streams unavailable ({}): batches of '{}' are uploaded"
                        + " with blocking copies on the current stream", e.toString(), dataset.name());
                return null;
            }
        }

        /**
         * CPU: the batch's tensors are views of the buffer (no copy); each holds it until LibTorch
         * frees it. CUDA without the side stream: blocking copies from the pinned buffer, finished
         * before the buffer is released.
         */
        private Batch wrap(BatchBuffer buf) {
            Fields fields;
            try {
                fields = fields(buf, this::place, t -> {});
            } finally {
                buf.release(); // the loader's hold; the tensors hold the buffer from here on
            }
            return batch(fields, buf);
        }

        /** CPU: the view itself. CUDA (no side stream): a blocking copy; the host view is closed. */
        private Tensor place(Tensor host) {
            if (!options.device().isCuda()) return host;
            try {
                return host.to(options.device(), false);
            } finally {
                host.close();
            }
        }

        /** A batch's tensors as the model reads them (types by {@link BatchField}); the mask is null when every modality is present. */
        private record Fields(List<Tensor> inputs, Tensor mask, Tensor labels, Tensor indices) {
            void close() {
                inputs.forEach(Tensor::close);
                if (mask != null) mask.close();
                labels.close();
                indices.close();
            }
        }

        /**
         * The one path from a loaded buffer to a batch's tensors, for every placement: each field's
         * host view is placed on the device ({@code place}, which closes the view when it copies),
         * given its model type ({@link BatchField#asModel}) and handed to {@code placed}. On failure
         * the tensors made so far are closed.
         */
        private Fields fields(BatchBuffer buf, UnaryOperator<Tensor> place, Consumer<Tensor> placed) {
            int rows = buf.rows;
            List<ModalitySpec> specs = dataset.modalities();
            List<Tensor> made = new ArrayList<>(specs.size() + 3);
            try {
                for (int m = 0; m < specs.size(); m++) {
                    DType stored = specs.get(m).storage();
                    Tensor host = buf.wrap(buf.modalities[m], buf.rowBytes[m] * rows, stored, shape(specs.get(m), rows));
                    field(BatchField.INPUT, stored, host, place, placed, made);
                }
                // every modality present: no mask travels (Batch.mask() makes ones if asked)
                Tensor mask = buf.anyMissing ? field(BatchField.MASK, DType.FLOAT32, wrapMask(buf), place, placed, made) : null;
                DType labelType = buf.task.labelStorage(); // int64 class ids, or B×dims float32 targets
                Tensor labels = field(BatchField.labelsOf(buf.task), labelType, buf.wrap(buf.labels, buf.task.labelBytes() * rows, labelType,
                        buf.task.labelShape(rows)), place, placed, made);
                // the rows' dataset indices travel with the batch (models with per-sample state read them
                // on the device; uploading them later, from pageable memory, would stall the step)
                Tensor indices = field(BatchField.INDICES, DType.INT64, buf.wrap(buf.indexRows, (long) Long.BYTES * rows, DType.INT64, rows),
                        place, placed, made);
                return new Fields(new ArrayList<>(made.subList(0, specs.size())), mask, labels, indices);
            } catch (RuntimeException | Error e) {
                made.forEach(Tensor::close);
                throw e;
            }
        }

        private static Tensor field(BatchField field, DType stored, Tensor host, UnaryOperator<Tensor> place, Consumer<Tensor> placed,
                                    List<Tensor> made) {
            Tensor model = field.asModel(place.apply(host), stored);
            made.add(model);
            placed.accept(model);
            return model;
        }

        private Batch batch(Fields f, BatchBuffer buf) {
            Batch[] self = new Batch[1];
            self[0] = new Batch(f.inputs(), f.mask(), f.labels(), f.indices(), java.util.Arrays.copyOf(buf.indices, buf.rows), !buf.anyMissing,
                    () -> handedOut.remove(self[0]));
            return self[0];
        }

        private Tensor wrapMask(BatchBuffer buf) {
            int k = dataset.modalities().size();
            return buf.wrap(buf.mask, (long) Float.BYTES * buf.rows * k, DType.FLOAT32, buf.rows, k);
        }

        private static long[] shape(ModalitySpec spec, int rows) {
            long[] shape = new long[spec.shape().length + 1];
            shape[0] = rows;
            System.arraycopy(spec.shape(), 0, shape, 1, shape.length - 1);
            return shape;
        }

        /** A batch's copies in flight: the fence they signal and the pinned buffer they read. */
        private record InFlight(UploadStreams.Fence copied, BatchBuffer buffer) {
            /** Tells the release thread to stop. */
            static final InFlight STOP = new InFlight(null, null);
        }

        /**
         * The side-stream upload (CUDA: not yet run on a device, see docs/loader.md; with
         * {@link UploadStreams#none()} the same code runs on the CPU in tests). Per batch:
         * non-blocking copies from the pinned buffer on a side stream (and the widening casts,
         * also there), a fence recorded after them, and the consumer's current stream made to wait
         * for it on the device, so the host never waits and the step cannot read the batch early.
         * The host views over the buffer are closed as soon as their copies are queued, but the
         * loader's hold on the buffer is dropped only once the fence has passed (on this epoch's
         * release thread): LibTorch's pinned allocator cannot guard memory it did not hand out itself.
         */
        private final class Uploads {
            private final Device device;
            private final UploadStreams streams;
            private final java.util.concurrent.LinkedBlockingQueue<InFlight> inFlight = new java.util.concurrent.LinkedBlockingQueue<>();
            private final Thread releaser;

            Uploads(Device device, UploadStreams streams) {
                this.device = device;
                this.streams = streams;
                // a platform thread: it waits in a native call (cudaEventSynchronize)
                this.releaser = Thread.ofPlatform().daemon().name("causalmm-upload-release").start(this::releaseLoop);
            }

            Batch upload(BatchBuffer buf) {
                Fields fields = null;
                UploadStreams.Fence copied = null;
                boolean queued = false;
                try {
                    try (UploadStreams.Round round = streams.begin()) {
                        fields = fields(buf, this::copy, round::usedByConsumer);
                        copied = round.finish();
                    }
                    inFlight.add(new InFlight(copied, buf));
                    queued = true;
                } finally {
                    if (!queued) {
                        streams.synchronize(); // whatever was queued from the buffer has finished
                        if (copied != null) copied.close();
                        buf.release();
                        if (fields != null) fields.close(); // the device tensors made before the failure
                    }
                }
                return batch(fields, buf);
            }

            /** A non-blocking copy of a pinned host view on the current (copy) stream; the view is closed. */
            private Tensor copy(Tensor host) {
                try {
                    return host.to(device, true);
                } finally {
                    host.close(); // the storage stays held by the loader's hold until the copy is done
                }
            }

            private void releaseLoop() {
                try {
                    while (true) {
                        InFlight u = inFlight.take();
                        if (u == InFlight.STOP) return;
                        try {
                            release(u);
                        } catch (RuntimeException e) {
                            // the buffer was released anyway; the next CUDA call on the consumer reports the error too
                            LoggerFactory.getLogger(DataLoader.class).error("waiting for the upload of a batch of '{}' failed", dataset.name(), e);
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }

            private static void release(InFlight u) {
                try {
                    u.copied().await();
                } finally {
                    try {
                        u.copied().close();
                    } finally {
                        u.buffer().release();
                    }
                }
            }

            /** Waits for the copies still in flight, returns their buffers and stops the release thread. */
            void close() {
                inFlight.add(InFlight.STOP);
                try {
                    releaser.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                for (InFlight u; (u = inFlight.poll()) != null; ) if (u != InFlight.STOP) release(u);
                streams.close();
            }
        }

        @Override
        public void close() {
            if (closed) return;
            closed = true;
            workers.shutdownNow(); // interrupts loads in progress; each returns its buffer if it fails
            try {
                if (!workers.awaitTermination(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("loader threads of '" + dataset.name() + "' did not stop within 30 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            for (Future<BatchBuffer> f : pending) {
                if (f.state() == Future.State.SUCCESS) f.resultNow().release(); // loaded but never handed out
            }
            pending.clear();
            for (Batch b : new ArrayList<>(handedOut)) b.close();
            if (uploads != null) uploads.close();
            pool.unreserve(reserved);
        }
    }
}
