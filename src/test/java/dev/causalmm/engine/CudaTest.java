package dev.causalmm.engine;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.causalmm.data.Batch;
import dev.causalmm.data.DataLoader;
import dev.causalmm.data.MMLSynConfig;
import dev.causalmm.data.MMLSynData;
import org.junit.jupiter.api.Test;

/** Runs only where LibTorch sees a CUDA device (a -Pgpu build on a GPU machine); skipped elsewhere. */
class CudaTest {

    @Test
    void pinnedHostBufferUploadsAsynchronouslyAndMatches() {
        assumeTrue(Engine.cudaAvailable(), "no CUDA device");
        try (var s = TensorScope.open("t")) {
            Tensor host = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2).pinned();
            assertTrue(host.isPinned());
            Tensor dev = host.to(Device.cuda(0), true);
            Engine.synchronize();
            assertTrue(dev.device().isCuda());
            assertArrayEquals(new float[] {1, 2, 3, 4}, dev.toFloatArray());
            assertEquals(10.0, dev.sum().item(), 1e-6);
        }
    }

    @Test
    void loaderPlacesBatchesOnTheGpu() {
        assumeTrue(Engine.cudaAvailable(), "no CUDA device");
        var data = MMLSynData.generate(MMLSynConfig.defaults(0).withSizes(100, 0, 10)).train().dataset();
        var loader = new DataLoader(data, DataLoader.Options.sequential(32).withDevice(Device.cuda(0)));
        try (var s = TensorScope.open("t"); var ep = loader.epoch(0); Batch b = ep.next()) {
            assertTrue(b.inputs().get(0).device().isCuda());
            assertArrayEquals(new long[] {32, 20}, b.inputs().get(0).shape());
        }
    }
}
