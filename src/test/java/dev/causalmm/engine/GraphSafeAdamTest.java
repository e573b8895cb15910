package dev.causalmm.engine;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The device-side Adam must take exactly LibTorch's steps (it replaces it inside captured graphs). */
class GraphSafeAdamTest {
    @org.junit.jupiter.api.AfterEach
    void stopTrackingTensorMemory() {
        dev.causalmm.engine.NativeMemory.stopTrackingTensorMemory(); // its book slows every later test in this JVM
    }


    @Test
    void adamWithL2DecayMatchesLibTorchsAdamIncludingALearningRateChange() {
        compare(new Optimizer.Settings(Optimizer.Kind.ADAM, 0.05, 1e-3, 0.9, 0.999, 1e-8, 0));
    }

    @Test
    void adamwWithDecoupledDecayMatchesLibTorchsAdamW() {
        compare(new Optimizer.Settings(Optimizer.Kind.ADAMW, 0.02, 0.05, 0.8, 0.99, 1e-6, 0));
    }

    private static void compare(Optimizer.Settings settings) {
        float[][] result = new float[2][];
        for (int impl = 0; impl < 2; impl++) {
            try (var s = TensorScope.open("t")) {
                Tensor w = Tensor.of(new float[] {0.5f, -1.5f, 2f, 0.25f, -0.75f, 1f}, 3, 2).requiresGrad_(true);
                Tensor b = Tensor.of(new float[] {0.1f, -0.2f}, 2).requiresGrad_(true);
                Tensor x = Tensor.of(new float[] {1, 2, 3, -1, 0.5f, 2, 0, 1, -2, 3, 1, 1}, 4, 3);
                Optimizer lib = impl == 0 ? new Optimizer(settings, List.of(w, b)) : null;
                GraphSafeAdam dev = impl == 1 ? new GraphSafeAdam(settings, List.of(w, b)) : null;
                try {
                    for (int step = 0; step < 8; step++) {
                        if (step == 5) {
                            if (lib != null) lib.setLearningRate(settings.lr() / 4);
                            else dev.setLearningRate(settings.lr() / 4);
                        }
                        try (var st = TensorScope.open("step")) {
                            // a loss whose gradient changes sign and size from step to step
                            x.matmul(w).add(b).tanh().sub(0.3).square().sum().mul(1.0 + step).backward();
                            if (lib != null) {
                                lib.step();
                                lib.zeroGrad();
                            } else {
                                dev.step();
                                dev.zeroGrad();
                            }
                        }
                    }
                    result[impl] = Tensor.cat(List.of(w.reshape(-1), b), 0).toFloatArray();
                } finally {
                    if (lib != null) lib.close();
                    if (dev != null) dev.close();
                }
            }
        }
        assertFalse(java.util.Arrays.equals(result[0], new float[] {0.5f, -1.5f, 2f, 0.25f, -0.75f, 1f, 0.1f, -0.2f}), "nothing moved");
        assertArrayEquals(result[0], result[1], 2e-6f);
    }

    /**
     * 1,000 AdamW steps with weight decay and gradient clipping leave LibTorch's own count of CPU
     * tensor blocks where it was: a LibTorch temporary left unclosed in either (pointer GC is off)
     * would add at least 1,000.
     */
    @Test
    void adamwStepsWithClippingLeaveLibTorchsTensorMemoryFlat() {
        NativeMemory.trackTensorMemory();
        var settings = new Optimizer.Settings(Optimizer.Kind.ADAMW, 0.01, 0.05, 0.9, 0.999, 1e-8, 0);
        try (var s = TensorScope.open("t")) {
            Tensor w = Tensor.of(new float[] {0.5f, -1.5f, 2f, 0.25f, -0.75f, 1f}, 3, 2).requiresGrad_(true);
            Tensor b = Tensor.of(new float[] {0.1f, -0.2f}, 2).requiresGrad_(true);
            Tensor x = Tensor.of(new float[] {1, 2, 3, -1, 0.5f, 2, 0, 1, -2, 3, 1, 1}, 4, 3);
            try (var adam = new GraphSafeAdam(settings, List.of(w, b))) {
                long blocks = 0;
                long bytes = 0;
                for (int step = 0; step < 1_010; step++) {
                    if (step == 10) {
                        blocks = NativeMemory.liveTensorBlocks();
                        bytes = NativeMemory.liveTensorBytes();
                    }
                    try (var st = TensorScope.open("step")) {
                        x.matmul(w).add(b).tanh().sub(0.3).square().sum().backward();
                        Functional.clipGradNorm(List.of(w, b), 0.1);
                        adam.step();
                        adam.zeroGrad();
                    }
                }
                long grownBlocks = NativeMemory.liveTensorBlocks() - blocks;
                long grownBytes = NativeMemory.liveTensorBytes() - bytes;
                assertTrue(grownBlocks <= 5, "LibTorch holds " + grownBlocks + " more CPU blocks (" + grownBytes + " bytes) after 1,000 steps");
            }
        }
    }

    @Test
    void parametersWithoutAGradientStayPutAndSgdIsRefused() {
        try (var s = TensorScope.open("t")) {
            Tensor used = Tensor.of(new float[] {1, 2}, 2).requiresGrad_(true);
            Tensor unused = Tensor.of(new float[] {3, 4}, 2).requiresGrad_(true);
            try (GraphSafeAdam opt = new GraphSafeAdam(new Optimizer.Settings(Optimizer.Kind.ADAM, 0.1, 0, 0.9, 0.999, 1e-8, 0),
                    List.of(used, unused))) {
                used.square().sum().backward();
                opt.step();
                assertArrayEquals(new float[] {3, 4}, unused.toFloatArray());
                // first Adam step moves by lr·sign(g) (bias-corrected m/√v = ±1)
                assertArrayEquals(new float[] {0.9f, 1.9f}, used.toFloatArray(), 1e-5f);
                opt.zeroGrad();
                assertNull(used.grad());
            }
            assertThrows(IllegalArgumentException.class, () -> new GraphSafeAdam(
                    new Optimizer.Settings(Optimizer.Kind.SGD, 0.1, 0, 0.9, 0.999, 1e-8, 0.9), List.of(used)));
        }
    }
}
