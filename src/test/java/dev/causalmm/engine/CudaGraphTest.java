package dev.causalmm.engine;

import static org.junit.jupiter.api.Assertions.*;

import dev.causalmm.testing.Need;
import dev.causalmm.testing.Requires;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The refusals run everywhere; the capture/replay tests need a CUDA device (a -Pgpu build on a GPU
 * machine: bench/gpu/device.sh runs this class through DeviceTests) and are skipped elsewhere.
 */
class CudaGraphTest {
    private static final Device GPU = Device.cuda(0);

    // ------------------------------------------------------------------ refusals (any machine)

    @Test
    void cpuDeviceIsRefusedWithTheReason() {
        String why = CudaGraph.unsupportedReason(Device.CPU);
        assertNotNull(why);
        assertTrue(why.contains("CUDA device"), why);
        var e = assertThrows(CudaGraph.CaptureException.class, () -> CudaGraph.capture(Device.CPU, List.of(), 1, List::of));
        assertTrue(e.getMessage().contains("cpu"), e.getMessage());
    }

    @Test
    @Requires(Need.NO_CUDA)
    void cudaWithoutCudaIsRefusedWithEnginesReason() {
        String why = CudaGraph.unsupportedReason(GPU);
        assertNotNull(why);
        assertTrue(why.contains(Engine.cudaStatus().reason()), why);
        assertThrows(CudaGraph.CaptureException.class, () -> CudaGraph.capture(GPU, List.of(), 2, List::of));
    }

    @Test
    void aCaptureNeedsAWarmUpStep() {
        var e = assertThrows(IllegalArgumentException.class, () -> CudaGraph.capture(GPU, List.of(), 0, List::of));
        assertTrue(e.getMessage().contains("warm-up"), e.getMessage());
    }

    @Test
    void batchesOfAnotherShapeDtypeOrCountAreRefused() {
        try (var s = TensorScope.open("t")) {
            List<Tensor> statics = List.of(Tensor.zeros(DType.FLOAT32, Device.CPU, 256, 20), Tensor.zeros(DType.INT64, Device.CPU, 256));
            CudaGraph.checkSameLayout(statics, List.of(Tensor.ones(DType.FLOAT32, Device.CPU, 256, 20), Tensor.ones(DType.INT64, Device.CPU, 256)));
            var lastBatch = assertThrows(IllegalArgumentException.class, () -> CudaGraph.checkSameLayout(statics,
                    List.of(Tensor.ones(DType.FLOAT32, Device.CPU, 100, 20), Tensor.ones(DType.INT64, Device.CPU, 100))));
            assertTrue(lastBatch.getMessage().contains("[256, 20]") && lastBatch.getMessage().contains("[100, 20]"), lastBatch.getMessage());
            var dtype = assertThrows(IllegalArgumentException.class, () -> CudaGraph.checkSameLayout(statics,
                    List.of(Tensor.ones(DType.FLOAT32, Device.CPU, 256, 20), Tensor.ones(DType.INT32, Device.CPU, 256))));
            assertTrue(dtype.getMessage().contains("static input 1"), dtype.getMessage());
            assertThrows(IllegalArgumentException.class, () -> CudaGraph.checkSameLayout(statics, statics.subList(0, 1)));
        }
    }

    @Test
    void captureErrorCodesAreExplained() {
        assertTrue(CudaGraph.hint(900).contains("host sync"));
        assertTrue(CudaGraph.hint(904).contains("another stream"));
        assertEquals("", CudaGraph.hint(1));
    }

    @Test
    void libTorchsCaptureErrorsAreTranslatedIntoReasons() {
        var rng = CudaGraph.explain(new RuntimeException("Attempt to increase offset for a CUDA generator not in capture mode.\nException raised from increase"));
        assertTrue(rng.getMessage().contains("random numbers") && rng.getMessage().contains("register_graph"), rng.getMessage());
        assertFalse(rng.getMessage().contains("Exception raised from"), "only the first line of LibTorch's message");
        var sync = CudaGraph.explain(new RuntimeException("CUDA error: operation not permitted when stream is capturing"));
        assertTrue(sync.getMessage().contains("host sync"), sync.getMessage());
        var ours = CudaGraph.explain(new IllegalArgumentException("static output 0 was not made by the step during the capture"));
        assertTrue(ours.getMessage().endsWith("static output 0 was not made by the step during the capture"), ours.getMessage());
        var other = CudaGraph.explain(new IllegalStateException("boom"));
        assertTrue(other.getMessage().contains("failed during capture") && other.getMessage().contains("boom"), other.getMessage());
        assertSame(other, CudaGraph.explain(other));
    }

    // ------------------------------------------------------------------ CUDA (skipped without a device)

    @Test
    @Requires(Need.CUDA)
    void anOutputTheStepDidNotMakeIsRefused() {
        try (var s = TensorScope.open("t")) {
            Tensor x = Tensor.ones(DType.FLOAT32, GPU, 8).unscoped();
            var e = assertThrows(CudaGraph.CaptureException.class, () -> CudaGraph.capture(GPU, List.of(x), 1, () -> List.of(x)));
            assertTrue(e.getMessage().contains("not made by the step"), e.getMessage());
            assertFalse(x.isClosed());
            x.close();
        }
    }

    @Test
    @Requires(Need.CUDA)
    void replayRecomputesFromNewStaticInputs() {
        try (var s = TensorScope.open("t")) {
            Tensor x = Tensor.zeros(DType.FLOAT32, GPU, 4, 3).unscoped();
            Tensor w = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 3, 2).to(GPU).unscoped();
            try (CudaGraph g = CudaGraph.capture(GPU, List.of(x), 1, () -> List.of(Functional.relu(x.matmul(w)).add(1.0)))) {
                assertTrue(g.nodes() > 0, "an empty graph");
                for (int k = 1; k <= 3; k++) {
                    float[] data = new float[12];
                    for (int i = 0; i < data.length; i++) data[i] = (i - 5) * k * 0.5f;
                    Tensor batch = Tensor.of(data, 4, 3).to(GPU);
                    g.copyInputs(List.of(batch));
                    g.replay();
                    assertArrayEquals(Functional.relu(batch.matmul(w)).add(1.0).toFloatArray(), g.outputs().get(0).toFloatArray(), 1e-5f);
                }
                assertThrows(IllegalArgumentException.class, () -> g.copyInputs(List.of(Tensor.zeros(DType.FLOAT32, GPU, 5, 3))));
            }
            x.close();
            w.close();
        }
    }

    /** A whole training step (forward, loss, backward, Adam) replayed = the same step run eagerly. */
    @Test
    @Requires(Need.CUDA)
    void replayedTrainingStepsMatchEagerSteps() {
        Optimizer.Settings adam = new Optimizer.Settings(Optimizer.Kind.ADAMW, 0.01, 0.01, 0.9, 0.999, 1e-8, 0);
        int warmup = 2;
        int replays = 5;
        float[][] finals = new float[2][];
        for (int mode = 0; mode < 2; mode++) {
            Engine.seed(7);
            try (var s = TensorScope.open("t")) {
                Tensor x = Tensor.randn(DType.FLOAT32, GPU, 64, 8).unscoped();
                Tensor y = Tensor.randn(DType.FLOAT32, GPU, 64, 1).unscoped();
                Tensor w = Tensor.randn(DType.FLOAT32, GPU, 8, 1).mul(0.1).unscoped().requiresGrad_(true);
                Tensor b = Tensor.zeros(DType.FLOAT32, GPU, 1).unscoped().requiresGrad_(true);
                try (GraphSafeAdam opt = new GraphSafeAdam(adam, List.of(w, b))) {
                    java.util.function.Supplier<List<Tensor>> step = () -> {
                        opt.zeroGrad();
                        Tensor loss = x.matmul(w).add(b).sub(y).square().mean();
                        loss.backward();
                        opt.step();
                        return List.of(loss);
                    };
                    if (mode == 0) {
                        for (int i = 0; i < warmup + replays; i++) {
                            try (var st = TensorScope.open("step")) {
                                step.get();
                            }
                        }
                    } else {
                        try (CudaGraph g = CudaGraph.capture(GPU, List.of(x, y), warmup, step)) {
                            for (int i = 0; i < replays; i++) g.replay();
                            assertTrue(g.outputs().get(0).item() > 0);
                        }
                    }
                    Engine.synchronize();
                    finals[mode] = Tensor.cat(List.of(w.reshape(-1), b), 0).toFloatArray();
                }
                for (Tensor t : new Tensor[] {x, y, w, b}) t.close();
            }
        }
        assertArrayEquals(finals[0], finals[1], 1e-5f);
    }

    @Test
    @Requires(Need.CUDA)
    void randomOpsInTheStepAreRefusedWithTheReason() {
        try (var s = TensorScope.open("t")) {
            Tensor x = Tensor.ones(DType.FLOAT32, GPU, 16, 16).unscoped();
            var e = assertThrows(CudaGraph.CaptureException.class,
                    () -> CudaGraph.capture(GPU, List.of(x), 1, () -> List.of(Functional.dropout(x, 0.5, true))));
            assertTrue(e.getMessage().contains("random"), e.getMessage());
            // the failed capture left nothing behind: eager CUDA work still runs
            assertEquals(256.0, x.sum().item(), 1e-6);
            x.close();
        }
    }

    @Test
    @Requires(Need.CUDA)
    void hostSyncsInTheStepAreRefused() {
        try (var s = TensorScope.open("t")) {
            Tensor x = Tensor.ones(DType.FLOAT32, GPU, 8).unscoped();
            List<Double> seen = new ArrayList<>();
            var e = assertThrows(CudaGraph.CaptureException.class, () -> CudaGraph.capture(GPU, List.of(x), 1, () -> {
                seen.add(x.sum().item()); // a device-to-host read: not capturable
                return List.of(x.mul(2.0));
            }));
            assertTrue(e.getMessage().contains("host sync") || e.getMessage().contains("capture"), e.getMessage());
            assertEquals(8.0, x.sum().item(), 1e-6);
            x.close();
        }
    }

    @Test
    @Requires(Need.CUDA)
    void closeFreesTheOutputsAndIsIdempotent() {
        try (var s = TensorScope.open("t")) {
            Tensor x = Tensor.ones(DType.FLOAT32, GPU, 32).unscoped();
            long before = NativeMemory.unclosedTensors();
            CudaGraph g = CudaGraph.capture(GPU, List.of(x), 1, () -> List.of(x.mul(3.0), x.add(1.0)));
            g.replay();
            Tensor out = g.outputs().get(0);
            g.close();
            g.close();
            assertTrue(out.isClosed());
            assertThrows(IllegalStateException.class, g::replay);
            assertEquals(before, NativeMemory.unclosedTensors());
            x.close();
        }
    }
}
