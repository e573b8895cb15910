package dev.causalmm.causal;

import static org.junit.jupiter.api.Assertions.*;

import dev.causalmm.baselines.ConcatFusion;
import dev.causalmm.baselines.LateFusion;
import dev.causalmm.data.ArrayDataset;
import dev.causalmm.data.ModalitySpec;
import dev.causalmm.engine.DType;
import dev.causalmm.engine.Device;
import dev.causalmm.engine.Engine;
import dev.causalmm.engine.Tensor;
import dev.causalmm.engine.TensorScope;
import dev.causalmm.nn.EncoderConfig;
import dev.causalmm.nn.ForwardOutput;
import dev.causalmm.nn.MultimodalModel;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * C3R, IMML, CmIR, PMR and UMT leave absent views out of their terms: changing the values of an absent view
 * (sample 0's view 1, sample 2's view 0) changes no term, while changing a present view does.
 */
class MissingViewRegularizersTest {
    static final int B = 6;

    static Tensor mask() {
        return Tensor.of(new float[] {1, 0, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1}, B, 2);
    }

    static Tensor changedRow(Tensor x, int row) {
        float[] v = x.toFloatArray();
        int d = (int) x.size(1);
        for (int j = 0; j < d; j++) v[row * d + j] = v[row * d + j] * -3 + 40 + j;
        return Tensor.of(v, B, d);
    }

    /** The regulariser's terms on the base inputs, with the absent views changed, and with a present view changed. */
    static void assertAbsentViewsLeftOut(Function<List<Tensor>, Map<String, Tensor>> terms, String what) {
        List<Tensor> x = List.of(Tensor.rand(DType.FLOAT32, Device.CPU, B, 6), Tensor.rand(DType.FLOAT32, Device.CPU, B, 3));
        Map<String, Tensor> a = terms.apply(x);
        Map<String, Tensor> b = terms.apply(List.of(changedRow(x.get(0), 2), changedRow(x.get(1), 0)));
        Map<String, Tensor> c = terms.apply(List.of(changedRow(x.get(0), 3), x.get(1)));
        boolean anyChanged = false;
        for (String k : a.keySet()) {
            assertEquals(a.get(k).item(), b.get(k).item(), 1e-5 * Math.max(1, Math.abs(a.get(k).item())), what + " " + k);
            anyChanged |= Math.abs(a.get(k).item() - c.get(k).item()) > 1e-6;
        }
        assertTrue(anyChanged, what + ": a present view's values still count");
    }


    static Tensor labels() {
        return Tensor.of(new long[] {0, 1, 2, 0, 1, 2}, B);
    }

    @Test
    void c3rLeavesAbsentViewsOut() {
        Engine.seed(4);
        try (var s = TensorScope.open("t"); var model = new ConcatFusion(new int[] {6, 3}, 3, EncoderConfig.c3rPaper(), 3);
             var lf = new LateFusion(new int[] {6, 3}, 3, EncoderConfig.c3rPaper(), false, 3);
             var c3r = new C3R(C3RConfig.defaults()); var c3rCalibrated = new C3R(C3RConfig.defaults())) {
            model.setTraining(false);
            lf.setTraining(false);
            c3r.bind(model, 7);
            c3rCalibrated.bind(lf, 7);
            c3rCalibrated.setTraining(false);
            assertAbsentViewsLeftOut(x -> c3r.compute(model, model.forward(x, mask()), labels(), 5).terms(), "C3R (model head)");
            assertAbsentViewsLeftOut(x -> c3rCalibrated.compute(lf, lf.forward(x, mask()), labels(), 5).terms(), "C3R (calibrator)");
        }
    }

    @Test
    void immlLeavesAbsentViewsOut() {
        Engine.seed(5);
        IMML imml = new IMML(IMMLConfig.defaults().withPredominant(0));
        try (var s = TensorScope.open("t"); MultimodalModel model = imml.adapt(new LateFusion(new int[] {6, 3}, 3, EncoderConfig.c3rPaper(), false, 2), 2)) {
            imml.bind(model, 2);
            imml.setTraining(false);
            int[] epoch = {0};
            assertAbsentViewsLeftOut(x -> {
                imml.compute(model, model.forward(x, mask()), labels(), ++epoch[0] + 100); // moves the mixing draws away from epoch 0 ...
                return imml.compute(model, model.forward(x, mask()), labels(), 0).terms();   // ... so that epoch 0 draws the same λ again
            }, "IMML");
        } finally {
            imml.close();
        }
    }

    @Test
    void cmirLeavesAbsentViewsOut() {
        CmIR cmir = new CmIR(CmIRConfig.defaults());
        try (var s = TensorScope.open("t"); MultimodalModel model = cmir.adapt(new LateFusion(new int[] {6, 3}, 3, EncoderConfig.c3rPaper(), false, 1), 1)) {
            float[][] v = {new float[B * 6], new float[B * 3]};
            for (int i = 0; i < v[0].length; i++) v[0][i] = (i * 7 % 11) / 11f;
            for (int i = 0; i < v[1].length; i++) v[1][i] = (i * 5 % 7) / 7f;
            cmir.observeData(new ArrayDataset("t", ModalitySpec.vectors(new int[] {6, 3}), v, new int[] {0, 1, 2, 0, 1, 2}, null, 3), null);
            cmir.bind(model, 1);
            cmir.setTraining(false);
            assertAbsentViewsLeftOut(x -> {
                Engine.seed(9); // the same environment noise every time
                return cmir.compute(model, model.forward(x, mask()), labels(), 0).terms();
            }, "CmIR");
        } finally {
            cmir.close();
        }
    }

    @Test
    void pmrLeavesAbsentViewsOut() {
        try (var s = TensorScope.open("t"); var model = new LateFusion(new int[] {6, 3}, 3, EncoderConfig.c3rPaper(), false, 4)) {
            model.setTraining(false);
            assertAbsentViewsLeftOut(x -> {
                try (PMR pmr = new PMR(PMRConfig.defaults())) { // fresh: prototypes = this batch's class means
                    Map<String, Tensor> t = new java.util.LinkedHashMap<>(pmr.compute(model, model.forward(x, mask()), labels(), 0).terms());
                    for (int k = 0; k < 2; k++) t.put("prototype" + k, pmr.prototypesOrRunningMeans().get(k).sum());
                    return t;
                }
            }, "PMR");
        }
    }

    @Test
    void umtLeavesAbsentViewsOut() {
        Engine.seed(6);
        var factory = (java.util.function.LongFunction<MultimodalModel>) seed -> new LateFusion(new int[] {6, 3}, 3, EncoderConfig.c3rPaper(), false, seed);
        try (var s = TensorScope.open("t"); MultimodalModel model = factory.apply(5);
             UMT umt = new UMT(UMTConfig.defaults().withTeacherEpochs(1)).withTeachers(factory)) {
            model.setTraining(false);
            float[][] v = {new float[B * 6], new float[B * 3]};
            for (int i = 0; i < v[0].length; i++) v[0][i] = (i * 7 % 11) / 11f;
            for (int i = 0; i < v[1].length; i++) v[1][i] = (i * 5 % 7) / 7f;
            umt.observeData(new ArrayDataset("t", ModalitySpec.vectors(new int[] {6, 3}), v, new int[] {0, 1, 2, 0, 1, 2}, null, 3), null);
            umt.bind(model, 5);
            umt.to(Device.CPU);
            assertAbsentViewsLeftOut(x -> umt.compute(model, model.forward(x, mask()), labels(), 0).terms(), "UMT distillation");
            var init = dev.causalmm.nn.Init.seeded(3, "heads");
            List<dev.causalmm.nn.Linear> heads = List.of(new dev.causalmm.nn.Linear(6, 3, init), new dev.causalmm.nn.Linear(3, 3, init));
            assertAbsentViewsLeftOut(x -> Map.of("teacherCE", UMT.unimodalLoss(x, heads, labels(), mask())), "UMT teacher CE");
            heads.forEach(dev.causalmm.nn.Linear::close);
        }
    }

    @Test
    void mdkeWithEveryViewPresentEqualsTheUnmaskedForm() {
        try (var s = TensorScope.open("t")) {
            List<Tensor> xi = List.of(Tensor.rand(DType.FLOAT32, Device.CPU, B, 4), Tensor.rand(DType.FLOAT32, Device.CPU, B, 4));
            Tensor eye = Tensor.eye(B, Device.CPU).gt(0.5);
            assertEquals(IMML.mdke(xi, 0.5, eye).item(), IMML.mdke(xi, 0.5, eye, Tensor.ones(B, 2)).item(), 1e-5);
        }
    }
}
