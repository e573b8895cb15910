package dev.causalmm.data;

import static dev.causalmm.io.TestFiles.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.causalmm.testing.RequiresData;
import dev.causalmm.testing.TestData;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Incomplete multi-view files and the reader's leftovers: square views, triplet views, the file's view names. */
class IncompleteViewsTest {
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    static final int N = 30;
    @TempDir Path dir;

    /** d×n column-major values (file layout of a d×n view): sample s, feature f at index s·d + f. */
    static double[] dByN(int d, int seed, int... absentSamples) {
        double[] v = new double[d * N];
        for (int s = 0; s < N; s++) for (int f = 0; f < d; f++) v[s * d + f] = (s * 7 + f * 3 + seed) % 13 + f;
        for (int s : absentSamples) for (int f = 0; f < d; f++) v[s * d + f] = Double.NaN;
        return v;
    }

    static double[] labels() {
        double[] y = new double[N];
        for (int i = 0; i < N; i++) y[i] = 1 + i % 3;
        return y;
    }

    static byte[] text(String s) {
        double[] c = s.chars().asDoubleStream().toArray();
        return matrix(LE, "", CHAR, 0, 0, new int[] {1, s.length()}, data(LE, MI_UINT16, c));
    }

    /** A BDGP-like file: cell {@code data} of d×n views with NaN columns, cell {@code truelabel}, view names {@code feas}. */
    Path incomplete(double[] view1, double[] view2, byte[]... extra) throws Exception {
        byte[][] vars = new byte[3 + extra.length][];
        vars[0] = matrix(LE, "data", CELL, 0, 0, new int[] {2, 1}, numeric(LE, "", DOUBLE, MI_DOUBLE, new int[] {4, N}, view1),
                numeric(LE, "", DOUBLE, MI_DOUBLE, new int[] {2, N}, view2));
        vars[1] = matrix(LE, "truelabel", CELL, 0, 0, new int[] {2, 1}, numeric(LE, "", DOUBLE, MI_DOUBLE, new int[] {N, 1}, labels()),
                numeric(LE, "", DOUBLE, MI_DOUBLE, new int[] {N, 1}, labels()));
        vars[2] = matrix(LE, "feas", CELL, 0, 0, new int[] {1, 2}, text("image"), text("text"));
        System.arraycopy(extra, 0, vars, 3, extra.length);
        Path p = dir.resolve("incomplete.mat");
        Files.write(p, mat(LE, true, vars));
        return p;
    }

    static boolean[][] availability(DataSplits s) {
        int n = s.train().size() + s.val().size() + s.test().size();
        boolean[][] out = new boolean[n][];
        int i = 0;
        for (MultimodalDataset d : List.of(s.train(), s.val(), s.test())) {
            ArrayDataset a = (ArrayDataset) d;
            for (int r = 0; r < a.size(); r++) out[i++] = new boolean[] {a.available(r, 0), a.available(r, 1)};
        }
        return out;
    }

    static int absent(DataSplits s, int view) {
        int c = 0;
        for (boolean[] a : availability(s)) if (!a[view]) c++;
        return c;
    }

    @Test
    void allNanSamplesOfAViewBecomeMissingViewsWithoutAManifest() throws Exception {
        Path p = incomplete(dByN(4, 1, 3, 7, 11), dByN(2, 2, 5));
        DataSplits s = FeatureFileDatasets.open(p, FeatureFileOptions.defaults());
        FeatureFileInfo info = s.featureFile();
        assertEquals("cell data + truelabel", info.layout());
        assertEquals(List.of("image", "text"), info.views(), "the file's own view names");
        assertEquals(3, absent(s, 0));
        assertEquals(1, absent(s, 1));
        assertEquals(Map.of("image", 3, "text", 1), info.missing().absentPerView());
        assertEquals(4, info.missing().incompleteSamples());
        // absent values are zero-filled; the present ones are standardised over the present training rows only
        ArrayDataset tr = (ArrayDataset) s.train();
        double sum = 0;
        int present = 0;
        for (int r = 0; r < tr.size(); r++) {
            for (int f = 0; f < 4; f++) {
                float x = tr.values(0)[r * 4 + f];
                assertTrue(Float.isFinite(x));
                if (!tr.available(r, 0)) assertEquals(0f, x);
            }
            if (tr.available(r, 0)) { sum += tr.values(0)[r * 4]; present++; }
        }
        assertEquals(0, sum / present, 1e-5, "mean 0 over the present rows");
        // a checkpoint's record rebuilds the same sets, missing views included
        var om = new com.fasterxml.jackson.databind.ObjectMapper();
        FeatureFileInfo back = om.readValue(om.writeValueAsString(info), FeatureFileInfo.class);
        assertEquals(info.missing(), back.missing());
        DataSplits again = FeatureFileDatasets.reopen(back, null);
        assertArrayEquals(availability(s), availability(again));
        assertArrayEquals(((ArrayDataset) s.test()).values(0), ((ArrayDataset) again.test()).values(0));
    }

    @Test
    void partlyNanViewIsAnErrorNamingVariableRowAndColumnUnlessThePolicySaysZero() throws Exception {
        double[] v1 = dByN(4, 1, 3);
        v1[8 * 4 + 2] = Double.NaN; // sample 9, feature 3: file row 3, column 9
        Path p = incomplete(v1, dByN(2, 2));
        var e = assertThrows(IllegalArgumentException.class, () -> FeatureFileDatasets.open(p, FeatureFileOptions.defaults()));
        assertTrue(e.getMessage().contains("variable 'data{1}' at row 3, column 9") && e.getMessage().contains("--nan-policy"), e.getMessage());
        assertFalse(e.getMessage().contains("--lr"));
        DataSplits s = FeatureFileDatasets.open(p, FeatureFileOptions.defaults().withNanPolicy(MissingViews.NanPolicy.ZERO));
        assertEquals(1, absent(s, 0), "the all-NaN sample is still a missing view");
        double[] inf = dByN(4, 1);
        inf[5] = Double.POSITIVE_INFINITY;
        Path q = incomplete(inf, dByN(2, 2));
        e = assertThrows(IllegalArgumentException.class, () -> FeatureFileDatasets.open(q, FeatureFileOptions.defaults()));
        assertTrue(e.getMessage().contains("data{1}' at row 2, column 2") && e.getMessage().contains("Infinity"), e.getMessage());
    }

    @Test
    void indicatorMarksViewsAbsentWhenTheViewsHoldNoNan() throws Exception {
        double[] status = new double[N * 2]; // N×2 column-major, 1 = missing
        status[4] = 1;            // sample 5, view 1
        status[N + 6] = 1;        // sample 7, view 2
        Path p = incomplete(dByN(4, 1), dByN(2, 2), numeric(LE, "MissingStatus", DOUBLE, MI_DOUBLE, new int[] {N, 2}, status));
        DataSplits s = FeatureFileDatasets.open(p, FeatureFileOptions.defaults());
        assertEquals(1, absent(s, 0));
        assertEquals(1, absent(s, 1));
        assertEquals("'MissingStatus'", s.featureFile().missing().source());
        // with NaN marks too, an indicator that disagrees is reported and ignored
        Path q = incomplete(dByN(4, 1, 10), dByN(2, 2), numeric(LE, "MissingStatus", DOUBLE, MI_DOUBLE, new int[] {N, 2}, status));
        DataSplits t = FeatureFileDatasets.open(q, FeatureFileOptions.defaults());
        assertEquals(1, absent(t, 0));
        assertEquals(0, absent(t, 1));
        assertTrue(t.featureFile().missing().note().contains("MissingStatus' ignored"), t.featureFile().missing().note());
    }

    @Test
    void manifestMissingEntryIsUsed() throws Exception {
        double[] m = new double[2 * N]; // 2×N (views × samples), column-major
        m[2 * 4 + 1] = 1;               // sample 5, view 2
        Path p = incomplete(dByN(4, 1, 3), dByN(2, 2), numeric(LE, "absentViews", DOUBLE, MI_DOUBLE, new int[] {2, N}, m));
        Path mf = dir.resolve("m.yaml");
        Files.writeString(mf, "file: incomplete.mat\nmodalities:\n  - {name: a, variable: 'data{1}'}\n  - {name: b, variable: 'data{2}'}\n"
                + "labels: 'truelabel{1}'\nmissing: absentViews\n");
        DataSplits s = FeatureFileDatasets.open(mf, FeatureFileOptions.defaults());
        assertEquals(1, absent(s, 0), "the NaN column still counts");
        assertEquals(1, absent(s, 1), "and so does the manifest's indicator");
        Files.writeString(mf, Files.readString(mf).replace("absentViews", "data{2}"));
        var e = assertThrows(IllegalArgumentException.class, () -> FeatureFileDatasets.open(mf, FeatureFileOptions.defaults()));
        assertTrue(e.getMessage().contains("missing-view indicator"), e.getMessage());
    }

    @Test
    void squareViewTakesItsSiblingsOrientation() throws Exception {
        double[] sq = new double[N * N];
        for (int i = 0; i < sq.length; i++) sq[i] = i; // column-major: file column r holds r·N … r·N + N − 1
        Path p = dir.resolve("square.mat");
        Files.write(p, mat(LE, false, matrix(LE, "X", CELL, 0, 0, new int[] {1, 2}, numeric(LE, "", DOUBLE, MI_DOUBLE, new int[] {N, N}, sq),
                numeric(LE, "", DOUBLE, MI_DOUBLE, new int[] {4, N}, dByN(4, 1))), numeric(LE, "Y", DOUBLE, MI_DOUBLE, new int[] {N, 1}, labels())));
        DataSplits s = FeatureFileDatasets.open(p, FeatureFileOptions.defaults().withStandardize(false));
        ArrayDataset tr = (ArrayDataset) s.train();
        for (int k = 0; k < tr.size(); k++) {
            assertEquals(1f, tr.values(0)[k * N + 1] - tr.values(0)[k * N], "its d×n sibling makes sample k a file column");
        }
    }

    @Test
    void tripletSparseViewIsRead() throws Exception {
        // view 2 as (sample, feature, value) triplets, 1-based: sample i has feature (i % 5) + 1, samples 1 and 2 one more
        int nnz = N + 2;
        double[] trip = new double[nnz * 3]; // nnz×3 column-major
        for (int i = 0; i < nnz; i++) {
            trip[i] = i < N ? i + 1 : i - N + 1;
            trip[nnz + i] = i < N ? i % 5 + 1 : 6;
            trip[2 * nnz + i] = i + 1;
        }
        trip[nnz + 4] = 9; // sample 5 has feature 9: 9 features
        Path p = dir.resolve("trip.mat");
        Files.write(p, mat(LE, false, matrix(LE, "X", CELL, 0, 0, new int[] {1, 2}, numeric(LE, "", DOUBLE, MI_DOUBLE, new int[] {4, N}, dByN(4, 1)),
                numeric(LE, "", DOUBLE, MI_DOUBLE, new int[] {nnz, 3}, trip)), numeric(LE, "Y", DOUBLE, MI_DOUBLE, new int[] {N, 1}, labels())));
        DataSplits s = FeatureFileDatasets.open(p, FeatureFileOptions.defaults().withStandardize(false));
        assertArrayEquals(new int[] {4, 9}, s.featureFile().widths());
        ArrayDataset tr = (ArrayDataset) s.train();
        for (int r = 0; r < tr.size(); r++) {
            double sum = 0;
            for (int f = 0; f < 9; f++) sum += tr.values(1)[r * 9 + f];
            assertTrue(sum >= 1 && sum <= 2 * N + 3 && sum == Math.rint(sum) && tr.values(1)[r * 9 + 6] == 0, "the sample's values: " + sum);
        }
        double[] bad = trip.clone();
        bad[0] = 0.5;
        Files.write(p, mat(LE, false, matrix(LE, "X", CELL, 0, 0, new int[] {1, 2}, numeric(LE, "", DOUBLE, MI_DOUBLE, new int[] {4, N}, dByN(4, 1)),
                numeric(LE, "", DOUBLE, MI_DOUBLE, new int[] {nnz, 3}, bad)), numeric(LE, "Y", DOUBLE, MI_DOUBLE, new int[] {N, 1}, labels())));
        var e = assertThrows(IllegalArgumentException.class, () -> FeatureFileDatasets.open(p, FeatureFileOptions.defaults()));
        assertTrue(e.getMessage().contains("nor is it a (row, column, value) triplet list: line 1 has index 0.5") && e.getMessage().contains("X{2}"),
                e.getMessage());
    }

    @Test
    @RequiresData("multiview/BDGP_fea_Per0.5.mat")
    void bdgpOpensWithItsMissingViewsMarked() throws Exception {
        DataSplits s = FeatureFileDatasets.open(TestData.file("multiview/BDGP_fea_Per0.5.mat"), FeatureFileOptions.defaults());
        FeatureFileInfo.Missing m = s.featureFile().missing();
        assertEquals(1250, m.incompleteSamples());
        assertEquals(Map.of("view1", 647, "view2", 623, "view3", 629), m.absentPerView());
        assertArrayEquals(new int[] {1000, 500, 250}, s.featureFile().widths());
        assertNotNull(m.note(), "its MissingStatus disagrees with the NaN columns and is reported");
    }
}
