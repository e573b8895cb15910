package dev.causalmm.data;

import static dev.causalmm.io.TestFiles.*;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.causalmm.testing.RequiresData;
import dev.causalmm.testing.TestData;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeatureFileDatasetsTest {
    static final Path HW_SLICE = TestData.fixture("multiview/handwritten_slice.mat");
    static final Path SCENE_SLICE = TestData.fixture("multiview/scene15_slice.mat");
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    @TempDir Path dir;

    /** n samples, 2 views (view 1 width 3, view 2 width 2), labels base..base+2; column-major data. */
    static double[] colMajor(int n, int d, int seed) {
        double[] v = new double[n * d];
        for (int i = 0; i < v.length; i++) v[i] = (i * 7 + seed) % 11 + seed;
        return v;
    }

    static double[] labels(int n, int base) {
        double[] y = new double[n];
        for (int i = 0; i < n; i++) y[i] = base + i % 3;
        return y;
    }

    @Test
    void cellLayoutWithDxNViewAndOneBasedLabels() throws Exception {
        int n = 30;
        byte[] f = mat(LE, true,
                matrix(LE, "X", CELL, 0, 0, new int[] {1, 2}, numeric(LE, "", DOUBLE, MI_DOUBLE, new int[] {n, 3}, colMajor(n, 3, 1)),
                        numeric(LE, "", DOUBLE, MI_DOUBLE, new int[] {2, n}, colMajor(n, 2, 2))), // stored d×n
                numeric(LE, "Y", UINT8, MI_UINT8, new int[] {n, 1}, labels(n, 1)));
        Path p = dir.resolve("cell.mat");
        Files.write(p, f);
        DataSplits s = FeatureFileDatasets.open(p, FeatureFileOptions.defaults());
        FeatureFileInfo info = s.featureFile();
        assertEquals("cell X + Y", info.layout());
        assertArrayEquals(new int[] {3, 2}, info.widths());
        assertArrayEquals(new double[] {1, 2, 3}, info.classes());
        assertEquals(3, s.numClasses());
        assertEquals(n, s.train().size() + s.val().size() + s.test().size());
        assertArrayEquals(new int[] {21, 3, 6}, info.sizes()); // 10 per class: 7/1/2
        // standardised on train: mean 0 per feature
        ArrayDataset tr = (ArrayDataset) s.train();
        double m = 0;
        for (int i = 0; i < tr.size(); i++) m += tr.values(0)[i * 3];
        assertEquals(0, m / tr.size(), 1e-5);
        // same seed → same split; another → another
        DataSplits again = FeatureFileDatasets.open(p, FeatureFileOptions.defaults());
        assertArrayEquals(((ArrayDataset) again.test()).values(1), ((ArrayDataset) s.test()).values(1));
    }

    @Test
    void givenSplitStandardisationStoredAndReapplied() throws Exception {
        int ntr = 24, nte = 9;
        byte[] f = mat(LE, false,
                numeric(LE, "x1_train", DOUBLE, MI_DOUBLE, new int[] {ntr, 3}, colMajor(ntr, 3, 1)),
                numeric(LE, "x1_test", DOUBLE, MI_DOUBLE, new int[] {nte, 3}, colMajor(nte, 3, 5)),
                numeric(LE, "x2_train", UINT16, MI_UINT16, new int[] {ntr, 2}, colMajor(ntr, 2, 2)),
                numeric(LE, "x2_test", UINT16, MI_UINT16, new int[] {nte, 2}, colMajor(nte, 2, 3)),
                numeric(LE, "gt_train", DOUBLE, MI_DOUBLE, new int[] {ntr, 1}, labels(ntr, 0)),
                numeric(LE, "gt_test", DOUBLE, MI_DOUBLE, new int[] {nte, 1}, labels(nte, 0)));
        Path p = dir.resolve("given.mat");
        Files.write(p, f);
        DataSplits s = FeatureFileDatasets.open(p, FeatureFileOptions.defaults());
        assertTrue(s.featureFile().split().startsWith("given"), s.featureFile().split());
        assertEquals(nte, s.test().size());
        assertEquals(ntr, s.train().size() + s.val().size());
        // through JSON as a checkpoint stores it, then rebuilt: identical values
        ObjectMapper om = new ObjectMapper();
        FeatureFileInfo back = om.readValue(om.writeValueAsString(s.featureFile()), FeatureFileInfo.class);
        DataSplits r = FeatureFileDatasets.reopen(back, null);
        assertArrayEquals(((ArrayDataset) s.test()).values(0), ((ArrayDataset) r.test()).values(0));
        assertArrayEquals(s.featureFile().mean()[1], r.featureFile().mean()[1]);
        // moved: --data-file; changed: refused
        Path moved = dir.resolve("moved.mat");
        Files.move(p, moved);
        var e = assertThrows(java.io.IOException.class, () -> FeatureFileDatasets.reopen(back, null));
        assertTrue(e.getMessage().contains("--data-file"), e.getMessage());
        assertEquals(nte, FeatureFileDatasets.reopen(back, moved).test().size());
        byte[] changed = f.clone();
        changed[changed.length - 1] ^= 1;
        Files.write(moved, changed);
        var e2 = assertThrows(IllegalArgumentException.class, () -> FeatureFileDatasets.reopen(back, moved));
        assertTrue(e2.getMessage().contains("has changed"), e2.getMessage());
    }

    @Test
    void badInputNamesTheVariable() throws Exception {
        int n = 12;
        Path p = dir.resolve("bad.mat");
        Files.write(p, mat(LE, false, numeric(LE, "x1", DOUBLE, MI_DOUBLE, new int[] {n + 1, 3}, colMajor(n + 1, 3, 1)),
                numeric(LE, "y", DOUBLE, MI_DOUBLE, new int[] {n, 1}, labels(n, 0))));
        var e = assertThrows(IllegalArgumentException.class, () -> FeatureFileDatasets.open(p, FeatureFileOptions.defaults()));
        assertTrue(e.getMessage().contains("variable 'x1' is 13×3") && e.getMessage().contains("expected 12 rows"), e.getMessage());
        Path q = dir.resolve("square.mat");
        Files.write(q, mat(LE, false, numeric(LE, "x1", DOUBLE, MI_DOUBLE, new int[] {n, n}, colMajor(n, n, 1)),
                numeric(LE, "y", DOUBLE, MI_DOUBLE, new int[] {n, 1}, labels(n, 0))));
        e = assertThrows(IllegalArgumentException.class, () -> FeatureFileDatasets.open(q, FeatureFileOptions.defaults()));
        assertTrue(e.getMessage().contains("rows or columns"), e.getMessage());
        assertEquals(n, FeatureFileDatasets.open(q, FeatureFileOptions.defaults().withOrientation("rows")).featureFile().sizes()[0]
                + FeatureFileDatasets.open(q, FeatureFileOptions.defaults().withOrientation("rows")).featureFile().sizes()[1]
                + FeatureFileDatasets.open(q, FeatureFileOptions.defaults().withOrientation("rows")).featureFile().sizes()[2]);
        Path r = dir.resolve("none.mat");
        Files.write(r, mat(LE, false, numeric(LE, "feat", DOUBLE, MI_DOUBLE, new int[] {2, 2}, 1, 2, 3, 4)));
        e = assertThrows(IllegalArgumentException.class, () -> FeatureFileDatasets.open(r, FeatureFileOptions.defaults()));
        assertTrue(e.getMessage().contains("no known layout") && e.getMessage().contains("feat (2×2 double)"), e.getMessage());
    }

    @Test
    void manifestWithNpyFilesAndClasses() throws Exception {
        int n = 20;
        double[] a = new double[n * 4], y = new double[n];
        for (int i = 0; i < a.length; i++) a[i] = i % 13;
        for (int i = 0; i < n; i++) y[i] = i % 2 == 0 ? 5 : 9;
        Files.write(dir.resolve("a.npy"), npy("<f4", false, new int[] {n, 4}, a));
        Files.write(dir.resolve("b.npz"), npz(true, "b", npy("<f8", true, new int[] {n, 1}, Arrays.copyOf(a, n)), "y", npy("<i8", false, new int[] {n}, y)));
        Path mf = dir.resolve("m.yaml");
        Files.writeString(mf, """
                modalities:
                  - {name: audio, variable: a.npy}
                  - {name: video, variable: "b.npz:b"}
                labels: "b.npz:y"
                split: {train: 0.6, val: 0.2, test: 0.2, seed: 3}
                classes: [5, 9]
                """);
        DataSplits s = FeatureFileDatasets.open(mf, FeatureFileOptions.defaults());
        assertEquals("audio", s.modalities().get(0).name());
        assertArrayEquals(new int[] {12, 4, 4}, s.featureFile().sizes());
        Files.writeString(mf, "modalities:\n  - {name: a, variable: \"b.npz:nope\"}\nlabels: \"b.npz:y\"\n");
        var e = assertThrows(IllegalArgumentException.class, () -> FeatureFileDatasets.open(mf, FeatureFileOptions.defaults()));
        assertTrue(e.getMessage().contains("b.npz: no variable 'nope'"), e.getMessage());
        Files.writeString(mf, "modalities:\n  - {name: a, variable: a.npy}\nlabels: \"b.npz:y\"\nclasses: [5]\n");
        e = assertThrows(IllegalArgumentException.class, () -> FeatureFileDatasets.open(mf, FeatureFileOptions.defaults()));
        assertTrue(e.getMessage().contains("label 9 at index 2 is not one of the classes [5]"), e.getMessage());
        Files.writeString(mf, "modalities: []\nlabel: y\n");
        e = assertThrows(IllegalArgumentException.class, () -> FeatureFileDatasets.open(mf, FeatureFileOptions.defaults()));
        assertTrue(e.getMessage().contains("unknown manifest key 'label'"), e.getMessage());
    }

    @Test
    void csvSkipBad() throws Exception {
        StringBuilder b = new StringBuilder("f1,f2,label\n");
        for (int i = 0; i < 30; i++) b.append(i).append(',').append(i * 2).append(',').append(i % 2).append('\n');
        b.append("1,oops,0\n");
        Path p = dir.resolve("t.csv");
        Files.writeString(p, b);
        var e = assertThrows(java.io.IOException.class, () -> FeatureFileDatasets.open(p, FeatureFileOptions.defaults()));
        assertTrue(e.getMessage().contains("line 32"), e.getMessage());
        DataSplits s = FeatureFileDatasets.open(p, FeatureFileOptions.defaults().withSkipBad(true));
        assertEquals(1, s.featureFile().skipped().size());
        assertEquals(30, s.train().size() + s.val().size() + s.test().size());
    }

    /** The shipped manifest, pointed at {@code mat}: its view names and variables, on another copy of the file. */
    Path handwrittenManifestFor(Path mat) throws Exception {
        String yaml = Files.readString(Path.of("datasets/examples/handwritten.yaml"));
        assertTrue(yaml.lines().anyMatch(l -> l.startsWith("file: ")), "the manifest names its file");
        Path m = dir.resolve("handwritten.yaml");
        Files.writeString(m, yaml.replaceAll("(?m)^file: .*$", "file: " + mat.toAbsolutePath().toString().replace("\\", "/")));
        return m;
    }

    @Test
    void realSlicesWithoutManifestAndWithTheShippedOne() throws Exception {
        DataSplits hw = FeatureFileDatasets.open(HW_SLICE, FeatureFileOptions.defaults());
        assertEquals("x{v}_train/test + gt_train/gt_test", hw.featureFile().layout());
        assertArrayEquals(new int[] {240, 76, 216, 47, 64, 6}, hw.featureFile().widths());
        assertArrayEquals(new int[] {110, 10, 40}, hw.featureFile().sizes()); // 12 per class: 10 % of 12 rounds to 1 for val
        assertEquals(10, hw.numClasses());
        DataSplits named = FeatureFileDatasets.open(handwrittenManifestFor(HW_SLICE), FeatureFileOptions.defaults());
        assertEquals(java.util.List.of("pix", "fou", "fac", "zer", "kar", "mor"), named.featureFile().views());
        assertArrayEquals(hw.featureFile().sizes(), named.featureFile().sizes());
        assertArrayEquals(((ArrayDataset) hw.test()).values(2), ((ArrayDataset) named.test()).values(2));
        DataSplits scene = FeatureFileDatasets.open(SCENE_SLICE, FeatureFileOptions.defaults());
        assertEquals("cell X + Y", scene.featureFile().layout());
        assertArrayEquals(new int[] {20, 59, 40}, scene.featureFile().widths());
        assertEquals(15, scene.numClasses());
        assertArrayEquals(new int[] {60, 15, 15}, scene.featureFile().sizes()); // 6 per class: 70/10/20 % round to 4/1/1
    }

    @Test
    @RequiresData({"multiview/handwritten_6views.mat", "multiview/Scene-15.mat", "multiview/cub_googlenet_doc2vec_c10.mat"})
    void fullFilesWithoutManifest() throws Exception {
        Path hwFile = TestData.file("multiview/handwritten_6views.mat");
        DataSplits hw = FeatureFileDatasets.open(hwFile, FeatureFileOptions.defaults());
        assertArrayEquals(new int[] {240, 76, 216, 47, 64, 6}, hw.featureFile().widths());
        assertArrayEquals(new int[] {1440, 160, 400}, hw.featureFile().sizes());
        assertEquals(10, hw.numClasses());
        DataSplits named = FeatureFileDatasets.open(handwrittenManifestFor(hwFile), FeatureFileOptions.defaults());
        assertEquals(java.util.List.of("pix", "fou", "fac", "zer", "kar", "mor"), named.featureFile().views());
        assertArrayEquals(hw.featureFile().sizes(), named.featureFile().sizes());
        assertArrayEquals(((ArrayDataset) hw.test()).values(2), ((ArrayDataset) named.test()).values(2));
        DataSplits scene = FeatureFileDatasets.open(TestData.file("multiview/Scene-15.mat"), FeatureFileOptions.defaults());
        assertArrayEquals(new int[] {20, 59, 40}, scene.featureFile().widths());
        assertEquals(15, scene.numClasses());
        assertEquals(4485, Arrays.stream(scene.featureFile().sizes()).sum());
        DataSplits cub = FeatureFileDatasets.open(TestData.file("multiview/cub_googlenet_doc2vec_c10.mat"), FeatureFileOptions.defaults());
        assertArrayEquals(new int[] {1024, 300}, cub.featureFile().widths());
        assertArrayEquals(new int[] {420, 60, 120}, cub.featureFile().sizes());
    }
}
