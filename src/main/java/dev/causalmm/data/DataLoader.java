package dev.causalmm.data;

import dev.causalmm.engine.DType;
import dev.causalmm.engine.Device;
import dev.causalmm.engine.Tensor;
import dev.causalmm.engine.TensorMemory;
import java.lang.foreign.Arena;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Batches a {@link MultimodalDataset}. Samples are read and decoded on virtual threads straight
 * into pooled off-heap buffers, a bounded number of batches ahead; the consuming thread wraps each
 * buffer as tensors without copying (tensors are created on the consumer because JNI pins virtual
 * threads and tensor scopes are per thread). Batch order is deterministic for a given seed and
 * epoch, whatever the thread timing.
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

    public DataLoader(MultimodalDataset dataset, Options options) {
        if (dataset.size() == 0) throw new IllegalArgumentException("dataset '" + dataset.name() + "' is empty");
        this.dataset = dataset;
        this.options = options;
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

    /** Starts an epoch; close it (try-with-resources) to stop the loader threads and free buffers. */
    public Epoch epoch(int epoch) {
        return new Epoch(order(epoch), options.seed() * 0xD1B54A32D192ED03L + epoch);
    }

    /** The batches of one epoch, in order. */
    public final class Epoch implements Iterator<Batch>, AutoCloseable {
        private final int[] order;
        private final long stream;
        private final int total;
        private final Arena arena = Arena.ofShared();
        private final BlockingQueue<BatchBuffer> pool;
        private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
        private final ArrayDeque<Future<BatchBuffer>> pending = new ArrayDeque<>();
        private final List<Batch> handedOut = new ArrayList<>();
        private int submitted;
        private int consumed;
        private boolean closed;

        private Epoch(int[] order, long stream) {
            this.order = order;
            this.stream = stream;
            this.total = batchesPerEpoch();
            int buffers = Math.min(total, options.prefetch()) + 2;
            this.pool = new ArrayBlockingQueue<>(buffers);
            int capacity = (options.batchSize() + options.worldSize() - 1) / options.worldSize();
            for (int i = 0; i < buffers; i++) pool.add(new BatchBuffer(arena, dataset.modalities(), capacity));
            fill();
        }

        public int size() {
            return total;
        }

        private void fill() {
            while (submitted < total && submitted < consumed + options.prefetch()) {
                final int b = submitted++;
                pending.add(workers.submit(() -> load(b)));
            }
        }

        private BatchBuffer load(int b) throws InterruptedException {
            BatchBuffer buf = pool.take();
            buf.anyMissing = false;
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
                        pool.add(buf);
                        throw new DataLoadException("dataset '" + dataset.name() + "', sample " + idx + ": " + e.getMessage(), e);
                    }
                }
                return buf;
            });
        }

        @Override
        public boolean hasNext() {
            return !closed && consumed < total;
        }

        @Override
        public Batch next() {
            if (!hasNext()) throw new NoSuchElementException();
            Future<BatchBuffer> f = pending.poll();
            BatchBuffer buf;
            try {
                buf = f.get();
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
            Batch batch = wrap(buf);
            handedOut.add(batch);
            return batch;
        }

        private Batch wrap(BatchBuffer buf) {
            int rows = buf.rows;
            List<ModalitySpec> specs = dataset.modalities();
            List<Tensor> inputs = new ArrayList<>(specs.size());
            for (int m = 0; m < specs.size(); m++) {
                long[] shape = new long[specs.get(m).shape().length + 1];
                shape[0] = rows;
                System.arraycopy(specs.get(m).shape(), 0, shape, 1, shape.length - 1);
                DType stored = specs.get(m).storage();
                Tensor placed = place(TensorMemory.fromSegment(buf.modalities[m].asSlice(0, buf.rowBytes[m] * rows), stored, shape));
                inputs.add(asModelInput(placed, stored));
            }
            int k = specs.size();
            Tensor mask = place(TensorMemory.fromSegment(buf.mask.asSlice(0, (long) Float.BYTES * rows * k), DType.FLOAT32, rows, k));
            Tensor labels = place(TensorMemory.fromSegment(buf.labels.asSlice(0, (long) Long.BYTES * rows), DType.INT64, rows));
            // the rows' dataset indices travel with the batch (models with per-sample state read them
            // on the device; uploading them later, from pageable memory, would stall the step)
            Tensor indexTensor = place(TensorMemory.fromSegment(buf.indexRows.asSlice(0, (long) Long.BYTES * rows), DType.INT64, rows));
            int[] idx = java.util.Arrays.copyOf(buf.indices, rows);
            boolean onCpu = !options.device().isCuda();
            // On CUDA the data was copied out already, so the buffer can be reused at once.
            if (!onCpu) pool.add(buf);
            Batch[] self = new Batch[1];
            self[0] = new Batch(inputs, mask, labels, indexTensor, idx, !buf.anyMissing, () -> {
                if (onCpu) pool.add(buf);
                handedOut.remove(self[0]);
            });
            return self[0];
        }

        /**
         * Models take float32: pixels and word ids travel in their compact storage type (uint8,
         * int32) as far as the device and are widened there, in one cast kernel.
         */
        private static Tensor asModelInput(Tensor placed, DType stored) {
            if (stored == DType.FLOAT32) return placed;
            Tensor wide = placed.to(DType.FLOAT32);
            placed.close();
            return wide;
        }

        /**
         * CPU: the zero-copy view itself. CUDA: staged through page-locked memory and uploaded
         * asynchronously; LibTorch's pinned-memory allocator keeps the staging block until the copy
         * has finished, so it can be released at once.
         */
        private Tensor place(Tensor cpu) {
            if (!options.device().isCuda()) return cpu;
            Tensor pinned = TensorMemory.pinned(cpu);
            Tensor onDevice = pinned.to(options.device(), true);
            pinned.close();
            cpu.close();
            return onDevice;
        }

        @Override
        public void close() {
            if (closed) return;
            closed = true;
            for (Future<BatchBuffer> f : pending) f.cancel(true);
            pending.clear();
            workers.shutdownNow();
            try {
                if (!workers.awaitTermination(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("loader threads of '" + dataset.name() + "' did not stop within 30 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            for (Batch b : new ArrayList<>(handedOut)) b.close();
            arena.close();
        }
    }
}
