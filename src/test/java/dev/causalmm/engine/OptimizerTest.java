package dev.causalmm.engine;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

class OptimizerTest {

    /** Minimise Σ c_i·w_i² from w = 1 with gradients 2·c·w; compare with a hand-written update. */
    private static float[] run(Optimizer.Settings s, int steps) {
        try (var scope = TensorScope.open("t")) {
            Tensor w = Tensor.of(new float[] {1f, -2f, 0.5f}, 3).unscoped().requiresGrad_(true);
            Tensor c = Tensor.of(new float[] {1f, 3f, 0.2f}, 3);
            try (Optimizer opt = new Optimizer(s, List.of(w))) {
                for (int i = 0; i < steps; i++) {
                    try (var step = TensorScope.open("step")) {
                        w.square().mul(c).sum().backward();
                        opt.step();
                        opt.zeroGrad();
                    }
                }
            }
            float[] out = w.toFloatArray();
            w.close();
            return out;
        }
    }

    @Test
    void adamMatchesTheReferenceUpdateIncludingBeta1() {
        double lr = 0.1, b1 = 0.8, b2 = 0.99, eps = 1e-8, wd = 0.01;
        float[] got = run(new Optimizer.Settings(Optimizer.Kind.ADAM, lr, wd, b1, b2, eps, 0), 5);
        double[] w = {1, -2, 0.5}, c = {1, 3, 0.2}, m = new double[3], v = new double[3];
        for (int t = 1; t <= 5; t++) {
            for (int i = 0; i < 3; i++) {
                double g = 2 * c[i] * w[i] + wd * w[i];
                m[i] = b1 * m[i] + (1 - b1) * g;
                v[i] = b2 * v[i] + (1 - b2) * g * g;
                double mh = m[i] / (1 - Math.pow(b1, t)), vh = v[i] / (1 - Math.pow(b2, t));
                w[i] -= lr * mh / (Math.sqrt(vh) + eps);
            }
        }
        for (int i = 0; i < 3; i++) assertEquals(w[i], got[i], 1e-5, "w[" + i + "]");
    }

    @Test
    void adamwDecaysDecoupledAndSgdUsesMomentum() {
        float[] adamw = run(new Optimizer.Settings(Optimizer.Kind.ADAMW, 0.1, 0.5, 0.9, 0.999, 1e-8, 0), 1);
        // step 1: w ← w·(1 − lr·wd) − lr·sign(g)
        assertEquals(1 * (1 - 0.05) - 0.1, adamw[0], 1e-5);
        float[] sgd = run(new Optimizer.Settings(Optimizer.Kind.SGD, 0.1, 0, 0.9, 0.999, 1e-8, 0.9), 2);
        // w1 = 1 − 0.1·2 = 0.8; buf = 0.9·2 + 1.6 = 3.4; w2 = 0.8 − 0.34
        assertEquals(0.46, sgd[0], 1e-5);
    }

    private static final Optimizer.Settings ADAM = new Optimizer.Settings(Optimizer.Kind.ADAM, 0.1, 0, 0.9, 0.999, 1e-8, 0);

    /** One gradient of Σ w² and one step. */
    private static void step(Optimizer opt, Tensor w) {
        try (var step = TensorScope.open("step")) {
            w.square().sum().backward();
            opt.step();
            opt.zeroGrad();
        }
    }

    private static Tensor param(float... v) {
        return Tensor.of(v, v.length).unscoped().requiresGrad_(true);
    }

    /**
     * Two steps: the first at lr 0.1, then {@code between} runs, then the second step. Returns the
     * weights after the second step.
     */
    private static float[] twoSteps(java.util.function.BiConsumer<Optimizer, byte[]> between) {
        try (var scope = TensorScope.open("t")) {
            Tensor w = param(1f, 2f);
            try (Optimizer opt = new Optimizer(ADAM, List.of(w))) {
                step(opt, w);
                between.accept(opt, opt.saveState());
                step(opt, w);
            }
            float[] out = w.toFloatArray();
            w.close();
            return out;
        }
    }

    @Test
    void loadStateKeepsTheCurrentLearningRateInTheNativeOptimizer() {
        float[] reference = twoSteps((opt, state) -> opt.setLearningRate(0.01));
        float[] loaded = twoSteps((opt, state) -> {
            opt.setLearningRate(0.01);
            opt.loadState(state); // the archive holds lr 0.1
            assertEquals(0.01, opt.learningRate());
            assertArrayEquals(new double[] {0.01}, opt.nativeLearningRates(), 0.0, "the rate LibTorch steps with");
        });
        assertArrayEquals(reference, loaded, "the step after loadState used another rate than the current one");
        float[] atOldRate = twoSteps((opt, state) -> {});
        assertFalse(java.util.Arrays.equals(reference, atOldRate), "the check above cannot tell the two rates apart");
    }

    @Test
    void stateRoundTripsIntoAFreshOptimizer() {
        float[] continued = twoSteps((opt, state) -> {});
        float[] fromState;
        float[] fromScratch;
        try (var scope = TensorScope.open("t")) {
            Tensor w = param(1f, 2f);
            byte[] state;
            float[] afterOne;
            try (Optimizer opt = new Optimizer(ADAM, List.of(w))) {
                step(opt, w);
                state = opt.saveState();
                afterOne = w.toFloatArray();
            }
            Tensor w2 = param(afterOne);
            try (Optimizer fresh = new Optimizer(ADAM, List.of(w2))) {
                fresh.loadState(state); // moments and step count 1
                step(fresh, w2);
            }
            fromState = w2.toFloatArray();
            Tensor w3 = param(afterOne);
            try (Optimizer fresh = new Optimizer(ADAM, List.of(w3))) {
                step(fresh, w3); // no state: Adam's first step again
            }
            fromScratch = w3.toFloatArray();
            w.close();
            w2.close();
            w3.close();
        }
        assertArrayEquals(continued, fromState, "a fresh optimizer with the saved state continues exactly");
        assertFalse(java.util.Arrays.equals(continued, fromScratch), "without the state the step differs (so the state mattered)");
        assertThrows(IllegalArgumentException.class, () -> {
            try (var scope = TensorScope.open("t"); Optimizer other = new Optimizer(ADAM, List.of(Tensor.zeros(3).requiresGrad_(true)))) {
                other.loadState(new byte[] {1, 2, 3});
            }
        });
    }

    @Test
    void badSettingsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new Optimizer.Settings(Optimizer.Kind.ADAM, -1, 0, 0.9, 0.999, 1e-8, 0));
        assertThrows(IllegalArgumentException.class, () -> new Optimizer.Settings(Optimizer.Kind.ADAM, 0.1, 0, 1.0, 0.999, 1e-8, 0));
    }
}
