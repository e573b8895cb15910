package dev.causalmm.seg;

import static org.junit.jupiter.api.Assertions.*;

import dev.causalmm.io.FormatException;
import dev.causalmm.io.Nifti;
import dev.causalmm.io.NiftiDataType;
import dev.causalmm.io.NiftiHeader;
import dev.causalmm.io.NiftiImage;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegPreprocessorTest {
    @TempDir
    Path dir;

    static double[] meanStd(float[] v, boolean[] mask) {
        double s = 0, q = 0;
        int n = 0;
        for (int i = 0; i < v.length; i++) {
            if (mask[i]) {
                s += v[i];
                q += v[i] * (double) v[i];
                n++;
            }
        }
        double m = s / n;
        return new double[] {m, Math.sqrt(q / n - m * m)};
    }

    static boolean[] brainOf(SegVolume v) {
        int[] sh = v.shape(), off = v.geometry().cropOffset();
        boolean[] b = new boolean[v.voxelCount()];
        for (int z = 0, i = 0; z < sh[2]; z++) {
            for (int y = 0; y < sh[1]; y++) {
                for (int x = 0; x < sh[0]; x++, i++) b[i] = SegTestVolumes.inBrain(x + off[0], y + off[1], z + off[2]);
            }
        }
        return b;
    }

    @Test
    void zScoresCropsAndMapsLabels() throws IOException {
        SegTestVolumes.writeCase(dir, "c1", ".nii.gz", true, "flair", "t1ce");
        SegCase c = CaseDiscovery.discover(dir, SegDataOptions.defaults()).get(0);
        try (SegPreprocessor p = new SegPreprocessor(SegDataOptions.defaults().withCropMargin(1))) {
            SegVolume v = p.load(c);
            assertEquals(List.of("flair", "t1", "t1ce", "t2"), v.modalities());
            assertTrue(v.has(0) && !v.has(1) && v.has(2) && !v.has(3));
            // brain ellipsoid: x 3..17, y 3..15, z 2..10 (radii 7, 6, 4.5 around 10, 9, 6) plus margin 1
            assertArrayEquals(new int[] {2, 2, 1}, v.geometry().cropOffset());
            assertArrayEquals(new int[] {17, 15, 11}, v.shape());
            assertArrayEquals(SegTestVolumes.GRID, v.geometry().sourceShape());
            assertEquals(c.modalityFiles().get("flair"), v.geometry().referenceImage());
            boolean[] brain = brainOf(v);
            for (int m : new int[] {0, 2}) {
                double[] ms = meanStd(v.channels()[m], brain);
                assertEquals(0, ms[0], 1e-4, "mean of " + v.modalities().get(m));
                assertEquals(1, ms[1], 1e-3, "std of " + v.modalities().get(m));
                for (int i = 0; i < brain.length; i++) if (!brain[i]) assertEquals(0f, v.channels()[m][i]);
            }
            // regions: the 2018 labels 4 (ET), 1 (NCR), 2 (ED) around source voxel (9, 8, 6)
            int[] off = v.geometry().cropOffset(), sh = v.shape();
            int centre = (9 - off[0]) + sh[0] * ((8 - off[1]) + sh[1] * (6 - off[2]));
            assertEquals(SegVolume.WT | SegVolume.TC | SegVolume.ET, v.regions()[centre]);
            assertEquals(SegVolume.WT | SegVolume.TC, v.regions()[centre + 2]);
            assertEquals(SegVolume.WT, v.regions()[centre + 3]);
            assertEquals(0, v.regions()[centre + 4]);
            // back to source space and the 2018 numbering
            Path out = dir.resolve("pred.nii.gz");
            SegPredictions.writeLabels(out, v.regions(), v.shape(), v.geometry(), LabelScheme.BRATS2018);
            try (Arena a = Arena.ofConfined()) {
                NiftiImage back = Nifti.read(out, a);
                NiftiImage truth = Nifti.read(c.labelFile().get(), a);
                assertArrayEquals(truth.toFloats(), back.toFloats());
                assertArrayEquals(truth.header().srowX(), back.header().srowX());
            }
        }
    }

    @Test
    void autoKeepsNormalisedDataAndOffKeepsRawData() throws IOException {
        Path c = SegTestVolumes.writeCase(dir, "c1", ".nii", false, "t2");
        float[] raw = SegTestVolumes.modality(5, 0, 1); // already z-scored
        Nifti.write(c.resolve("c1_flair.nii"), NiftiImage.ofFloats(SegTestVolumes.geometry(), SegTestVolumes.GRID, raw));
        SegCase sc = CaseDiscovery.discover(dir, SegDataOptions.defaults()).get(0);
        SegDataOptions o = SegDataOptions.defaults().withCropMargin(0);
        try (SegPreprocessor auto = new SegPreprocessor(o); SegPreprocessor off = new SegPreprocessor(o.withNormalise(SegDataOptions.Normalise.OFF));
                SegPreprocessor on = new SegPreprocessor(o.withNormalise(SegDataOptions.Normalise.ON))) {
            SegVolume a = auto.load(sc), f = off.load(sc), n = on.load(sc);
            int[] lo = a.geometry().cropOffset(), sh = a.shape();
            float[] cropped = SegPreprocessor.crop(raw, SegTestVolumes.GRID, lo, sh);
            assertArrayEquals(cropped, a.channels()[0], "auto leaves normalised flair alone");
            assertArrayEquals(cropped, f.channels()[0], "off leaves it alone");
            assertFalse(Arrays.equals(cropped, n.channels()[0]), "on z-scores it again");
            double[] ms = meanStd(a.channels()[3], brainOf(a));
            assertEquals(0, ms[0], 1e-4, "auto z-scores raw t2");
            double[] rawT2 = meanStd(f.channels()[3], brainOf(f));
            assertTrue(rawT2[0] > 100, "off keeps raw t2: mean " + rawT2[0]);
        }
    }

    @Test
    void maskFileDefinesBrainAndIntMaskIsAccepted() throws IOException {
        Path c = SegTestVolumes.writeCase(dir, "c1", ".nii.gz", false, "flair");
        int[] g = SegTestVolumes.GRID;
        byte[] mask = new byte[g[0] * g[1] * g[2]];
        for (int z = 4; z < 8; z++) for (int y = 5; y < 10; y++) for (int x = 6; x < 12; x++) mask[x + g[0] * (y + g[1] * z)] = 1;
        Nifti.write(c.resolve("brainmask.nii.gz"), NiftiImage.ofBytes(SegTestVolumes.geometry(), g, mask));
        SegDataOptions o = SegDataOptions.defaults().withMask("brainmask.nii.gz").withCropMargin(0);
        SegCase sc = CaseDiscovery.discover(dir, o).get(0);
        try (SegPreprocessor p = new SegPreprocessor(o)) {
            SegVolume v = p.load(sc);
            assertArrayEquals(new int[] {6, 5, 4}, v.geometry().cropOffset());
            assertArrayEquals(new int[] {6, 5, 4}, v.shape());
            double[] ms = meanStd(v.channels()[0], allTrue(v.voxelCount()));
            assertEquals(0, ms[0], 1e-4);
            assertEquals(1, ms[1], 1e-3);
        }
    }

    static boolean[] allTrue(int n) {
        boolean[] b = new boolean[n];
        Arrays.fill(b, true);
        return b;
    }

    @Test
    void shapeMismatchUnknownLabelAndFourDAreRefused() throws IOException {
        Path c = SegTestVolumes.writeCase(dir, "c1", ".nii.gz", true, "flair");
        Nifti.write(c.resolve("c1_t2.nii.gz"), NiftiImage.ofFloats(SegTestVolumes.geometry(), new int[] {20, 18, 11}, new float[20 * 18 * 11]));
        SegCase sc = CaseDiscovery.discover(dir, SegDataOptions.defaults()).get(0);
        try (SegPreprocessor p = new SegPreprocessor(SegDataOptions.defaults())) {
            FormatException e = assertThrows(FormatException.class, () -> p.load(sc));
            assertTrue(e.getMessage().contains("c1_t2.nii.gz") && e.getMessage().contains("[20, 18, 11]") && e.getMessage().contains("[20, 18, 12]"),
                    e.getMessage());
            Files.delete(c.resolve("c1_t2.nii.gz"));
            byte[] labels = SegTestVolumes.labels2018();
            labels[7] = 3; // not a 2018 label
            Nifti.write(c.resolve("c1_seg.nii.gz"), NiftiImage.ofBytes(SegTestVolumes.geometry(), SegTestVolumes.GRID, labels));
            SegCase sc2 = CaseDiscovery.discover(dir, SegDataOptions.defaults()).get(0);
            e = assertThrows(FormatException.class, () -> p.load(sc2));
            assertTrue(e.getMessage().contains("c1_seg.nii.gz") && e.getMessage().contains("3.0"), e.getMessage());
            // the 2015 scheme knows label 3
            try (SegPreprocessor p15 = new SegPreprocessor(SegDataOptions.defaults().withLabelScheme(LabelScheme.BRATS2015))) {
                assertEquals(SegVolume.WT | SegVolume.TC, p15.load(sc2).regions()[indexOf(p15, sc2, 7)]);
            }
            int[] d4 = {20, 18, 12, 2};
            Nifti.write(c.resolve("c1_seg.nii.gz"), NiftiImage.ofBytes(SegTestVolumes.geometry(), d4, new byte[20 * 18 * 12 * 2]));
            e = assertThrows(FormatException.class, () -> p.load(sc2));
            assertTrue(e.getMessage().contains("4-D"), e.getMessage());
        }
    }

    /** The cropped index of source voxel {@code src} (x + nx·(y + ny·z)), with margin 4 it is inside the crop. */
    static int indexOf(SegPreprocessor p, SegCase c, int src) throws IOException {
        SegVolume v = p.load(c);
        int[] g = SegTestVolumes.GRID, off = v.geometry().cropOffset(), sh = v.shape();
        int x = src % g[0], y = (src / g[0]) % g[1], z = src / (g[0] * g[1]);
        return (x - off[0]) + sh[0] * ((y - off[1]) + sh[1] * (z - off[2]));
    }

    @Test
    void cacheServesTheSecondLoadAndNoticesChangedFiles() throws IOException {
        SegTestVolumes.writeCase(dir, "c1", ".nii.gz", true, "flair", "t1");
        Path cache = dir.resolve("cache");
        SegDataOptions o = SegDataOptions.defaults().withCacheDir(cache);
        SegCase sc = CaseDiscovery.discover(dir, o).get(0);
        try (SegPreprocessor p = new SegPreprocessor(o)) {
            SegVolume first = p.load(sc);
            List<Path> entries;
            try (var s = Files.list(cache)) {
                entries = s.toList();
            }
            assertEquals(1, entries.size());
            String key = SegCache.key(sc, Optional.empty(), o);
            assertTrue(entries.get(0).getFileName().toString().equals("c1." + key + ".segvol"), entries.toString());
            SegVolume again = p.load(sc);
            assertVolumesEqual(first, again);
            // plant a marker in the entry: a load that returns it did not decode the NIfTI files
            float[][] ch = first.channels().clone();
            ch[0] = ch[0].clone();
            ch[0][0] = 12345f;
            new SegCache(cache).put(key, new SegVolume(first.id(), first.shape(), first.modalities(), ch, first.regions(), first.geometry()));
            assertEquals(12345f, new SegCache(cache).get("c1", key).orElseThrow().channels()[0][0], "cache entry");
            assertEquals(12345f, p.load(sc).channels()[0][0]);
            // touching an input changes the key: decoded again, the old entry removed
            Path flair = sc.modalityFiles().get("flair");
            Files.setLastModifiedTime(flair, FileTime.fromMillis(Files.getLastModifiedTime(flair).toMillis() + 5000));
            SegVolume fresh = p.load(sc);
            assertEquals(first.channels()[0][0], fresh.channels()[0][0]);
            try (var s = Files.list(cache)) {
                assertEquals(1, s.count());
            }
            // options are part of the key, and a damaged entry is recomputed, not trusted
            SegDataOptions o2 = o.withCropMargin(0);
            assertNotEquals(key, SegCache.key(sc, Optional.empty(), o2));
            String k2 = SegCache.key(sc, Optional.empty(), o);
            Path entry = cache.resolve("c1." + k2 + ".segvol");
            byte[] bytes = Files.readAllBytes(entry);
            Files.write(entry, Arrays.copyOf(bytes, bytes.length / 2));
            assertVolumesEqual(fresh, p.load(sc));
        }
    }

    static void assertVolumesEqual(SegVolume a, SegVolume b) {
        assertEquals(a.id(), b.id());
        assertArrayEquals(a.shape(), b.shape());
        assertEquals(a.modalities(), b.modalities());
        for (int m = 0; m < a.modalities().size(); m++) assertArrayEquals(a.channels()[m], b.channels()[m]);
        assertArrayEquals(a.regions(), b.regions());
        assertArrayEquals(a.geometry().sourceShape(), b.geometry().sourceShape());
        assertArrayEquals(a.geometry().cropOffset(), b.geometry().cropOffset());
        assertEquals(a.geometry().referenceImage(), b.geometry().referenceImage());
    }

    @Test
    void headerOnlyGeometryIsNotNeededForCropMath() {
        int[][] box = SegPreprocessor.boundingBox(new int[] {4, 3, 2}, new boolean[24], null, 2);
        assertArrayEquals(new int[] {0, 0, 0}, box[0]);
        assertArrayEquals(new int[] {4, 3, 2}, box[1]);
        boolean[] one = new boolean[24];
        one[1 + 4 * (1 + 3 * 1)] = true;
        box = SegPreprocessor.boundingBox(new int[] {4, 3, 2}, one, null, 1);
        assertArrayEquals(new int[] {0, 0, 0}, box[0]);
        assertArrayEquals(new int[] {3, 3, 2}, box[1]);
        assertEquals(NiftiDataType.FLOAT32, NiftiHeader.of(new int[] {1}, NiftiDataType.FLOAT32).datatype());
    }
}
