package dev.causalmm.baselines;

import static org.junit.jupiter.api.Assertions.*;

import dev.causalmm.data.ModalitySpec;
import dev.causalmm.engine.DType;
import dev.causalmm.engine.Device;
import dev.causalmm.engine.Engine;
import dev.causalmm.engine.Tensor;
import dev.causalmm.engine.TensorScope;
import dev.causalmm.nn.ForwardOutput;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The MMBT-style transformer's seam, masking and gradients; ConcatBow's single linear layer. */
class MMBTTest {
    static final List<ModalitySpec> MODS = List.of(ModalitySpec.image("img", 3, 16, 16), ModalitySpec.tokens("txt", 7, 40));

    static List<Tensor> inputs(long seed) {
        Engine.seed(seed);
        Tensor img = Tensor.rand(DType.FLOAT32, Device.CPU, 5, 3, 16, 16).mul(255);
        Tensor txt = Tensor.rand(DType.FLOAT32, Device.CPU, 5, 7).mul(37).add(2).to(DType.INT64).to(DType.FLOAT32);
        return List.of(img, txt);
    }

    @Test
    void featuresAreTokenEmbeddingsAndZIsThePooler() {
        try (var s = TensorScope.open("t"); var m = new MMBT(MODS, 4, new MMBTConfig(2, 32, 4, 64, 3, 0.1), 1)) {
            m.setTraining(false);
            ForwardOutput out = m.forward(inputs(1), null);
            assertArrayEquals(new long[] {5, 3 * 32}, out.features().get(0).shape(), "3 image tokens of H");
            assertArrayEquals(new long[] {5, 7 * 32}, out.features().get(1).shape(), "one token per word");
            assertArrayEquals(new long[] {5, 32}, out.fused().shape());
            assertArrayEquals(new long[] {5, 4}, out.logits().shape());
            for (float z : out.fused().toFloatArray()) assertTrue(Math.abs(z) <= 1, "tanh pooler");
            // the classifier W applied to Z gives the logits (C3R uses the model's own Z and W)
            assertArrayEquals(out.logits().toFloatArray(), m.classify(out.fused()).toFloatArray(), 1e-6f);
            assertArrayEquals(out.logits().toFloatArray(), m.fuseAndPredict(out.features(), null).toFloatArray(), 1e-6f);
        }
    }

    @Test
    void aMaskedModalityDoesNotReachThePrediction() {
        try (var s = TensorScope.open("t"); var m = new MMBT(MODS, 3, MMBTConfig.small(), 1)) {
            m.setTraining(false);
            List<Tensor> a = inputs(1), b = List.of(a.get(0), inputs(2).get(1));
            Tensor textMissing = Tensor.of(new float[] {1, 0, 1, 0, 1, 0, 1, 0, 1, 0}, 5, 2);
            float[] la = m.forward(a, textMissing).logits().toFloatArray();
            float[] lb = m.forward(b, textMissing).logits().toFloatArray();
            assertArrayEquals(la, lb, 1e-5f, "other words, same logits when the text is masked");
            assertFalse(java.util.Arrays.equals(m.forward(a, null).logits().toFloatArray(), m.forward(b, null).logits().toFloatArray()),
                    "the words matter when present");
        }
    }

    @Test
    void paddedWordsGetNoAttention() {
        try (var s = TensorScope.open("t"); var m = new MMBT(List.of(ModalitySpec.image("img", 3, 16, 16), ModalitySpec.tokens("txt", 8, 40)),
                3, new MMBTConfig(2, 32, 4, 64, 3, 0.1), 1)) {
            m.setTraining(false);
            Engine.seed(5);
            Tensor img = Tensor.rand(DType.FLOAT32, Device.CPU, 2, 3, 16, 16).mul(255);
            Tensor txt = Tensor.of(new float[] {5, 6, 7, 0, 0, 0, 0, 0, 9, 10, 11, 12, 13, 14, 0, 0}, 2, 8);
            float[] before = m.forward(List.of(img, txt), null).logits().toFloatArray();
            // (a random shift: a constant one would vanish in the embedding LayerNorm)
            // text positions 6 and 7 hold padding in both samples, position 5 a word of sample 1 only
            // (the image segment uses positions 0..4)
            try (var ng = dev.causalmm.engine.NoGrad.enter()) {
                m.namedParameters().get("positions.weight").narrow(0, 7, 1).add_(Tensor.randn(DType.FLOAT32, Device.CPU, 1, 32));
            }
            float[] after = m.forward(List.of(img, txt), null).logits().toFloatArray();
            for (int c = 0; c < 3; c++) assertEquals(before[c], after[c], 1e-5f, "padding at position 7 changed sample 0's logits");
            for (int c = 0; c < 3; c++) assertEquals(before[3 + c], after[3 + c], 1e-5f, "padding at position 7 changed sample 1's logits");
            try (var ng = dev.causalmm.engine.NoGrad.enter()) {
                m.namedParameters().get("positions.weight").narrow(0, 5, 1).add_(Tensor.randn(DType.FLOAT32, Device.CPU, 1, 32));
            }
            float[] moved = m.forward(List.of(img, txt), null).logits().toFloatArray();
            for (int c = 0; c < 3; c++) assertEquals(before[c], moved[c], 1e-5f, "sample 0 has padding at position 5");
            assertNotEquals(before[3], moved[3], 1e-6f, "sample 1's word at position 5 is attended");
        }
    }

    @Test
    void everyParameterGetsAGradient() {
        try (var s = TensorScope.open("t"); var m = new MMBT(MODS, 3, MMBTConfig.small(), 1)) {
            List<Tensor> in = inputs(3);
            Tensor padded = in.get(1).mul(Tensor.of(new float[] {1, 1, 1, 1, 1, 0, 0}, 1, 7));   // last two words are padding
            ForwardOutput out = m.forward(List.of(in.get(0), padded), null);
            m.loss(out, Tensor.of(new long[] {0, 1, 2, 0, 1}, 5)).backward();
            m.namedParameters().forEach((name, p) -> {
                Tensor g = p.grad();
                assertNotNull(g, name + " has no gradient");
                if (!name.startsWith("words")) assertTrue(g.abs().sum().item() > 0, name + " has a zero gradient");
            });
            Tensor padRow = m.namedParameters().get("words1.weight").grad().narrow(0, ModalitySpec.PAD, 1);
            assertEquals(0, padRow.abs().sum().item(), "padding row untouched");
        }
    }

    @Test
    void concatBowIsOneLinearLayerOverRawRepresentations() {
        try (var s = TensorScope.open("t"); var m = new ConcatBow(MODS, 4, 1)) {
            assertEquals(3 * 32 + 64, m.fusedDim(), "3 pooled 32-channel regions + a 64-d word-embedding sum");
            assertEquals(4, m.classifier().outFeatures());
            long linear = (long) (3 * 32 + 64) * 4 + 4;
            long embedding = 40L * 64;
            long cnn = (3 * 9 * 16 + 16) + (16 * 9 * 32 + 32);
            assertEquals(linear + embedding + cnn, m.parameterCount(), "no hidden layers");
            Tensor txt = Tensor.of(new float[] {5, 6, 0, 0, 0, 0, 0}, 1, 7);
            Tensor bag = m.encode(List.of(Tensor.zeros(1, 3, 16, 16), txt)).get(1);
            Tensor table = m.namedParameters().get("encoder1.embedding.weight");
            assertArrayEquals(table.narrow(0, 5, 1).add(table.narrow(0, 6, 1)).toFloatArray(), bag.toFloatArray(), 1e-6f,
                    "the text is the sum of its word vectors (padding adds nothing)");
        }
    }
}
