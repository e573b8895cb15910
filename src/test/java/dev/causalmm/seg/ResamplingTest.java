package dev.causalmm.seg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Half-resolution training's grid change: block means, majority regions, and trilinear interpolation back. */
class ResamplingTest {
    private static SegVolume volume(int[] s, float[] values, byte[] regions) {
        return new SegVolume("c", s, List.of("flair", "t1c"), new float[][] {values, null}, regions,
                new VolumeGeometry(s, new int[3], Path.of("ref.nii.gz")));
    }

    @Test
    void downsampleAveragesBlocksAndKeepsOddEdges() {
        int[] s = {3, 2, 2};                       // x has an odd length: the last block holds one column
        float[] v = new float[12];
        for (int i = 0; i < v.length; i++) v[i] = i;
        SegVolume d = Resampling.downsample(volume(s, v, null), 2);
        assertArrayEquals(new int[] {2, 1, 1}, d.shape());
        // block x∈{0,1}: voxels 0,1,3,4,6,7,9,10 → mean 5; block x=2: voxels 2,5,8,11 → mean 6.5
        assertArrayEquals(new float[] {5f, 6.5f}, d.channels()[0], 1e-6f);
        assertNull(d.channels()[1], "a missing modality stays missing");
        SegVolume same = volume(s, v, null);
        org.junit.jupiter.api.Assertions.assertSame(same, Resampling.downsample(same, 1), "factor 1 is the identity");
    }

    @Test
    void regionsNeedHalfOfTheBlock() {
        int[] s = {2, 2, 2};
        byte[] r = new byte[8];
        for (int i = 0; i < 4; i++) r[i] |= SegVolume.WT;           // 4 of 8 voxels: kept (≥ half)
        for (int i = 0; i < 3; i++) r[i] |= SegVolume.TC;           // 3 of 8: dropped
        SegVolume d = Resampling.downsample(volume(s, new float[8], r), 2);
        assertEquals(SegVolume.WT, d.regions()[0]);
    }

    @Test
    void upsampleMatchesPyTorchTrilinearAlignCornersFalse() {
        // F.interpolate(torch.tensor([0., 1., 2.]).view(1,1,1,1,3), size=(1,1,6), mode='trilinear',
        // align_corners=False) = [0, 0.25, 0.75, 1.25, 1.75, 2]
        float[][] up = Resampling.upsample(new float[][] {{0f, 1f, 2f}}, new int[] {3, 1, 1}, new int[] {6, 2, 2}, 2);
        assertArrayEquals(new float[] {0f, 0.25f, 0.75f, 1.25f, 1.75f, 2f}, java.util.Arrays.copyOf(up[0], 6), 1e-6f);
        // every row and slice repeats the x profile (constant along y and z)
        assertArrayEquals(java.util.Arrays.copyOf(up[0], 6), java.util.Arrays.copyOfRange(up[0], 18, 24), 0f);
    }

    @Test
    void aBlockCutByTheEdgeSitsAtTheCentreOfWhatItAveraged() {
        // fine x = 0..2, f = 2: coarse 0 averages x 0,1 (centre 0.5), coarse 1 only x 2 (centre 2)
        float[][] up = Resampling.upsample(new float[][] {{0f, 3f}}, new int[] {2, 1, 1}, new int[] {3, 1, 1}, 2);
        assertArrayEquals(new float[] {0f, 1f, 3f}, up[0], 1e-6f);
        // a linear ramp survives down- then up-sampling at odd sizes exactly (within the interior)
        int n = 7;
        float[] ramp = new float[n];
        for (int i = 0; i < n; i++) ramp[i] = i;
        SegVolume d = Resampling.downsample(volume(new int[] {n, 1, 1}, ramp, null), 2);
        float[][] back = Resampling.upsample(new float[][] {d.channels()[0]}, d.shape(), new int[] {n, 1, 1}, 2);
        for (int i = 1; i < n; i++) assertEquals(i, back[0][i], 1e-5f, "x = " + i);
    }

    @Test
    void upsampleOfAConstantIsConstantAndShapesAreChecked() {
        float[] c = new float[2 * 2 * 2];
        java.util.Arrays.fill(c, 0.7f);
        float[][] up = Resampling.upsample(new float[][] {c}, new int[] {2, 2, 2}, new int[] {3, 4, 3}, 2);
        for (float f : up[0]) assertEquals(0.7f, f, 1e-6f);
        assertThrows(IllegalArgumentException.class,
                () -> Resampling.upsample(new float[][] {c}, new int[] {2, 2, 2}, new int[] {6, 4, 4}, 2));
    }
}
