package dev.causalmm.baselines;

import static org.junit.jupiter.api.Assertions.*;

import dev.causalmm.engine.Engine;
import dev.causalmm.engine.Tensor;
import dev.causalmm.engine.TensorScope;
import dev.causalmm.nn.EncoderConfig;
import dev.causalmm.nn.ForwardOutput;
import dev.causalmm.nn.MultimodalModel;
import java.util.List;
import org.junit.jupiter.api.Test;

class FusionModelsTest {

    private static List<Tensor> inputs() {
        return List.of(Tensor.rand(dev.causalmm.engine.DType.FLOAT32, dev.causalmm.engine.Device.CPU, 4, 6),
                Tensor.rand(dev.causalmm.engine.DType.FLOAT32, dev.causalmm.engine.Device.CPU, 4, 3));
    }

    @Test
    void lateFusionAveragesTheAvailableHeads() {
        Engine.seed(0);
        try (var s = TensorScope.open("t"); var m = new LateFusion(new int[] {6, 3}, 5, EncoderConfig.c3rPaper(), false, 0)) {
            List<Tensor> x = inputs();
            Tensor both = Tensor.ones(4, 2);
            ForwardOutput out = m.forward(x, both);
            assertNull(out.fused());
            assertEquals(0, m.fusedDim());
            assertEquals(64, out.features().get(0).size(1), "the C3R preset uses μ = first 64 of 128");
            float[] l0 = out.modalityLogits().get(0).toFloatArray();
            float[] l1 = out.modalityLogits().get(1).toFloatArray();
            float[] fused = out.logits().toFloatArray();
            for (int i = 0; i < fused.length; i++) assertEquals((l0[i] + l1[i]) / 2, fused[i], 1e-5);
            // modality 1 missing in every row: fused logits are modality 0's
            Tensor onlyFirst = Tensor.of(new float[] {1, 0, 1, 0, 1, 0, 1, 0}, 4, 2);
            float[] f2 = m.fuseAndPredict(out.features(), onlyFirst).toFloatArray();
            for (int i = 0; i < f2.length; i++) assertEquals(l0[i], f2[i], 1e-5);
            assertThrows(UnsupportedOperationException.class, () -> m.classify(out.logits()));
        }
    }

    @Test
    void concatExposesFusedRepresentationAndLinearClassifier() {
        Engine.seed(0);
        try (var s = TensorScope.open("t"); var m = new ConcatFusion(new int[] {6, 3}, 5, EncoderConfig.c3rPaper(), 0)) {
            List<Tensor> x = inputs();
            ForwardOutput out = m.forward(x, Tensor.ones(4, 2));
            assertArrayEquals(new long[] {4, 128}, out.fused().shape());
            assertEquals(128, m.fusedDim());
            assertArrayEquals(new long[] {5, 128}, m.classifier().weight().shape());
            // the seam: logits == classify(fuse(features)) == fuseAndPredict(features)
            assertArrayEquals(out.logits().toFloatArray(), m.classify(m.fuse(out.features(), Tensor.ones(4, 2))).toFloatArray(), 1e-6f);
            assertArrayEquals(out.logits().toFloatArray(), m.fuseAndPredict(out.features(), Tensor.ones(4, 2)).toFloatArray(), 1e-6f);
            // a missing modality contributes zeros to Z
            Tensor onlyFirst = Tensor.of(new float[] {1, 0, 1, 0, 1, 0, 1, 0}, 4, 2);
            float[] z = m.fuse(out.features(), onlyFirst).toFloatArray();
            for (int r = 0; r < 4; r++) for (int j = 64; j < 128; j++) assertEquals(0f, Math.abs(z[r * 128 + j]));
        }
    }

    @Test
    void factoryNamesAndErrors() {
        try (MultimodalModel m = Baselines.create("concat", new int[] {2, 2}, 3, EncoderConfig.c3rPaper(), 0, 1)) {
            assertEquals(2, m.numModalities());
            assertTrue(m.parameterCount() > 0);
        }
        try (MultimodalModel m = Baselines.create("mmbt", new int[] {2, 5}, 2, EncoderConfig.c3rPaper(), 0, 1)) {
            assertEquals(256, m.fusedDim(), "spec sizes: H = 256");
            assertEquals(256, m.featureDim(0), "a feature vector is one token");
        }
        var e = assertThrows(IllegalArgumentException.class, () -> Baselines.create("unet3d", new int[] {2}, 2, EncoderConfig.c3rPaper(), 0, 1));
        assertTrue(e.getMessage().contains("not available yet"));
        var e2 = assertThrows(IllegalArgumentException.class, () -> Baselines.create("resnet", new int[] {2}, 2, EncoderConfig.c3rPaper(), 0, 1));
        assertTrue(e2.getMessage().contains("unknown model"));
    }

    @Test
    void wrongNumberOfInputsIsAClearError() {
        try (var s = TensorScope.open("t"); var m = new LateFusion(new int[] {6, 3}, 2, EncoderConfig.c3rPaper(), false, 1)) {
            var e = assertThrows(IllegalArgumentException.class, () -> m.encode(List.of(Tensor.zeros(1, 6))));
            assertTrue(e.getMessage().contains("2 modalities"));
        }
    }
}
