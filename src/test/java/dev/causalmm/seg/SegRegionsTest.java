package dev.causalmm.seg;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/**
 * Thresholded predictions are nested like a label map, so the regions seg-eval scores are the
 * regions of the label file seg-predict writes (read back with the same scheme).
 */
class SegRegionsTest {
    @Test
    void thresholdedRegionsAreNestedAndSurviveTheLabelRoundTrip() throws Exception {
        // voxels: nothing; WT only; TC only; ET only; WT+ET; all three
        float[][] probs = {
            {0.1f, 0.9f, 0.2f, 0.3f, 0.8f, 0.9f},
            {0.1f, 0.2f, 0.7f, 0.1f, 0.4f, 0.9f},
            {0.1f, 0.1f, 0.2f, 0.6f, 0.9f, 0.9f},
        };
        byte[] r = SlidingWindow.regions(probs, new double[] {0.5, 0.5, 0.5}, 0);
        int all = SegVolume.WT | SegVolume.TC | SegVolume.ET;
        assertArrayEquals(new byte[] {0, SegVolume.WT, SegVolume.WT | SegVolume.TC, (byte) all, (byte) all, (byte) all}, r);
        for (LabelScheme s : new LabelScheme[] {LabelScheme.BRATS2015, LabelScheme.BRATS2018, LabelScheme.BRATS2023}) {
            byte[] labels = s.toLabels(r);
            float[] f = new float[labels.length];
            for (int i = 0; i < f.length; i++) f[i] = labels[i] & 0xff;
            assertArrayEquals(r, s.toRegions(f, s.name()), s.name());
        }
        // a small ET (3 voxels < 4) becomes tumour core, still nested
        byte[] small = SlidingWindow.regions(probs, new double[] {0.5, 0.5, 0.5}, 4);
        assertArrayEquals(new byte[] {0, SegVolume.WT, SegVolume.WT | SegVolume.TC, SegVolume.WT | SegVolume.TC,
            SegVolume.WT | SegVolume.TC, SegVolume.WT | SegVolume.TC}, small);
    }
}
