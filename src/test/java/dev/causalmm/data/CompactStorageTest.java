package dev.causalmm.data;

import static org.junit.jupiter.api.Assertions.*;

import dev.causalmm.engine.DType;
import dev.causalmm.engine.TensorScope;
import dev.causalmm.eval.CorruptedDataset;
import dev.causalmm.eval.NoiseProtocol;
import java.lang.foreign.Arena;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pixels travel as uint8 and word ids as int32 until the device, where they become float32 unchanged. */
class CompactStorageTest {
    static final ModalitySpec IMAGE = ModalitySpec.image("image", 3, 4, 4);
    static final ModalitySpec TEXT = ModalitySpec.tokens("text", 5, 1000);

    /** Sample i: pixel j = (7i + j) mod 256, word j = (i·31 + j) mod 1000. */
    static ArrayDataset data(int n) {
        float[] img = new float[n * 48];
        float[] txt = new float[n * 5];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 48; j++) img[i * 48 + j] = (7 * i + j) % 256;
            for (int j = 0; j < 5; j++) txt[i * 5 + j] = (i * 31 + j) % 1000;
            y[i] = i % 2;
        }
        return new ArrayDataset("compact", List.of(IMAGE, TEXT), new float[][] {img, txt}, y, null, 2);
    }

    @Test
    void storageTypesAndSlotSizes() {
        assertEquals(DType.UINT8, IMAGE.storage());
        assertEquals(48, IMAGE.sampleBytes(), "one byte per pixel");
        assertEquals(DType.INT32, TEXT.storage());
        assertEquals(20, TEXT.sampleBytes());
        assertEquals(DType.FLOAT32, ModalitySpec.vector("f", 6).storage());
        assertEquals(24, ModalitySpec.vector("f", 6).sampleBytes());
    }

    @Test
    void loaderWidensCompactModalitiesToTheSameFloatValues() {
        int n = 70; // pixel values reach past 127, so a signed-byte slip would show
        ArrayDataset ds = data(n);
        DataLoader loader = new DataLoader(ds, DataLoader.Options.shuffled(16, 3));
        int rows = 0;
        try (var s = TensorScope.open("t"); var epoch = loader.epoch(0)) {
            while (epoch.hasNext()) {
                try (Batch b = epoch.next()) {
                    assertEquals(DType.FLOAT32, b.inputs().get(0).dtype());
                    assertEquals(DType.FLOAT32, b.inputs().get(1).dtype());
                    float[] img = b.inputs().get(0).toFloatArray();
                    float[] txt = b.inputs().get(1).toFloatArray();
                    for (int r = 0; r < b.size(); r++) {
                        int i = b.indices()[r];
                        for (int j = 0; j < 48; j++) assertEquals((7 * i + j) % 256, img[r * 48 + j], 0f, "sample " + i + " pixel " + j);
                        for (int j = 0; j < 5; j++) assertEquals((i * 31 + j) % 1000, txt[r * 5 + j], 0f, "sample " + i + " word " + j);
                    }
                    rows += b.size();
                }
            }
        }
        assertEquals(n, rows);
    }

    @Test
    void arrayDatasetRefusesValuesTheStorageWouldChange() {
        ArrayDataset ok = data(2);
        float[] img = ok.values(0).clone();
        img[50] = 12.5f;
        var e = assertThrows(IllegalArgumentException.class,
                () -> new ArrayDataset("bad", List.of(IMAGE, TEXT), new float[][] {img, ok.values(1)}, new int[] {0, 1}, null, 2));
        assertTrue(e.getMessage().contains("image modality image, sample 1, value 2 is 12.5"), e.getMessage());
        float[] txt = ok.values(1).clone();
        txt[3] = 1000;
        e = assertThrows(IllegalArgumentException.class,
                () -> new ArrayDataset("bad", List.of(IMAGE, TEXT), new float[][] {ok.values(0), txt}, new int[] {0, 1}, null, 2));
        assertTrue(e.getMessage().contains("token modality text, sample 0, position 3 is 1000"), e.getMessage());
    }

    @Test
    void pixelNoiseIsRequantisedToBytes() {
        ArrayDataset clean = data(40);
        var noisy = new CorruptedDataset(clean, NoiseProtocol.of(5, 11L));
        int changed = 0;
        try (Arena arena = Arena.ofConfined()) {
            SampleReader c = new SampleReader(arena, clean.modalities());
            SampleReader r = new SampleReader(arena, clean.modalities());
            for (int i = 0; i < clean.size(); i++) {
                c.read(clean, i);
                r.read(noisy, i);
                for (int j = 0; j < 48; j++) {
                    float v = r.value(0, j);
                    assertTrue(v >= 0 && v <= 255 && v == Math.rint(v), "pixel " + v + " is not a byte value");
                    if (v != c.value(0, j)) changed++;
                }
            }
        }
        assertTrue(changed > 40 * 48 / 4, "σ = 50 noise on about half the images changes many pixels, changed " + changed);
    }
}
