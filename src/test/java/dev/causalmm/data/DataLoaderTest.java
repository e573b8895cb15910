package dev.causalmm.data;

import static org.junit.jupiter.api.Assertions.*;

import dev.causalmm.engine.NativeMemory;
import dev.causalmm.engine.TensorScope;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DataLoaderTest {

    /** Sample i has value i in every slot of modality 0 and 2·i in modality 1; label i % 3. */
    static ArrayDataset counting(int n) {
        float[] a = new float[n * 2];
        float[] b = new float[n * 3];
        int[] y = new int[n];
        boolean[][] avail = new boolean[n][];
        for (int i = 0; i < n; i++) {
            a[2 * i] = i;
            a[2 * i + 1] = i;
            for (int j = 0; j < 3; j++) b[3 * i + j] = 2 * i;
            y[i] = i % 3;
            avail[i] = new boolean[] {true, i % 5 != 0};
        }
        return new ArrayDataset("counting", List.of(ModalitySpec.vector("a", 2), ModalitySpec.vector("b", 3)),
                new float[][] {a, b}, y, avail, 3);
    }

    /** Every global batch's row indices, rank by rank, for a loader of {@code world} shards. */
    static List<List<int[]>> shards(ArrayDataset ds, int globalBatch, int world, int epoch) {
        List<List<int[]>> perRank = new java.util.ArrayList<>();
        for (int r = 0; r < world; r++) {
            DataLoader loader = new DataLoader(ds, DataLoader.Options.shuffled(globalBatch, 42).shard(r, world));
            List<int[]> batches = new java.util.ArrayList<>();
            try (var s = TensorScope.open("t"); var e = loader.epoch(epoch)) {
                while (e.hasNext()) {
                    try (Batch b = e.next()) {
                        assertEquals(b.size(), b.labels().toLongArray().length);
                        batches.add(b.indices());
                    }
                }
            }
            perRank.add(batches);
        }
        return perRank;
    }

    @Test
    void shardsAreDisjointAndTheirUnionIsTheSingleProcessEpoch() {
        ArrayDataset ds = counting(103);
        for (int epoch = 0; epoch < 2; epoch++) {
            List<int[]> single = shards(ds, 10, 1, epoch).getFirst();
            List<List<int[]>> three = shards(ds, 10, 3, epoch);
            assertEquals(single.size(), three.getFirst().size(), "the last batch of 3 rows is kept: every rank gets one");
            for (int b = 0; b < single.size(); b++) {
                int[] joined = new int[0];
                for (int r = 0; r < 3; r++) {
                    int[] part = three.get(r).get(b);
                    assertTrue(part.length >= 1, "rank " + r + " batch " + b + " is empty");
                    int[] j = Arrays.copyOf(joined, joined.length + part.length);
                    System.arraycopy(part, 0, j, joined.length, part.length);
                    joined = j;
                }
                assertArrayEquals(single.get(b), joined, "batch " + b + ": ranks 0,1,2 in order make the single-process batch");
            }
        }
        // 103 = 10·10 + 3 rows: with 4 ranks the 3-row tail cannot be shared and is dropped
        List<List<int[]>> four = shards(ds, 12, 4, 0);
        assertEquals(9, four.getFirst().size(), "103 = 8·12 + 7: the 7-row tail is kept (>= 4 rows)");
        assertEquals(10, new DataLoader(ds, DataLoader.Options.shuffled(10, 1).shard(0, 4)).batchesPerEpoch());
        assertEquals(11, new DataLoader(ds, DataLoader.Options.shuffled(10, 1).shard(0, 3)).batchesPerEpoch());
    }

    @Test
    void batchesCoverEveryRowOnceWithMatchingLabelsAndMasks() {
        ArrayDataset ds = counting(103);
        DataLoader loader = new DataLoader(ds, DataLoader.Options.shuffled(10, 42));
        assertEquals(11, loader.batchesPerEpoch());
        Set<Integer> seen = new HashSet<>();
        try (var s = TensorScope.open("t"); var epoch = loader.epoch(0)) {
            while (epoch.hasNext()) {
                try (Batch b = epoch.next()) {
                    float[] a = b.inputs().get(0).toFloatArray();
                    float[] bb = b.inputs().get(1).toFloatArray();
                    long[] y = b.labels().toLongArray();
                    float[] mask = b.mask().toFloatArray();
                    assertArrayEquals(new long[] {b.size(), 3}, b.inputs().get(1).shape());
                    int[] idx = b.indices();
                    boolean anyMissing = java.util.Arrays.stream(idx).anyMatch(i -> i % 5 == 0);
                    assertEquals(anyMissing, b.maskOrNull() != null, "maskOrNull is null exactly when nothing is missing");
                    for (int r = 0; r < b.size(); r++) {
                        int i = idx[r];
                        assertTrue(seen.add(i), "row " + i + " twice");
                        assertEquals(i, a[2 * r], 0f);
                        assertEquals(i % 5 == 0 ? 0f : 2f * i, bb[3 * r], 0f, "missing modality is zero-filled");
                        assertEquals(i % 3, y[r]);
                        assertEquals(1f, mask[2 * r]);
                        assertEquals(i % 5 == 0 ? 0f : 1f, mask[2 * r + 1]);
                    }
                }
            }
        }
        assertEquals(103, seen.size());
    }

    @Test
    void orderIsDeterministicPerSeedAndEpoch() {
        ArrayDataset ds = counting(50);
        DataLoader a = new DataLoader(ds, DataLoader.Options.shuffled(8, 7));
        DataLoader b = new DataLoader(ds, DataLoader.Options.shuffled(8, 7));
        assertArrayEquals(a.order(3), b.order(3));
        assertFalse(Arrays.equals(a.order(3), a.order(4)), "each epoch reshuffles");
        int[] sorted = a.order(3).clone();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) assertEquals(i, sorted[i]);
        // batch contents follow the order exactly, whatever the thread timing
        try (var s = TensorScope.open("t"); var epoch = a.epoch(3)) {
            int pos = 0;
            int[] order = a.order(3);
            while (epoch.hasNext()) {
                try (Batch batch = epoch.next()) {
                    for (int i : batch.indices()) assertEquals(order[pos++], i);
                }
            }
        }
    }

    @Test
    void dropLastAndSequential() {
        ArrayDataset ds = counting(25);
        var o = new DataLoader.Options(10, false, true, 2, 0, dev.causalmm.engine.Device.CPU);
        assertEquals(2, new DataLoader(ds, o).batchesPerEpoch());
        assertArrayEquals(new int[] {0, 1, 2}, Arrays.copyOf(new DataLoader(ds, o).order(0), 3));
    }

    @Test
    void prefetchRunsExactlyTheConfiguredNumberOfBatchesAhead() throws Exception {
        AtomicInteger reads = new AtomicInteger();
        ArrayDataset base = counting(400);
        MultimodalDataset counted = new Wrapping(base) {
            @Override
            public void read(int index, SampleWriter out) throws IOException {
                reads.incrementAndGet();
                super.read(index, out);
            }
        };
        // prefetch 3: with one batch consumed, batches 1..3 are decoded ahead, and no more
        DataLoader loader = new DataLoader(counted, new DataLoader.Options(10, false, false, 3, 0, dev.causalmm.engine.Device.CPU));
        try (var s = TensorScope.open("t"); var epoch = loader.epoch(0)) {
            try (Batch b = epoch.next()) {
                awaitReads(reads, 10 * 4);
                Thread.sleep(200); // time to run further ahead, if the bound did not hold
                assertEquals(10 * 4, reads.get(), "1 batch consumed + 3 ahead");
            }
            try (Batch b = epoch.next()) {
                awaitReads(reads, 10 * 5);
                Thread.sleep(200);
                assertEquals(10 * 5, reads.get(), "2 batches consumed + 3 ahead");
            }
        }
    }

    /** Waits (up to 20 s) until the loader threads have read {@code n} samples: they must read ahead. */
    private static void awaitReads(AtomicInteger reads, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (reads.get() < n && System.nanoTime() < deadline) Thread.sleep(5);
        assertTrue(reads.get() >= n, "the loader read only " + reads.get() + " samples, expected " + n + " (prefetch ahead of the consumer)");
    }

    @Test
    void aFailingSampleIsReportedWithItsIndexAndThreadsStop() {
        MultimodalDataset broken = new Wrapping(counting(100)) {
            @Override
            public void read(int index, SampleWriter out) throws IOException {
                if (index == 57) throw new IOException("corrupt record");
                super.read(index, out);
            }
        };
        DataLoader loader = new DataLoader(broken, DataLoader.Options.sequential(10));
        long live = NativeMemory.unclosedTensors();
        var e = assertThrows(DataLoadException.class, () -> {
            try (var epoch = loader.epoch(0)) {
                while (epoch.hasNext()) epoch.next().close();
            }
        });
        assertTrue(e.getMessage().contains("sample 57") && e.getMessage().contains("corrupt record"), e.getMessage());
        assertEquals(live, NativeMemory.unclosedTensors());
    }

    @Test
    void interruptingTheConsumerShutsTheEpochDown() throws Exception {
        CountDownLatch block = new CountDownLatch(1);
        MultimodalDataset stuck = new Wrapping(counting(100)) {
            @Override
            public void read(int index, SampleWriter out) throws IOException {
                if (index >= 10) {
                    try {
                        block.await();
                    } catch (InterruptedException ie) {
                        throw new IOException("interrupted", ie);
                    }
                }
                super.read(index, out);
            }
        };
        DataLoader loader = new DataLoader(stuck, DataLoader.Options.sequential(10));
        Throwable[] thrown = new Throwable[1];
        Thread consumer = Thread.ofPlatform().start(() -> {
            try (var epoch = loader.epoch(0)) {
                epoch.next().close();
                epoch.next(); // blocks: sample 10 never finishes
            } catch (Throwable t) {
                thrown[0] = t;
            }
        });
        Thread.sleep(200);
        consumer.interrupt();
        consumer.join(TimeUnit.SECONDS.toMillis(20));
        assertFalse(consumer.isAlive(), "consumer did not stop");
        assertInstanceOf(DataLoadException.class, thrown[0]);
        assertTrue(thrown[0].getMessage().contains("interrupted"), thrown[0].getMessage());
    }

    @Test
    void emptyDatasetIsRejected() {
        ArrayDataset empty = new ArrayDataset("empty", List.of(ModalitySpec.vector("a", 1)), new float[][] {new float[0]}, new int[0], null, 2);
        var e = assertThrows(IllegalArgumentException.class, () -> new DataLoader(empty, DataLoader.Options.sequential(4)));
        assertTrue(e.getMessage().contains("empty"));
    }

    @Test
    void badArraysNameTheModality() {
        var e = assertThrows(IllegalArgumentException.class, () -> new ArrayDataset("bad", List.of(ModalitySpec.vector("audio", 4)),
                new float[][] {new float[7]}, new int[2], null, 2));
        assertTrue(e.getMessage().contains("audio") && e.getMessage().contains("expected 8"), e.getMessage());
        var e2 = assertThrows(IllegalArgumentException.class, () -> new ArrayDataset("bad", List.of(ModalitySpec.vector("a", 1)),
                new float[][] {new float[2]}, new int[] {0, 5}, null, 2));
        assertTrue(e2.getMessage().contains("sample 1"), e2.getMessage());
    }

    /** Counting data with every modality present: sample i holds i in modality a, 2·i in b. */
    static ArrayDataset complete(int n) {
        ArrayDataset c = counting(n);
        float[] a = new float[n * 2];
        float[] b = new float[n * 3];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            a[2 * i] = i;
            a[2 * i + 1] = i;
            for (int j = 0; j < 3; j++) b[3 * i + j] = 2 * i;
            y[i] = i % 3;
        }
        return new ArrayDataset("complete", c.modalities(), new float[][] {a, b}, y, null, 3);
    }

    /**
     * A view of batch 0 kept past its close (a reshape, as LibTorch keeps for autograd) must still
     * read batch 0's values after the loader has gone through every later batch: its buffer may
     * not be refilled while the view is alive.
     */
    @Test
    void aViewKeptPastCloseKeepsItsValuesWhileLaterBatchesLoad() {
        ArrayDataset ds = counting(400);
        DataLoader loader = new DataLoader(ds, new DataLoader.Options(10, true, false, 2, 5, dev.causalmm.engine.Device.CPU));
        try (var s = TensorScope.open("t"); var epoch = loader.epoch(0)) {
            dev.causalmm.engine.Tensor kept;
            int[] first;
            try (Batch b = epoch.next()) {
                first = b.indices();
                kept = b.inputs().get(0).reshape(20); // a view of the buffer, not a copy
            }
            int later = 0;
            while (epoch.hasNext()) {
                try (Batch b = epoch.next()) {
                    later++;
                    assertEquals(b.indices()[0], b.inputs().get(0).toFloatArray()[0], 0f);
                }
            }
            assertEquals(39, later);
            float[] v = kept.toFloatArray();
            for (int r = 0; r < 10; r++) {
                assertEquals(first[r], v[2 * r], 0f, "row " + r + " of the kept view was overwritten by a later batch");
                assertEquals(first[r], v[2 * r + 1], 0f);
            }
            assertEquals(4, loader.buffersAllocated(), "prefetch 2 + 2 buffers, the kept one included");
            kept.close();
        }
    }

    /** An input autograd saved (x in x·w) outlives the batch; backward after later batches still sees batch 0. */
    @Test
    void anInputSavedByAutogradIsNotOverwrittenBeforeBackward() {
        ArrayDataset ds = counting(200);
        DataLoader loader = new DataLoader(ds, new DataLoader.Options(8, true, false, 2, 9, dev.causalmm.engine.Device.CPU));
        try (var s = TensorScope.open("t"); var epoch = loader.epoch(1)) {
            dev.causalmm.engine.Tensor w = dev.causalmm.engine.Tensor.of(new float[] {1, 1}, 2).requiresGrad_(true);
            dev.causalmm.engine.Tensor loss;
            double expected = 0;
            try (Batch b = epoch.next()) {
                loss = b.inputs().get(0).mul(w).sum(); // saves the input for d loss / d w
                for (int i : b.indices()) expected += i;
            }
            while (epoch.hasNext()) epoch.next().close();
            loss.backward();
            float[] g = w.grad().toFloatArray();
            assertEquals(expected, g[0], 1e-3, "gradient from batch 0's rows");
            assertEquals(expected, g[1], 1e-3);
        }
    }

    /** Buffers are allocated once per loader: the pool and native memory stay flat over many epochs. */
    @Test
    void poolStaysBoundedAndNativeMemoryFlatOverManyEpochs() {
        ArrayDataset ds = counting(103);
        DataLoader loader = new DataLoader(ds, new DataLoader.Options(10, true, false, 3, 1, dev.causalmm.engine.Device.CPU));
        assertEquals(0, loader.buffersAllocated(), "nothing allocated before the first epoch");
        long tensors = NativeMemory.unclosedTensors();
        long wrapped = dev.causalmm.engine.ExternalMemory.pendingReleases();
        long allocations = dev.causalmm.engine.HostBuffers.allocations();
        for (int epoch = 0; epoch < 40; epoch++) {
            try (var s = TensorScope.open("t"); var e = loader.epoch(epoch)) {
                int rows = 0;
                dev.causalmm.engine.Tensor previous = null;
                while (e.hasNext()) {
                    try (Batch b = e.next()) {
                        rows += b.size();
                        b.mask(); // made on demand when nothing is missing
                        if (previous != null) previous.close();
                        previous = b.labels().reshape(-1, 1); // a view kept one batch past its close
                    }
                }
                assertEquals(103, rows);
            }
            assertEquals(5, loader.buffersAllocated(), "epoch " + epoch + ": prefetch 3 + 2 buffers");
            assertEquals(tensors, NativeMemory.unclosedTensors(), "epoch " + epoch + ": tensors left open");
            assertEquals(wrapped, dev.causalmm.engine.ExternalMemory.pendingReleases(), "epoch " + epoch + ": buffers still held");
        }
        assertEquals(5, dev.causalmm.engine.HostBuffers.allocations() - allocations, "buffers allocated once for 40 epochs");
        // an epoch stopped early hands its loaded-ahead buffers back too
        try (var s = TensorScope.open("t"); var e = loader.epoch(99)) {
            e.next().close();
        }
        try (var s = TensorScope.open("t"); var e = loader.epoch(100)) {
            while (e.hasNext()) e.next().close();
        }
        assertEquals(5, loader.buffersAllocated());
        assertEquals(wrapped, dev.causalmm.engine.ExternalMemory.pendingReleases());
    }

    /** With every modality present no mask tensor is made per batch; mask() then makes ones on demand. */
    @Test
    void noMaskTensorTravelsWhenEveryModalityIsPresent() {
        for (boolean withMissing : new boolean[] {false, true}) {
            ArrayDataset ds = withMissing ? counting(40) : complete(40);
            DataLoader loader = new DataLoader(ds, DataLoader.Options.sequential(10));
            try (var s = TensorScope.open("t"); var e = loader.epoch(0)) {
                while (e.hasNext()) {
                    long before = NativeMemory.unclosedTensors();
                    try (Batch b = e.next()) {
                        // inputs (2), labels, indices, and the mask only when something is missing
                        assertEquals(withMissing ? 5 : 4, NativeMemory.unclosedTensors() - before, "tensors made for one batch");
                        assertEquals(withMissing, b.maskOrNull() != null);
                        float[] mask = b.mask().toFloatArray();
                        assertArrayEquals(new long[] {10, 2}, b.mask().shape());
                        int[] idx = b.indices();
                        for (int r = 0; r < 10; r++) {
                            assertEquals(1f, mask[2 * r]);
                            assertEquals(withMissing && idx[r] % 5 == 0 ? 0f : 1f, mask[2 * r + 1]);
                        }
                    }
                }
            }
        }
    }

    /** Two epochs of one loader open at once each get their own buffers, and both see the right rows. */
    @Test
    void overlappingEpochsOfOneLoaderReserveTheirOwnBuffers() {
        ArrayDataset ds = counting(60);
        DataLoader loader = new DataLoader(ds, new DataLoader.Options(10, true, false, 2, 3, dev.causalmm.engine.Device.CPU));
        try (var s = TensorScope.open("t"); var a = loader.epoch(0)) {
            Batch first = a.next();
            try (var b = loader.epoch(1)) {
                int pos = 0;
                int[] order = loader.order(1);
                while (b.hasNext()) {
                    try (Batch x = b.next()) {
                        float[] v = x.inputs().get(0).toFloatArray();
                        for (int r = 0; r < x.size(); r++) assertEquals(order[pos++], v[2 * r], 0f);
                    }
                }
                assertEquals(60, pos);
            }
            assertEquals(8, loader.buffersAllocated(), "two open epochs: 2 × (prefetch 2 + 2)");
            assertEquals(loader.order(0)[0], first.inputs().get(0).toFloatArray()[0], 0f, "epoch 0's batch untouched by epoch 1");
            first.close();
            int rows = 10;
            while (a.hasNext()) {
                try (Batch x = a.next()) {
                    rows += x.size();
                }
            }
            assertEquals(60, rows);
        }
        try (var s = TensorScope.open("t"); var c = loader.epoch(2)) {
            while (c.hasNext()) c.next().close();
        }
        assertEquals(8, loader.buffersAllocated(), "buffers are reused, not added, by later epochs");
    }

    /** Views of every batch kept: once all buffers are held the loader says so instead of hanging. */
    @Test
    void keepingEveryBufferIsReportedNotAHang() {
        long saved = DataLoader.bufferWaitMillis;
        DataLoader.bufferWaitMillis = 300;
        try (var s = TensorScope.open("t")) {
            DataLoader loader = new DataLoader(counting(100), new DataLoader.Options(10, false, false, 1, 0, dev.causalmm.engine.Device.CPU));
            List<dev.causalmm.engine.Tensor> kept = new java.util.ArrayList<>();
            var e = assertThrows(DataLoadException.class, () -> {
                try (var epoch = loader.epoch(0)) {
                    while (epoch.hasNext()) {
                        try (Batch b = epoch.next()) {
                            kept.add(b.labels().reshape(-1));
                        }
                    }
                }
            });
            assertTrue(e.getMessage().contains("held by tensors of earlier batches"), e.getMessage());
            assertEquals(3, kept.size(), "prefetch 1 + 2 buffers, then the stall is reported");
            long[] first = kept.getFirst().toLongArray();
            assertEquals(10, first.length);
            for (int r = 0; r < 10; r++) assertEquals(r % 3, first[r], "kept labels of batch 0 intact");
        } finally {
            DataLoader.bufferWaitMillis = saved;
        }
    }

    /** Delegates to another dataset (to inject behaviour in tests). */
    static class Wrapping implements MultimodalDataset {
        final MultimodalDataset inner;

        Wrapping(MultimodalDataset inner) {
            this.inner = inner;
        }

        @Override public String name() { return inner.name(); }
        @Override public int size() { return inner.size(); }
        @Override public List<ModalitySpec> modalities() { return inner.modalities(); }
        @Override public int numClasses() { return inner.numClasses(); }
        @Override public void read(int index, SampleWriter out) throws IOException { inner.read(index, out); }
    }
}
