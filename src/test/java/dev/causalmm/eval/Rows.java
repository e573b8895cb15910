package dev.causalmm.eval;

import dev.causalmm.data.MultimodalDataset;
import dev.causalmm.data.SampleReader;
import java.lang.foreign.Arena;

/** Reads one modality of one sample as the loader would see it (through {@code read}). */
final class Rows {
    private Rows() {}

    static float[] row(MultimodalDataset ds, int i, int m) {
        int n = (int) ds.modalities().get(m).elementCount();
        try (Arena arena = Arena.ofConfined()) {
            SampleReader r = new SampleReader(arena, ds.modalities());
            r.read(ds, i);
            float[] v = new float[n];
            for (int j = 0; j < n; j++) v[j] = r.value(m, j);
            return v;
        }
    }
}
