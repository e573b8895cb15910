package dev.causalmm.nn;

import static org.junit.jupiter.api.Assertions.*;

import dev.causalmm.baselines.Baselines;
import dev.causalmm.causal.C3R;
import dev.causalmm.causal.C3RConfig;
import dev.causalmm.causal.CmIR;
import dev.causalmm.causal.CmIRConfig;
import dev.causalmm.causal.IMML;
import dev.causalmm.causal.IMMLConfig;
import dev.causalmm.causal.Regularizer;
import dev.causalmm.data.MMLSynConfig;
import dev.causalmm.data.MMLSynData;
import dev.causalmm.data.ModalitySpec;
import dev.causalmm.engine.Engine;
import dev.causalmm.engine.Tensor;
import dev.causalmm.engine.TensorScope;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Initial weights are a function of the seed alone (issue 9, item 7): LibTorch's global generator,
 * seeded differently before each build here, must not matter; a different seed must.
 */
class SeededInitTest {
    static final List<ModalitySpec> MODS = List.of(ModalitySpec.image("img", 3, 16, 16), ModalitySpec.tokens("txt", 8, 40),
            ModalitySpec.vector("v", 5));

    static Map<String, float[]> values(Map<String, Tensor> params) {
        Map<String, float[]> out = new LinkedHashMap<>();
        params.forEach((k, v) -> out.put(k, v.toFloatArray()));
        return out;
    }

    /** Builds with LibTorch's global generator seeded with {@code globalSeed}, which must not matter. */
    static Map<String, float[]> build(String model, long seed, long globalSeed) {
        Engine.seed(globalSeed);
        try (var m = Baselines.create(model, MODS, 3, EncoderConfig.c3rPaper(), 100, seed)) {
            return values(m.namedParameters());
        }
    }

    static void assertSameValues(Map<String, float[]> a, Map<String, float[]> b) {
        assertEquals(a.keySet(), b.keySet());
        a.forEach((k, v) -> assertArrayEquals(v, b.get(k), k));
    }

    /** Every parameter that is drawn at random (not constant) differs between the two. */
    static void assertDifferent(Map<String, float[]> a, Map<String, float[]> b) {
        int random = 0;
        for (var e : a.entrySet()) {
            float[] v = e.getValue();
            boolean constant = true;
            for (float f : v) constant &= f == v[0];
            if (constant) continue;
            random++;
            assertFalse(Arrays.equals(v, b.get(e.getKey())), e.getKey() + " is the same for two seeds");
        }
        assertTrue(random > 0, "no random parameters");
    }

    @ParameterizedTest
    @ValueSource(strings = {"late-fusion", "concat", "concatbow", "tmc", "qmf", "mmbt-small"})
    void everyModelIsAFunctionOfItsSeed(String model) {
        var a = build(model, 11, 1);
        assertSameValues(a, build(model, 11, 2));
        assertDifferent(a, build(model, 12, 1));
    }

    @Test
    void regularisersDrawTheirParametersFromTheGivenSeed() {
        var data = MMLSynData.generate(MMLSynConfig.defaults(0).withSizes(200, 50, 50));
        for (String name : List.of("c3r", "imml", "cmir")) {
            Supplier<Regularizer> make = switch (name) {
                case "c3r" -> () -> new C3R(C3RConfig.defaults());
                case "imml" -> () -> new IMML(IMMLConfig.defaults());
                default -> () -> new CmIR(CmIRConfig.defaults());
            };
            Map<String, float[]> first = null;
            for (long[] seeds : new long[][] {{5, 1}, {5, 2}, {6, 1}}) {
                Engine.seed(seeds[1]);
                try (var s = TensorScope.open("t"); Regularizer reg = make.get();
                     var base = Baselines.create("late-fusion", new int[] {20, 20}, 2, EncoderConfig.c3rPaper(), 0, 3)) {
                    var model = reg.adapt(base, seeds[0]);
                    reg.observeData(data.train().dataset(), data.val().dataset());
                    reg.bind(model, seeds[0]);
                    assertFalse(reg.namedParameters().isEmpty(), name);
                    // what the regulariser adds: the wrapper's parameters and its own
                    Map<String, float[]> added = values(model.namedParameters());
                    added.keySet().removeAll(base.namedParameters().keySet());
                    reg.namedParameters().forEach((k, t) -> added.put("regularizer." + k, t.toFloatArray()));
                    if (first == null) {
                        first = added;
                    } else if (seeds[0] == 5) {
                        assertSameValues(first, added);
                    } else {
                        assertDifferent(first, added);
                    }
                    if (model != base) ((AutoCloseable) model).close();
                } catch (Exception e) {
                    throw new AssertionError(name, e);
                }
            }
        }
    }

    @Test
    void aModuleWithoutAGeneratorIsAClearError() {
        var e = assertThrows(IllegalArgumentException.class, () -> new Linear(3, 2, null));
        assertTrue(e.getMessage().contains("Init.seeded") && e.getMessage().contains("Linear(3, 2)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Embedding(5, 2, 1.0, false, null));
        assertThrows(IllegalArgumentException.class, () -> new Conv2d(1, 2, 3, null));
    }

    @Test
    void drawsHaveTheRequestedDistribution() {
        try (Tensor u = Init.seeded(1).uniform(0.5, 200, 100); Tensor n = Init.seeded(1).normal(2.0, 200, 100)) {
            float[] uv = u.toFloatArray();
            double mean = 0, min = 1, max = -1;
            for (float f : uv) {
                mean += (double) f / uv.length;
                min = Math.min(min, f);
                max = Math.max(max, f);
            }
            assertTrue(min >= -0.5 && max <= 0.5 && min < -0.49 && max > 0.49, min + " " + max);
            assertEquals(0, mean, 0.01);
            float[] nv = n.toFloatArray();
            double s2 = 0;
            for (float f : nv) s2 += (double) f * f / nv.length;
            assertEquals(2.0, Math.sqrt(s2), 0.05);
        }
        // named streams are independent of the plain seed and of each other
        try (Tensor a = Init.seeded(1).uniform(1, 4); Tensor b = Init.seeded(1, "c3r").uniform(1, 4);
             Tensor c = Init.seeded(1, "imml.heads").uniform(1, 4)) {
            assertFalse(Arrays.equals(a.toFloatArray(), b.toFloatArray()));
            assertFalse(Arrays.equals(b.toFloatArray(), c.toFloatArray()));
        }
    }
}
