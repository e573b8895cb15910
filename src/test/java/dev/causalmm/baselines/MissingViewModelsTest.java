package dev.causalmm.baselines;

import static org.junit.jupiter.api.Assertions.*;

import dev.causalmm.engine.DType;
import dev.causalmm.engine.Device;
import dev.causalmm.engine.Engine;
import dev.causalmm.engine.Tensor;
import dev.causalmm.engine.TensorScope;
import dev.causalmm.nn.EncoderConfig;
import dev.causalmm.nn.ForwardOutput;
import dev.causalmm.nn.Module;
import dev.causalmm.nn.MultimodalModel;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every model trains and predicts with views missing: an absent view's values (sample 0's view 1,
 * sample 2's view 0) change neither any prediction nor the loss, while a present view's do.
 */
class MissingViewModelsTest {
    static final int B = 4;

    static Tensor mask() {
        return Tensor.of(new float[] {1, 0, 1, 1, 0, 1, 1, 1}, B, 2);
    }

    /** A copy of {@code x} with row {@code row} replaced by large other values. */
    static Tensor changedRow(Tensor x, int row, double by) {
        float[] v = x.toFloatArray();
        int d = (int) x.size(1);
        for (int j = 0; j < d; j++) v[row * d + j] = (float) (v[row * d + j] * -3 + by + j);
        return Tensor.of(v, B, d);
    }

    static void absentViewsChangeNothing(String name) {
        Engine.seed(3);
        try (var s = TensorScope.open("t"); MultimodalModel m = Baselines.create(name, new int[] {6, 3}, 3, EncoderConfig.c3rPaper(), 64, 5)) {
            ((Module) m).setTraining(false);
            List<Tensor> x = List.of(Tensor.rand(DType.FLOAT32, Device.CPU, B, 6), Tensor.rand(DType.FLOAT32, Device.CPU, B, 3));
            Tensor y = Tensor.of(new long[] {0, 1, 2, 1}, B);
            ForwardOutput a = m.forward(x, mask());
            List<Tensor> absentChanged = List.of(changedRow(x.get(0), 2, 50), changedRow(x.get(1), 0, 50));
            ForwardOutput b = m.forward(absentChanged, mask());
            assertArrayEquals(a.logits().toFloatArray(), b.logits().toFloatArray(), 1e-5f, name + ": predictions ignore absent views");
            assertEquals(m.loss(a, y).item(), m.loss(b, y).item(), 1e-5, name + ": the loss ignores absent views");
            ForwardOutput c = m.forward(List.of(changedRow(x.get(0), 1, 50), x.get(1)), mask());
            assertNotEquals(a.logits().toFloatArray()[3], c.logits().toFloatArray()[3], name + ": a present view still counts");
        }
    }

    @Test
    void lateFusionIgnoresAbsentViews() {
        absentViewsChangeNothing("late-fusion");
    }

    @Test
    void tmcIgnoresAbsentViews() {
        absentViewsChangeNothing("tmc");
    }

    @Test
    void concatIgnoresAbsentViews() {
        absentViewsChangeNothing("concat");
    }

    @Test
    void concatBowIgnoresAbsentViews() {
        absentViewsChangeNothing("concatbow");
    }

    @Test
    void qmfIgnoresAbsentViews() {
        absentViewsChangeNothing("qmf");
    }

    @Test
    void mmbtIgnoresAbsentViews() {
        absentViewsChangeNothing("mmbt");
    }

    @Test
    void mmbtAttendsToNoAbsentViewToken() {
        Engine.seed(3);
        try (var s = TensorScope.open("t"); MultimodalModel m = Baselines.create("mmbt", new int[] {6, 3}, 3, EncoderConfig.c3rPaper(), 64, 5)) {
            ((Module) m).setTraining(false);
            List<Tensor> x = List.of(Tensor.rand(DType.FLOAT32, Device.CPU, B, 6), Tensor.rand(DType.FLOAT32, Device.CPU, B, 3));
            float[] before = m.forward(x, mask()).logits().toFloatArray();
            // view 1's token sits at position 2 of [CLS] view0 view1 [SEP]; sample 0 lacks view 1
            try (var ng = dev.causalmm.engine.NoGrad.enter()) {
                m.namedParameters().get("positions.weight").narrow(0, 2, 1).fill_(3.0);
            }
            float[] after = m.forward(x, mask()).logits().toFloatArray();
            for (int c = 0; c < 3; c++) assertEquals(before[c], after[c], 1e-5f, "sample 0 does not attend to its absent view's token");
            assertNotEquals(before[3], after[3], "sample 1 has view 1 and attends to it");
        }
    }

    @Test
    void qmfRankingLeavesOutPairsWithAnAbsentView() {
        try (var s = TensorScope.open("t")) {
            Tensor w = Tensor.of(new float[] {0.1f, 0.9f, 0.2f, 0.5f}, B);
            Tensor history = Tensor.of(new float[] {3, 1, 2, 0}, B);
            Tensor idx = Tensor.of(new long[] {0, 1, 2, 3}, B);
            Tensor all = Tensor.ones(B);
            assertEquals(QMF.rankingLoss(w, history, idx).item(), QMF.rankingLoss(w, history, idx, all).item(), 1e-6);
            Tensor w2 = Tensor.of(new float[] {0.1f, 5f, 0.2f, 0.5f}, B); // sample 1 absent: its confidence is irrelevant
            Tensor present = Tensor.of(new float[] {1, 0, 1, 1}, B);
            assertEquals(QMF.rankingLoss(w, history, idx, present).item(), QMF.rankingLoss(w2, history, idx, present).item(), 1e-6);
        }
    }
}
