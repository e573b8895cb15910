package dev.causalmm.data;

import static org.junit.jupiter.api.Assertions.*;

import dev.causalmm.engine.CudaEvent;
import dev.causalmm.engine.CudaStream;
import dev.causalmm.engine.Device;
import dev.causalmm.engine.ExternalMemory;
import dev.causalmm.engine.HostBuffers;
import dev.causalmm.engine.NativeMemory;
import dev.causalmm.engine.Tensor;
import dev.causalmm.engine.TensorMemory;
import dev.causalmm.engine.TensorScope;
import dev.causalmm.testing.Need;
import dev.causalmm.testing.Requires;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The loader's CUDA input path: pinned batch buffers, copies on a side stream ordered by an event,
 * buffers released only once their copy is done. Runs only where LibTorch sees a CUDA device (a
 * -Pgpu build on a GPU machine); skipped, with the reason, everywhere else. Not yet run on a device.
 */
class CudaLoaderTest {
    private static final Device GPU = Device.cuda(0);

    /** Every batch uploaded through the side stream equals the CPU loader's batch, compact modalities included. */
    @Test
    @Requires(Need.CUDA)
    void uploadedBatchesEqualTheCpuBatches() {
        ArrayDataset ds = CompactStorageTest.data(300);
        DataLoader cpu = new DataLoader(ds, DataLoader.Options.shuffled(32, 4));
        DataLoader gpu = new DataLoader(ds, DataLoader.Options.shuffled(32, 4).withDevice(GPU));
        long pinnedBefore = HostBuffers.pinnedLiveBytes();
        try (var s = TensorScope.open("t"); var a = cpu.epoch(2); var b = gpu.epoch(2)) {
            assertTrue(HostBuffers.pinnedLiveBytes() > pinnedBefore, "CUDA batch buffers are pinned");
            while (a.hasNext()) {
                try (Batch x = a.next(); Batch y = b.next()) {
                    assertArrayEquals(x.indices(), y.indices());
                    for (int m = 0; m < 2; m++) {
                        assertTrue(y.inputs().get(m).device().isCuda());
                        assertArrayEquals(x.inputs().get(m).toFloatArray(), y.inputs().get(m).toFloatArray(), 0f);
                    }
                    // toLongArray casts back, so the types are checked on their own (BatchField's rule)
                    assertEquals(dev.causalmm.engine.DType.INT64, y.labels().dtype(), "labels stay int64 on the device");
                    assertEquals(dev.causalmm.engine.DType.INT64, y.indexTensor().dtype(), "row indices stay int64 on the device");
                    assertArrayEquals(x.labels().toLongArray(), y.labels().toLongArray());
                    assertArrayEquals(x.indexTensor().toLongArray(), y.indexTensor().toLongArray());
                    assertNull(y.maskOrNull(), "every modality present: no mask uploaded");
                    assertTrue(y.mask().device().isCuda());
                }
            }
            assertFalse(b.hasNext());
        }
    }

    /**
     * A step that keeps the device batches of many epochs does not hold the pinned buffers (they go
     * back once their copy is done), the pool stays at prefetch + 2 and nothing leaks.
     */
    @Test
    @Requires(Need.CUDA)
    void deviceTensorsKeptDoNotHoldHostBuffersAndMemoryStaysFlat() {
        ArrayDataset ds = DataLoaderTest.counting(200);
        DataLoader loader = new DataLoader(ds, new DataLoader.Options(16, true, false, 2, 1, GPU));
        long tensors = NativeMemory.unclosedTensors();
        long wrapped = ExternalMemory.pendingReleases();
        for (int epoch = 0; epoch < 10; epoch++) {
            try (var s = TensorScope.open("t"); var e = loader.epoch(epoch)) {
                List<Tensor> kept = new ArrayList<>();
                while (e.hasNext()) {
                    try (Batch b = e.next()) {
                        kept.add(b.inputs().get(1).reshape(-1)); // device views, alive to the end of the epoch
                        if (b.maskOrNull() != null) kept.add(b.maskOrNull().sum());
                    }
                }
                double total = 0;
                for (Tensor t : kept) total += t.sum().item();
                assertTrue(total > 0);
            }
            assertEquals(4, loader.buffersAllocated());
            assertEquals(tensors, NativeMemory.unclosedTensors(), "epoch " + epoch);
            assertEquals(wrapped, ExternalMemory.pendingReleases(), "epoch " + epoch + ": host views left");
        }
    }

    /** The stream and event primitives: a copy on a side stream, the current stream ordered after it by an event. */
    @Test
    @Requires(Need.CUDA)
    void eventOrdersACopyOnASideStreamBeforeTheComputeStream() {
        try (var s = TensorScope.open("t"); CudaStream side = CudaStream.fromPool(GPU); CudaStream compute = CudaStream.current(GPU);
             CudaEvent done = new CudaEvent()) {
            Tensor host = TensorMemory.pinned(Tensor.of(new float[] {1, 2, 3, 4}, 4));
            Tensor dev;
            try (var use = side.use()) {
                dev = host.to(GPU, true).mul(2.0);
                done.record(side);
            }
            compute.recordUse(dev);
            done.block(compute);
            Tensor sum = dev.sum(); // queued on the compute stream, after the copy
            assertEquals(20.0, sum.item(), 1e-6);
            done.synchronize();
            assertTrue(done.query());
        }
    }

    /** A stream switch is thread state: refused on a virtual thread, with the reason. */
    @Test
    @Requires(Need.CUDA)
    void streamUseRefusesVirtualThreads() throws Exception {
        Throwable[] thrown = new Throwable[1];
        Thread.ofVirtual().start(() -> {
            try (CudaStream side = CudaStream.fromPool(GPU); var use = side.use()) {
                fail("entered");
            } catch (Throwable t) {
                thrown[0] = t;
            }
        }).join();
        assertInstanceOf(IllegalStateException.class, thrown[0]);
        assertTrue(thrown[0].getMessage().contains("virtual thread"), thrown[0].getMessage());
    }

    /** On a CPU-only build the CUDA entry points fail with the cause instead of crashing the JVM. */
    @Test
    @Requires(Need.NO_CUDA)
    void withoutCudaTheEntryPointsSayWhy() {
        var e = assertThrows(IllegalStateException.class, () -> CudaStream.fromPool(GPU));
        assertTrue(e.getMessage().contains("CUDA is not available"), e.getMessage());
        assertThrows(IllegalStateException.class, CudaEvent::new);
        assertThrows(IllegalStateException.class, () -> HostBuffers.allocate(64, true));
    }
}
