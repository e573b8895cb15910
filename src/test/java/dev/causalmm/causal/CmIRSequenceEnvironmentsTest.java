package dev.causalmm.causal;

import static org.junit.jupiter.api.Assertions.*;

import dev.causalmm.data.ArrayDataset;
import dev.causalmm.data.SequenceData;
import dev.causalmm.engine.Tensor;
import dev.causalmm.engine.TensorScope;
import java.util.List;
import org.junit.jupiter.api.Test;

/** CmIR's noisy environments on stored sequences ({@code T×(d+1)}, the step mask last). */
class CmIRSequenceEnvironmentsTest {
    static final int N = 16, T = 5, D = 3, W = D + 1;

    @Test
    void environmentsKeepEverySequencesMaskAndPaddingExactly() {
        ArrayDataset data = SequenceData.generate("seq", N, T, D, 3);
        try (CmIR cmir = new CmIR(CmIRConfig.defaults()); var scope = TensorScope.open("test")) {
            cmir.observeData(data, null);
            List<Tensor> inputs = List.of(Tensor.of(data.values(0), N, T, W), Tensor.of(data.values(1), N, T, W));
            List<Tensor> env = cmir.noisy(inputs, 3.0);
            for (int m = 0; m < 2; m++) {
                float[] clean = data.values(m), noisy = env.get(m).toFloatArray();
                int moved = 0, padding = 0;
                for (int i = 0; i < N * T; i++) {
                    boolean real = clean[i * W + D] > 0.5f;
                    assertEquals(clean[i * W + D], noisy[i * W + D], "mask channel of step " + i + ", modality " + m);
                    for (int j = 0; j < D; j++) {
                        if (!real) {
                            padding++;
                            assertEquals(clean[i * W + j], noisy[i * W + j], "padded step " + i + ", value " + j + ", modality " + m);
                        } else if (clean[i * W + j] != noisy[i * W + j]) {
                            moved++;
                        }
                    }
                }
                assertTrue(padding > 0, "the data has padded steps");
                assertTrue(moved > 0, "real steps get noise");
            }
        }
    }
}
