package dev.causalmm.engine;

import static org.junit.jupiter.api.Assertions.*;

import dev.causalmm.data.Batch;
import dev.causalmm.data.DataLoader;
import dev.causalmm.data.MMLSynConfig;
import dev.causalmm.data.MMLSynData;
import dev.causalmm.testing.Need;
import dev.causalmm.testing.Requires;
import org.junit.jupiter.api.Test;

/** Runs only where LibTorch sees a CUDA device (a -Pgpu build on a GPU machine); skipped elsewhere. */
@Requires(Need.CUDA)
class CudaTest {

    @Test
    void pinnedHostBufferUploadsAsynchronouslyAndMatches() {
        try (var s = TensorScope.open("t")) {
            Tensor host = TensorMemory.pinned(Tensor.of(new float[] {1, 2, 3, 4}, 2, 2));
            assertTrue(TensorMemory.isPinned(host));
            Tensor dev = host.to(Device.cuda(0), true);
            Engine.synchronize();
            assertTrue(dev.device().isCuda());
            assertArrayEquals(new float[] {1, 2, 3, 4}, dev.toFloatArray());
            assertEquals(10.0, dev.sum().item(), 1e-6);
        }
    }

    @Test
    void loaderPlacesBatchesOnTheGpu() {
        var data = MMLSynData.generate(MMLSynConfig.defaults(0).withSizes(100, 0, 10)).train().dataset();
        var loader = new DataLoader(data, DataLoader.Options.sequential(32).withDevice(Device.cuda(0)));
        try (var s = TensorScope.open("t"); var ep = loader.epoch(0); Batch b = ep.next()) {
            assertTrue(b.inputs().get(0).device().isCuda());
            assertArrayEquals(new long[] {32, 20}, b.inputs().get(0).shape());
        }
    }

    /** Adam's moments saved on one device resume on the other (the archive alone would load them where they were saved). */
    @Test
    void optimizerStateResumesAcrossDevices() {
        Optimizer.Settings adam = new Optimizer.Settings(Optimizer.Kind.ADAM, 0.1, 0, 0.9, 0.999, 1e-8, 0);
        for (Device[] pair : new Device[][] {{Device.CPU, Device.cuda(0)}, {Device.cuda(0), Device.CPU}}) {
            try (var s = TensorScope.open("t")) {
                Tensor w = Tensor.of(new float[] {1, 2}, 2).to(pair[0]).requiresGrad_(true);
                byte[] state;
                try (Optimizer opt = new Optimizer(adam, java.util.List.of(w))) {
                    w.square().sum().backward();
                    opt.step();
                    opt.zeroGrad();
                    state = opt.saveState();
                }
                float[] after = w.toFloatArray();
                Tensor onOther = Tensor.of(after, 2).to(pair[1]).requiresGrad_(true);
                Tensor reference = Tensor.of(after, 2).to(pair[0]).requiresGrad_(true);
                float[][] next = new float[2][];
                int k = 0;
                for (Tensor p : new Tensor[] {onOther, reference}) {
                    try (Optimizer opt = new Optimizer(adam, java.util.List.of(p))) {
                        opt.loadState(state);
                        p.square().sum().backward();
                        opt.step();
                    }
                    next[k++] = p.toFloatArray();
                }
                assertEquals(pair[1].isCuda(), onOther.device().isCuda());
                assertArrayEquals(next[1], next[0], 1e-6f, pair[0] + " -> " + pair[1]);
            }
        }
    }

    @Test
    void bf16AutocastRunsMatmulsInBf16OnTheGpu() {
        try (var s = TensorScope.open("t")) {
            Tensor a = Tensor.randn(DType.FLOAT32, Device.cuda(0), 64, 64);
            try (var ac = Autocast.bf16(Device.cuda(0))) {
                assertEquals(DType.BFLOAT16, a.matmul(a).dtype());
            }
            assertEquals(DType.FLOAT32, a.matmul(a).dtype());
            Engine.configure(Precision.TF32, Device.cuda(0));
            assertTrue(Engine.tf32Enabled());
            Engine.configure(Precision.FP32, Device.cuda(0));
            assertFalse(Engine.tf32Enabled());
        }
    }
}
