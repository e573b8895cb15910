package dev.causalmm.seg;

import static org.junit.jupiter.api.Assertions.*;

import dev.causalmm.io.Nifti;
import dev.causalmm.io.NiftiDataType;
import dev.causalmm.io.NiftiHeader;
import dev.causalmm.io.NiftiImage;
import dev.causalmm.testing.RequiresData;
import dev.causalmm.testing.TestData;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The three real BraTS 2015 cases in {@code brats2015-sample} under the data folder (FLAIR and T1c only,
 * float32, already z-scored, labels as float32 in the 2015 numbering, an int32 brain mask),
 * discovered with the options the CLI passes:
 * {@code --modality flair=Flair*.nii.gz --modality t1=T1_*.nii.gz --modality t1c=T1c*.nii.gz
 * --modality t2=T2*.nii.gz --label OTMultiClass.nii.gz --mask brainmask.nii.gz --label-scheme brats2015}.
 */
@RequiresData("brats2015-sample")
class Brats2015SampleTest {
    /** BraTS data is never committed: only the data folder has it (skipped without). */
    static Path data() {
        return TestData.file("brats2015-sample");
    }

    @TempDir
    Path dir;

    static SegDataOptions options() {
        return SegDataOptions.defaults()
                .withModalities(SegDataOptions.parseModalities(
                        List.of("flair=Flair*.nii.gz", "t1=T1_*.nii.gz", "t1c=T1c*.nii.gz", "t2=T2*.nii.gz")))
                .withLabel("OTMultiClass.nii.gz").withMask("brainmask.nii.gz").withLabelScheme(LabelScheme.parse("brats2015"));
    }

    @Test
    void withoutAMaskFileTheBrainIsWhatDiffersFromTheBackground() throws IOException {
        SegDataOptions o = options().withMask(null);
        SegCase c = CaseDiscovery.discover(data(), o).get(2);
        try (SegPreprocessor p = new SegPreprocessor(o); SegPreprocessor withMask = new SegPreprocessor(options())) {
            SegVolume v = p.load(c), m = withMask.load(c);
            // the z-scored files store -3.5 outside the head: that is background, not brain
            int[] s = v.shape(), sm = m.shape();
            for (int a = 0; a < 3; a++) assertTrue(Math.abs(s[a] - sm[a]) <= 12, java.util.Arrays.toString(s) + " vs mask " + java.util.Arrays.toString(sm));
            assertTrue(s[0] < 200 && s[1] < 220, java.util.Arrays.toString(s));
        }
    }

    @Test
    void discoversAndPreprocessesTheRealCases() throws IOException {
        SegDataOptions o = options().withCacheDir(dir.resolve("cache"));
        List<SegCase> cases = CaseDiscovery.discover(data(), o);
        assertEquals(List.of("brats_2013_pat0001_1", "brats_2013_pat0002_1", "brats_2013_pat0005_1"), cases.stream().map(SegCase::id).toList());
        for (SegCase c : cases) {
            assertEquals(java.util.Set.of("flair", "t1c"), c.modalityFiles().keySet(), "T1 and T2 are missing in this sample");
            assertTrue(c.labelFile().isPresent());
        }
        NiftiHeader h = Nifti.readHeader(cases.get(0).modalityFiles().get("flair"));
        assertEquals(NiftiDataType.FLOAT32, h.datatype());
        assertArrayEquals(new int[] {240, 240, 155}, h.dims());
        try (SegPreprocessor p = new SegPreprocessor(o)) {
            SegVolume v = p.load(cases.get(0));
            assertEquals(List.of("flair", "t1", "t1c", "t2"), v.modalities());
            assertTrue(v.has(0) && !v.has(1) && v.has(2) && !v.has(3));
            assertArrayEquals(new int[] {240, 240, 155}, v.geometry().sourceShape());
            int[] s = v.shape();
            assertTrue(s[0] < 240 && s[1] < 240 && s[2] < 155 && s[0] > 80 && s[1] > 80 && s[2] > 80, java.util.Arrays.toString(s));
            // already z-scored: auto normalisation keeps the stored values inside the brain mask, 0 outside
            try (Arena a = Arena.ofConfined()) {
                int[] grid = {240, 240, 155}, off = v.geometry().cropOffset();
                float[] raw = SegPreprocessor.crop(Nifti.read(cases.get(0).modalityFiles().get("flair"), a).toFloats(), grid, off, s);
                float[] mask = SegPreprocessor.crop(Nifti.read(data().resolve(cases.get(0).id()).resolve("brainmask.nii.gz"), a).toFloats(),
                        grid, off, s);
                int inside = 0;
                for (int i = 0; i < raw.length; i++) {
                    assertEquals(mask[i] != 0 ? raw[i] : 0f, v.channels()[0][i], "voxel " + i);
                    if (mask[i] != 0) inside++;
                }
                assertTrue(inside > 1_000_000, "brain voxels " + inside);
            }
            // regions nested ET ⊂ TC ⊂ WT, every class present, the tumour a few percent of the crop
            int wt = 0, tc = 0, et = 0;
            for (byte r : v.regions()) {
                if ((r & SegVolume.ET) != 0) assertEquals(SegVolume.WT | SegVolume.TC | SegVolume.ET, r);
                if ((r & SegVolume.TC) != 0) assertTrue((r & SegVolume.WT) != 0);
                wt += r & 1;
                tc += (r >> 1) & 1;
                et += (r >> 2) & 1;
            }
            assertTrue(et > 0 && tc > et && wt > tc, wt + " " + tc + " " + et);
            assertTrue(wt < v.voxelCount() / 5, wt + " of " + v.voxelCount());
            // the cache gives the same volume back
            SegPreprocessorTest.assertVolumesEqual(v, p.load(cases.get(0)));
            // predictions go back into source space in the 2015 numbering: WT and ET voxels match the file
            Path out = dir.resolve("pred.nii.gz");
            SegPredictions.writeLabels(out, v.regions(), v.shape(), v.geometry(), o.labelScheme());
            try (Arena a = Arena.ofConfined()) {
                float[] truth = Nifti.read(cases.get(0).labelFile().get(), a).toFloats();
                NiftiImage pred = Nifti.read(out, a);
                assertEquals(NiftiDataType.UINT8, pred.header().datatype());
                assertArrayEquals(h.srowX(), pred.header().srowX());
                float[] back = pred.toFloats();
                for (int i = 0; i < truth.length; i++) {
                    assertEquals(truth[i] > 0, back[i] > 0, "WT at " + i);
                    assertEquals(truth[i] == 4, back[i] == 4, "ET at " + i);
                    assertEquals(truth[i] == 2, back[i] == 2, "oedema at " + i);
                }
            }
        }
    }
}
