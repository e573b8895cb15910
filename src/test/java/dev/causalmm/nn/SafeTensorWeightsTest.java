package dev.causalmm.nn;

import static org.junit.jupiter.api.Assertions.*;

import dev.causalmm.engine.Tensor;
import dev.causalmm.io.FormatException;
import dev.causalmm.io.SafeTensors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorWeightsTest {
    @TempDir Path dir;

    private SafeTensors file(String name, SafeTensors.Data... data) throws IOException {
        Path f = dir.resolve(name);
        SafeTensors.write(f, List.of(data), SafeTensors.DType.F32, Map.of());
        return SafeTensors.open(f);
    }

    @Test
    void copiesEveryTensorAndRefusesExtraMissingOrMisShapedOnesByName() throws IOException {
        try (Tensor w = Tensor.zeros(2, 3)) {
            Map<String, Tensor> params = new LinkedHashMap<>(Map.of("w", w));
            try (SafeTensors good = file("good.safetensors", new SafeTensors.Data("w", new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6}))) {
                SafeTensorWeights.copyInto(params, good, "U-Net");
            }
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, w.toFloatArray());
            try (SafeTensors shape = file("shape.safetensors", new SafeTensors.Data("w", new long[] {3, 2}, new float[6]));
                 SafeTensors extra = file("extra.safetensors", new SafeTensors.Data("w", new long[] {2, 3}, new float[6]),
                         new SafeTensors.Data("v", new long[] {1}, new float[1]));
                 SafeTensors missing = file("missing.safetensors", new SafeTensors.Data("w", new long[] {2, 3}, new float[6]));
                 Tensor u = Tensor.zeros(1)) {
                String m = assertThrows(FormatException.class, () -> SafeTensorWeights.copyInto(params, shape, "U-Net")).getMessage();
                assertTrue(m.contains("shape.safetensors") && m.contains("tensor 'w' has shape [3, 2], the U-Net expects [2, 3]"), m);
                m = assertThrows(FormatException.class, () -> SafeTensorWeights.copyInto(params, extra, "U-Net")).getMessage();
                assertTrue(m.contains("tensors [v] are not parameters of the U-Net it describes"), m);
                Map<String, Tensor> more = new LinkedHashMap<>(Map.of("w", w, "u", u));
                m = assertThrows(FormatException.class, () -> SafeTensorWeights.copyInto(more, missing, "U-Net")).getMessage();
                assertTrue(m.contains("no tensor for parameter 'u' of the U-Net"), m);
            }
        }
    }
}
