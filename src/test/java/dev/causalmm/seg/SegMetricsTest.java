package dev.causalmm.seg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.causalmm.engine.NoGrad;
import dev.causalmm.engine.Tensor;
import dev.causalmm.engine.TensorScope;
import dev.causalmm.nn.Init;
import dev.causalmm.nn.UNet3d;
import dev.causalmm.nn.UNetConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Dice/HD95 edge cases, the 15-subset rows in the papers' order, sliding window = one pass. */
class SegMetricsTest {
    @Test
    void diceEdgeCases() {
        byte[] empty = new byte[8];
        byte[] one = {1, 0, 0, 0, 0, 0, 0, 0};
        byte[] two = {1, 1, 0, 0, 0, 0, 0, 0};
        assertEquals(1.0, RegionMetrics.dice(empty, empty, SegVolume.WT));
        assertEquals(0.0, RegionMetrics.dice(one, empty, SegVolume.WT));
        assertEquals(0.0, RegionMetrics.dice(empty, one, SegVolume.WT));
        assertEquals(2.0 / 3, RegionMetrics.dice(one, two, SegVolume.WT), 1e-12);
        assertEquals(1.0, RegionMetrics.dice(two, two, SegVolume.WT));
        assertEquals(1.0, RegionMetrics.dice(two, two, SegVolume.ET), "no ET anywhere: empty/empty");
        int[] s = {2, 2, 2};
        assertEquals(0.0, RegionMetrics.hd95(empty, empty, SegVolume.WT, s));
        assertEquals(RegionMetrics.HD95_ONE_EMPTY, RegionMetrics.hd95(one, empty, SegVolume.WT, s));
        assertEquals(0.0, RegionMetrics.hd95(two, two, SegVolume.WT, s));
    }

    @Test
    void hd95OfTwoShiftedBlocks() {
        int n = 20;
        int[] s = {n, n, n};
        byte[] a = new byte[n * n * n];
        byte[] b = new byte[n * n * n];
        for (int z = 5; z < 10; z++) for (int y = 5; y < 10; y++) for (int x = 5; x < 10; x++) {
            a[x + n * (y + n * z)] = 1;
            b[x + 3 + n * (y + n * z)] = 1;
        }
        assertEquals(3.0, RegionMetrics.hd95(a, b, SegVolume.WT, s), 1e-9);
    }

    @Test
    void fifteenSubsetsInThePapersOrder() {
        List<Integer> rows = ModalitySubsets.ordered(4);
        assertEquals(15, rows.size());
        List<String> dots = rows.stream().map(r -> ModalitySubsets.dots(r, 4)).toList();
        assertEquals(List.of("●○○○", "○●○○", "○○●○", "○○○●", "●●○○", "●○●○", "●○○●", "○●●○", "○●○●", "○○●●",
                "●●●○", "●●○●", "●○●●", "○●●●", "●●●●"), dots);
        assertEquals(ModalitySubsets.BRATS, ModalitySubsets.universe(List.of("flair", "t1ce")));
        assertEquals(List.of("a", "b"), ModalitySubsets.universe(List.of("a", "b")));
        // a FLAIR+T1c model can fill rows 1, 3 and 6 only; t1ce spells t1c
        List<String> model = List.of("flair", "t1ce");
        int filled = 0;
        for (int r : rows) if (ModalitySubsets.toModelMask(r, ModalitySubsets.BRATS, model) >= 0) filled++;
        assertEquals(3, filled);
        assertEquals(0b11, ModalitySubsets.toModelMask(0b0101, ModalitySubsets.BRATS, model));
    }

    @Test
    void unavailableRowsAreReportedSo() {
        List<Integer> subsets = ModalitySubsets.ordered(4);
        var scores = List.of(new SegEvaluation.CaseScore("c", 0b0001, new double[] {0.9, 0.8, 0.7}, null),
                new SegEvaluation.CaseScore("c", 0b0010, null, null));
        SegEvaluation.Result r = SegEvaluation.summarise(ModalitySubsets.BRATS, List.of("flair"), subsets, scores, false);
        assertEquals(15, r.rows().size());
        assertArrayEquals(new double[] {0.9, 0.8, 0.7}, r.rows().getFirst().dice(), 1e-12);
        assertNull(r.rows().get(1).dice());
        assertArrayEquals(new double[] {0.9, 0.8, 0.7}, r.meanDice(), 1e-12);
        String md = SegReport.markdown(r, "t");
        assertEquals(true, md.contains("| 2 | ○ | ● | ○ | ○ | 0 | n/a | n/a | n/a |"), md);
    }

    @Test
    void slidingWindowCoveringTheVolumeEqualsOnePass() {
        UNetConfig uc = new UNetConfig(4, 3, 4, 16, 2, true, UNetConfig.Fusion.CHANNELS, 0.01);
        SegVolume v = SyntheticBrats.make("v", 16, 0b1011, 4);
        try (UNet3d model = new UNet3d(uc, Init.seeded(2)); var s = TensorScope.open("t"); var ng = NoGrad.enter()) {
            model.setTraining(false);
            float[][] sw = SlidingWindow.predict(model, v, 0b1111, new SlidingWindow.Settings(new int[] {16, 16, 16}, 0.5,
                    SlidingWindow.Blend.GAUSSIAN));
            float[] x = new float[4 * 4096];
            float[] m = {1, 1, 0, 1};   // the case lacks t1c: the window drops it from the mask
            for (int c = 0; c < 4; c++) if (v.has(c)) System.arraycopy(v.channels()[c], 0, x, c * 4096, 4096);
            float[] direct = model.forward(Tensor.of(x, 1, 4, 16, 16, 16), Tensor.of(m, 1, 4)).logits().sigmoid().toFloatArray();
            for (int r = 0; r < 3; r++) for (int i = 0; i < 4096; i++) assertEquals(direct[r * 4096 + i], sw[r][i], 1e-5);
        }
    }

    @Test
    void batchedWindowsEqualOneAtATimeAndTheCoarseGridKeepsTheShape() {
        UNetConfig uc = new UNetConfig(4, 3, 4, 16, 2, true, UNetConfig.Fusion.CHANNELS, 0.01);
        SegVolume v = SyntheticBrats.make("v", 24, 0b1011, 4);
        SlidingWindow.Settings ws = new SlidingWindow.Settings(new int[] {16, 16, 16}, 0.5, SlidingWindow.Blend.GAUSSIAN);
        try (UNet3d model = new UNet3d(uc, Init.seeded(2)); var s = TensorScope.open("t")) {
            // 24³ with 16³ windows at 50 %: 2 per axis, 8 windows; batches of 3 leave a partial last batch of 2
            float[][] one = SlidingWindow.predict(model, v, 0b1111, ws, 1);
            float[][] three = SlidingWindow.predict(model, v, 0b1111, ws, 3);
            for (int r = 0; r < 3; r++) assertArrayEquals(one[r], three[r], 1e-5f);
            // a model on a 2× coarser grid: windows run on 12³ (one padded window), probabilities come back on 24³
            float[][] coarse = SlidingWindow.predict(model, v, 0b1111, ws.withDownsample(2), 3);
            assertEquals(v.voxelCount(), coarse[0].length);
            SegVolume small = Resampling.downsample(new SegVolume(v.id(), v.shape(), v.modalities(), v.channels(), null, v.geometry()), 2);
            float[][] direct = SlidingWindow.predict(model, small, 0b1111, ws, 1);
            float[][] expected = Resampling.upsample(direct, small.shape(), v.shape(), 2);
            for (int r = 0; r < 3; r++) assertArrayEquals(expected[r], coarse[r], 1e-6f);
        }
    }

    @Test
    void windowsReachBothEdges() {
        assertArrayEquals(new int[] {0, 16, 32, 48}, SlidingWindow.starts(80, 32, 0.5));
        assertArrayEquals(new int[] {-2}, SlidingWindow.starts(28, 32, 0.5));
        assertArrayEquals(new int[] {0}, SlidingWindow.starts(32, 32, 0.5));
    }
}
