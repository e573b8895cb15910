package dev.causalmm.io;

import static org.junit.jupiter.api.Assertions.*;

import dev.causalmm.data.DataSplits;
import dev.causalmm.data.FeatureFileDatasets;
import dev.causalmm.data.FeatureFileOptions;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Files written by NumPy and SciPy themselves (src/test/resources/featurefiles/make_fixtures.py). */
class FixtureFilesTest {
    static final Path DIR = Path.of("src/test/resources/featurefiles");

    static double[] range(int n, double scale) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = i * scale;
        return v;
    }

    @Test
    void numpyFiles() throws Exception {
        var a = Npy.read(DIR.resolve("c_le_f8.npy"));
        assertArrayEquals(new int[] {3, 4}, a.shape());
        assertArrayEquals(range(12, 0.25), a.data());
        var f = Npy.read(DIR.resolve("f_be_i4.npy"));
        assertArrayEquals(new int[] {3, 4}, f.shape());
        assertArrayEquals(range(12, 1), f.data()); // Fortran order, big endian, back in C order
        assertArrayEquals(range(6, 1), Npy.read(DIR.resolve("u1.npy")).data());
        assertArrayEquals(new double[] {1, 0, 1}, Npy.read(DIR.resolve("bool.npy")).data());
        assertArrayEquals(new double[] {0.5, -2, 1024}, Npy.read(DIR.resolve("f2.npy")).data());
        var t = Npy.read(DIR.resolve("be_f4_3d.npy"));
        assertArrayEquals(new int[] {2, 3, 4}, t.shape());
        assertArrayEquals(range(24, 1), t.data());
        for (String z : new String[] {"views.npz", "views_compressed.npz"}) {
            Map<String, ArrayValue> m = Npy.readNpz(DIR.resolve(z));
            assertEquals(java.util.List.of("x1", "x2", "y"), java.util.List.copyOf(m.keySet()));
            assertArrayEquals(range(18, 1), ((ArrayValue.Numeric) m.get("x1")).data());
        }
    }

    @Test
    void scipyMatFiles() throws Exception {
        for (String f : new String[] {"scipy_compressed.mat", "scipy_plain.mat"}) {
            Map<String, ArrayValue> v = MatFile.read(DIR.resolve(f));
            var x = (ArrayValue.Cell) v.get("X");
            assertArrayEquals(new int[] {1, 2}, x.shape());
            assertArrayEquals(range(18, 1), ((ArrayValue.Numeric) x.cells().get(0)).data(), f);
            var x2 = (ArrayValue.Numeric) x.cells().get(1);
            assertEquals("int16", x2.type());
            assertArrayEquals(new int[] {6, 2}, x2.shape());
            assertEquals(6, x2.get(0, 1)); // x2.T[0][1] = x2[1][0] = 6
            var s = ((ArrayValue.Sparse) v.get("S")).toDense(100);
            assertArrayEquals(new double[] {0, 5, 0, 7, 0, 0, 0, 0, 9}, s.data(), f);
            assertEquals("views", ((ArrayValue.Text) v.get("name")).text());
            assertArrayEquals(new double[] {1, 0}, ((ArrayValue.Numeric) v.get("L")).data());
            assertEquals(Math.pow(2, 40) + 3, ((ArrayValue.Numeric) v.get("u64")).data()[0]);
            assertArrayEquals(new double[] {-5, 7}, ((ArrayValue.Numeric) v.get("i8")).data());
        }
        var e = assertThrows(FormatException.class, () -> MatFile.read(DIR.resolve("scipy_v4.mat")));
        assertTrue(e.getMessage().contains("scipy_v4.mat") && e.getMessage().contains("v4"), e.getMessage());
    }

    @Test
    void datasetsFromNumpyAndScipyFiles() throws Exception {
        DataSplits npz = FeatureFileDatasets.open(DIR.resolve("views.npz"), FeatureFileOptions.defaults().withSplit(0.5, 0, 0.5, 0));
        assertEquals("x{v} + y", npz.featureFile().layout());
        assertArrayEquals(new int[] {3, 2}, npz.featureFile().widths()); // x2 is stored 2×6 = d×n
        assertArrayEquals(new double[] {1, 2}, npz.featureFile().classes());
        DataSplits mat = FeatureFileDatasets.open(DIR.resolve("scipy_compressed.mat"), FeatureFileOptions.defaults().withSplit(0.5, 0, 0.5, 0));
        assertEquals("cell X + Y", mat.featureFile().layout());
        assertArrayEquals(new int[] {3, 2}, mat.featureFile().widths());
    }
}
