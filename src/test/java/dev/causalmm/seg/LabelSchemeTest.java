package dev.causalmm.seg;

import static dev.causalmm.seg.SegVolume.ET;
import static dev.causalmm.seg.SegVolume.TC;
import static dev.causalmm.seg.SegVolume.WT;
import static org.junit.jupiter.api.Assertions.*;

import dev.causalmm.io.FormatException;
import org.junit.jupiter.api.Test;

class LabelSchemeTest {
    @Test
    void presetsMapLabelsToNestedRegions() {
        LabelScheme s15 = LabelScheme.parse("brats2015"), s18 = LabelScheme.parse("BraTS2021"), s23 = LabelScheme.parse("brats2023");
        assertEquals(WT | TC, s15.regionsOf(1));
        assertEquals(WT, s15.regionsOf(2));
        assertEquals(WT | TC, s15.regionsOf(3));
        assertEquals(WT | TC | ET, s15.regionsOf(4));
        assertEquals(WT | TC, s18.regionsOf(1));
        assertEquals(WT, s18.regionsOf(2));
        assertEquals(-1, s18.regionsOf(3));
        assertEquals(WT | TC | ET, s18.regionsOf(4));
        assertEquals(WT | TC | ET, s23.regionsOf(3));
        assertEquals(-1, s23.regionsOf(4));
        for (LabelScheme s : new LabelScheme[] {s15, s18, s23}) assertEquals(0, s.regionsOf(0));
        assertSame(LabelScheme.BRATS2018, s18);
    }

    @Test
    void explicitMapParsesAndEqualsThePreset() {
        LabelScheme m = LabelScheme.parse(" WT=4,2,1 ; tc=1,4;et=4 ");
        assertEquals(LabelScheme.BRATS2018, m);
        assertEquals("wt=1,2,4;tc=1,4;et=4", m.name());
        LabelScheme noEt = LabelScheme.parse("wt=1,2;tc=1;et=");
        assertEquals(0, noEt.et().length);
        assertEquals(WT | TC, noEt.regionsOf(1));
        for (String bad : new String[] {"brats1999", "wt=1;tc=1", "wt=1;tc=1;et=1;wt=2", "wt=a;tc=1;et=1", "wt=0;tc=;et=", "wt=1,1;tc=;et=",
                "xx=1;tc=1;et=1", "wt=300;tc=;et="}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LabelScheme.parse(bad), bad);
            assertNotNull(e.getMessage());
        }
    }

    @Test
    void unknownOrFractionalLabelValuesNameFileAndValue() {
        FormatException e = assertThrows(FormatException.class,
                () -> LabelScheme.BRATS2018.toRegions(new float[] {0, 1, 3, 3, 2}, "case1/seg.nii.gz"));
        assertTrue(e.getMessage().contains("case1/seg.nii.gz") && e.getMessage().contains("3.0") && e.getMessage().contains("2 voxels"),
                e.getMessage());
        e = assertThrows(FormatException.class, () -> LabelScheme.BRATS2015.toRegions(new float[] {0, 1.5f}, "x.nii"));
        assertTrue(e.getMessage().contains("1.5"), e.getMessage());
        assertThrows(FormatException.class, () -> LabelScheme.BRATS2015.toRegions(new float[] {-1}, "x.nii"));
        assertThrows(FormatException.class, () -> LabelScheme.BRATS2015.toRegions(new float[] {Float.NaN}, "x.nii"));
    }

    @Test
    void regionsToLabelsAndBack() throws FormatException {
        for (LabelScheme s : new LabelScheme[] {LabelScheme.BRATS2018, LabelScheme.BRATS2023}) {
            float[] labels = s == LabelScheme.BRATS2018 ? new float[] {0, 1, 2, 4, 4, 0} : new float[] {0, 1, 2, 3, 3, 0};
            byte[] regions = s.toRegions(labels, "t");
            byte[] back = s.toLabels(regions);
            for (int i = 0; i < labels.length; i++) assertEquals((int) labels[i], back[i], s + " voxel " + i);
        }
        // 2015: necrosis (1) and non-enhancing (3) share TC-not-ET; the lower label is written
        assertArrayEquals(new byte[] {0, 1, 2, 1, 4}, LabelScheme.BRATS2015.toLabels(
                LabelScheme.BRATS2015.toRegions(new float[] {0, 1, 2, 3, 4}, "t")));
        // inconsistent predictions: the innermost region decides
        assertEquals(4, LabelScheme.BRATS2018.labelFor(ET));
        assertEquals(4, LabelScheme.BRATS2018.labelFor(WT | ET));
        assertEquals(1, LabelScheme.BRATS2018.labelFor(TC));
        assertEquals(2, LabelScheme.BRATS2018.labelFor(WT));
        assertEquals(3, LabelScheme.BRATS2023.labelFor(TC | ET));
        assertEquals(0, LabelScheme.BRATS2023.labelFor(0));
    }
}
