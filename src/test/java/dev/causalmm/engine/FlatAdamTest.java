package dev.causalmm.engine;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** FlatAdam (what {@link Optimizer} runs for Adam/AdamW) against LibTorch's own C++ Adam/AdamW. */
class FlatAdamTest {
    private static final long[][] SHAPES = {{4, 3}, {4}, {2, 4}, {2}};
    private static final Optimizer.Settings ADAM = new Optimizer.Settings(Optimizer.Kind.ADAM, 0.05, 1e-2, 0.9, 0.999, 1e-8, 0);
    private static final Optimizer.Settings ADAMW = new Optimizer.Settings(Optimizer.Kind.ADAMW, 0.05, 0.1, 0.8, 0.99, 1e-8, 0);

    /** A small two-layer net's parameters, the same values every call. */
    private static List<Tensor> params() {
        List<Tensor> ps = new ArrayList<>();
        int seed = 1;
        for (long[] shape : SHAPES) {
            long n = 1;
            for (long d : shape) n *= d;
            float[] v = new float[(int) n];
            for (int i = 0; i < v.length; i++) v[i] = (float) Math.sin(seed * 0.7 + i * 1.3);
            seed++;
            ps.add(Tensor.of(v, shape).unscoped().requiresGrad_(true));
        }
        return ps;
    }

    /** One step's loss; at {@code t == 2} the last layer's bias gets no gradient (LibTorch skips it). */
    private static Tensor loss(List<Tensor> p, Tensor x, int t) {
        Tensor h = Functional.relu(Functional.linear(x, p.get(0), p.get(1)));
        Tensor out = Functional.linear(h, p.get(2), t == 2 ? null : p.get(3));
        return out.square().mean().add(p.get(0).abs().sum().mul(0.01));
    }

    private static float[][] train(Function<List<Tensor>, Optimizer> make, List<Tensor> p, int from, int to, byte[][] stateOut) {
        try (var scope = TensorScope.open("t")) {
            Tensor x = Tensor.of(new float[] {0.5f, -1f, 2f, 1f, 0.25f, -0.75f}, 2, 3);
            try (Optimizer opt = make.apply(p)) {
                for (int t = from; t < to; t++) {
                    try (var s = TensorScope.open("step")) {
                        loss(p, x, t).backward();
                        opt.step();
                        opt.zeroGrad();
                    }
                }
                if (stateOut != null) stateOut[0] = opt.saveState();
            }
            float[][] out = new float[p.size()][];
            for (int i = 0; i < out.length; i++) out[i] = p.get(i).toFloatArray();
            return out;
        }
    }

    private static void assertClose(float[][] want, float[][] got, double tol, String what) {
        for (int i = 0; i < want.length; i++) {
            for (int j = 0; j < want[i].length; j++) {
                assertEquals(want[i][j], got[i][j], tol, what + ": parameter " + i + "[" + j + "]");
            }
        }
    }

    private static void close(List<Tensor> ps) {
        ps.forEach(Tensor::close);
    }

    @Test
    void flatAdamAndAdamWMatchLibTorchsOverSeveralStepsWithWeightDecayAndASkippedParameter() {
        for (Optimizer.Settings s : List.of(ADAM, ADAMW)) {
            List<Tensor> a = params(), b = params();
            float[][] lib = train(p -> Optimizer.libTorch(s, p), a, 0, 6, null);
            float[][] flat = train(p -> {
                Optimizer o = new Optimizer(s, p);
                assertTrue(o.isFlat(), "Adam on one device and dtype runs flat");
                return o;
            }, b, 0, 6, null);
            float[][] start = train(p -> Optimizer.libTorch(s, p), params(), 0, 0, null);
            assertFalse(java.util.Arrays.equals(start[0], lib[0]), "the steps moved the weights");
            assertClose(lib, flat, 1e-6, s.kind().toString());
            close(a);
            close(b);
        }
    }

    @Test
    void theParametersBecomeViewsOfOneBufferAndKeepTheirValues() {
        List<Tensor> p = params();
        float[] before = p.get(2).toFloatArray();
        try (Optimizer opt = new Optimizer(ADAM, p)) {
            long base = p.get(0).handle().data_ptr().address();
            long offset = 0;
            for (Tensor t : p) {
                assertEquals(base + 4 * offset, t.handle().data_ptr().address(), "parameters lie back to back in one buffer");
                offset += t.numel();
            }
        }
        assertArrayEquals(before, p.get(2).toFloatArray(), "values survive the move and the optimizer's close");
        close(p);
    }

    @Test
    void aParameterWhoseDataWasReplacedAfterTheOptimizerWasBuiltIsRefusedInsteadOfSilentlyNotTraining() {
        List<Tensor> p = params();
        try (var scope = TensorScope.open("t"); Optimizer opt = new Optimizer(ADAM, p)) {
            Tensor elsewhere = Tensor.of(p.get(1).toFloatArray(), 4);
            p.get(1).handle().set_data(elsewhere.handle());          // e.g. a device move or a zero-copy import
            Tensor x = Tensor.of(new float[] {0.5f, -1f, 2f, 1f, 0.25f, -0.75f}, 2, 3);
            loss(p, x, 0).backward();
            var e = assertThrows(IllegalStateException.class, opt::step);
            assertTrue(e.getMessage().contains("parameter 1 [4] no longer lives in the optimizer's flat buffer"), e.getMessage());
        }
        close(p);
    }

    @Test
    void aFlatStateResumesExactlyInAFreshOptimizer() {
        List<Tensor> a = params(), b = params();
        float[][] continuous = train(p -> new Optimizer(ADAM, p), a, 0, 6, null);
        byte[][] state = new byte[1][];
        train(p -> new Optimizer(ADAM, p), b, 0, 3, state);
        float[][] resumed = train(p -> {
            Optimizer o = new Optimizer(ADAM, p);
            o.loadState(state[0]);
            return o;
        }, b, 3, 6, null);
        assertClose(continuous, resumed, 0, "resumed from a flat state");
        List<Tensor> c = params();
        train(p -> new Optimizer(ADAM, p), c, 0, 3, null);
        float[][] fresh = train(p -> new Optimizer(ADAM, p), c, 3, 6, null);
        assertFalse(java.util.Arrays.equals(continuous[0], fresh[0]), "without the state the steps differ (the state mattered)");
        close(a);
        close(b);
        close(c);
    }

    @Test
    void aStateWrittenByLibTorchsAdamResumesExactly() {
        List<Tensor> a = params(), b = params();
        float[][] continuous = train(p -> Optimizer.libTorch(ADAM, p), a, 0, 6, null);
        byte[][] state = new byte[1][];
        train(p -> Optimizer.libTorch(ADAM, p), b, 0, 3, state);
        float[][] resumed = train(p -> {
            Optimizer o = new Optimizer(ADAM, p);
            o.loadState(state[0]);
            return o;
        }, b, 3, 6, null);
        assertClose(continuous, resumed, 0, "a checkpoint from LibTorch's Adam");
        close(a);
        close(b);
    }

    @Test
    void aStateForOtherParametersIsRejectedWithTheSizes() {
        byte[][] state = new byte[1][];
        List<Tensor> a = params();
        train(p -> new Optimizer(ADAM, p), a, 0, 1, state);
        try (var scope = TensorScope.open("t"); Optimizer other = new Optimizer(ADAM, List.of(Tensor.zeros(5).requiresGrad_(true)))) {
            var e = assertThrows(IllegalArgumentException.class, () -> other.loadState(state[0]));
            assertTrue(e.getMessage().contains("[12, 4, 8, 2]"), e.getMessage());
        }
        close(a);
    }
}
