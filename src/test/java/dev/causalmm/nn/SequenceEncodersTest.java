package dev.causalmm.nn;

import static org.junit.jupiter.api.Assertions.*;

import dev.causalmm.data.ModalitySpec;
import dev.causalmm.engine.Tensor;
import dev.causalmm.engine.TensorScope;
import java.util.List;
import org.junit.jupiter.api.Test;

class SequenceEncodersTest {
    static final ModalitySpec SPEC = ModalitySpec.sequence("s", 4, 3);
    static final EncoderConfig MLP = new EncoderConfig(List.of(8, 6), Activation.ELU, false);

    /** Two samples: 2 and 3 real steps; {@code junk} fills the padded steps' values (their mask stays 0). */
    static float[] batch(float junk) {
        float[] x = new float[2 * 4 * 4];
        float[][] real = {{0.5f, -1, 2}, {1, 0.25f, -0.5f}, {-2, 1, 0}};
        int[] len = {2, 3};
        for (int i = 0; i < 2; i++) {
            for (int t = 0; t < 4; t++) {
                int at = (i * 4 + t) * 4;
                for (int j = 0; j < 3; j++) x[at + j] = t < len[i] ? real[t][j] * (i + 1) : junk;
                x[at + 3] = t < len[i] ? 1 : 0;
            }
        }
        return x;
    }

    static float[] encode(ModalityEncoder e, float junk) {
        try (TensorScope s = TensorScope.open("test")) {
            return e.forward(Tensor.of(batch(junk), 2, 4, 4)).toFloatArray();
        }
    }

    @Test
    void paddedStepsDoNotChangeEitherEncodersFeature() {
        for (SequenceEncoderSpec.Kind kind : SequenceEncoderSpec.Kind.values()) {
            var spec = new SequenceEncoderSpec(kind, 8, 2);
            try (ModalityEncoder e = Encoders.withSequenceEncoder(spec, () -> Encoders.create(SPEC, MLP, Init.seeded(3)))) {
                assertEquals(6, e.featureDim(), kind.name());
                float[] a = encode(e, 0), b = encode(e, 37);
                assertEquals(12, a.length);
                assertArrayEquals(a, b, 1e-5f, kind + " must ignore padded steps");
                assertNotEquals(a[0], a[6], kind + ": the two samples differ");
            }
        }
    }

    /** The fused GRU is PyTorch's: for one step from h0 = 0, h = (1 − z)·n with n = tanh(W_in x + b_in + r·b_hn). */
    @Test
    void theGruStateAfterOneStepFollowsTheGruEquations() {
        ModalitySpec one = ModalitySpec.sequence("s", 1, 2);
        try (GruSequenceEncoder e = new GruSequenceEncoder(one, 3, null, Init.seeded(5)); TensorScope s = TensorScope.open("test")) {
            float[] x = {0.7f, -1.2f};
            float[] h = e.forward(Tensor.of(new float[] {x[0], x[1], 1}, 1, 1, 3)).toFloatArray();
            var p = e.namedParameters();
            float[] wih = p.get("weight_ih").toFloatArray(), bih = p.get("bias_ih").toFloatArray(), bhh = p.get("bias_hh").toFloatArray();
            for (int u = 0; u < 3; u++) {
                double r = sigmoid(wih[u * 2] * x[0] + wih[u * 2 + 1] * x[1] + bih[u] + bhh[u]);
                double z = sigmoid(wih[(3 + u) * 2] * x[0] + wih[(3 + u) * 2 + 1] * x[1] + bih[3 + u] + bhh[3 + u]);
                double n = Math.tanh(wih[(6 + u) * 2] * x[0] + wih[(6 + u) * 2 + 1] * x[1] + bih[6 + u] + r * bhh[6 + u]);
                assertEquals((1 - z) * n, h[u], 1e-5, "unit " + u);
            }
        }
    }

    static double sigmoid(double v) {
        return 1 / (1 + Math.exp(-v));
    }
}
