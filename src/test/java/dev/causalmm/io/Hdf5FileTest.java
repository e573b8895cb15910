package dev.causalmm.io;

import static org.junit.jupiter.api.Assertions.*;

import dev.causalmm.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** HDF5 files written by h5py and a MATLAB v7.3 layout (fixtures/hdf5/make_fixtures.py). */
class Hdf5FileTest {
    static final Path DIR = TestData.fixture("hdf5");

    @Test
    void aV73MatFileReadsToTheSameArraysAsTheV5FileWithTheSameVariables() throws Exception {
        Map<String, ArrayValue> v5 = MatFile.read(DIR.resolve("v5.mat"));
        Map<String, ArrayValue> v73 = MatFile.read(DIR.resolve("v73.mat"));
        assertEquals(List.of("X", "Y", "cube", "flag", "i16", "name"), List.copyOf(v73.keySet()));
        assertEquals(v5.keySet(), v73.keySet());
        for (String k : v5.keySet()) assertSame(v5.get(k), v73.get(k), k);
        var cube = (ArrayValue.Numeric) v73.get("cube");
        assertArrayEquals(new int[] {2, 3, 2}, cube.shape());
        assertEquals(7, cube.data()[7]); // numpy's arange(12).reshape(2, 3, 2), back in C order
        assertEquals("hi", ((ArrayValue.Text) v73.get("name")).text());
    }

    /** Same shape, element type and values; cells compared cell by cell. */
    static void assertSame(ArrayValue a, ArrayValue b, String where) {
        assertArrayEquals(a.shape(), b.shape(), where + " shape");
        switch (a) {
            case ArrayValue.Numeric n -> {
                var m = assertInstanceOf(ArrayValue.Numeric.class, b, where);
                assertEquals(n.type(), m.type(), where + " type");
                assertArrayEquals(n.data(), m.data(), where + " values");
            }
            case ArrayValue.Cell c -> {
                var d = assertInstanceOf(ArrayValue.Cell.class, b, where);
                assertEquals(c.cells().size(), d.cells().size(), where);
                for (int i = 0; i < c.cells().size(); i++) assertSame(c.cells().get(i), d.cells().get(i), where + "{" + i + "}");
            }
            case ArrayValue.Text t -> assertEquals(t.text(), assertInstanceOf(ArrayValue.Text.class, b, where).text(), where);
            default -> fail(where + ": unexpected " + a.describe());
        }
    }

    @Test
    @org.junit.jupiter.api.Timeout(20)
    void aCellThatRefersToItselfIsRefusedNotFollowedForever() {
        var e = assertThrows(FormatException.class, () -> MatFile.read(DIR.resolve("cyclic.mat")));
        assertTrue(e.getMessage().contains("cyclic.mat") && e.getMessage().contains("'C"), e.getMessage());
    }

    @Test
    void aSequenceFileReadsItsDatasetInRowMajorOrder() throws Exception {
        var a = Hdf5File.dataset(DIR.resolve("msa-tiny/audio_train.h5"), "d1");
        assertArrayEquals(new int[] {6, 20, 74}, a.shape());
        assertEquals("double", a.type());
        assertEquals(115.195041, a.data()[0], 1e-5); // MFN YouTube, sample 0, step 0, COVAREP feature 0
        assertEquals(0.191219008, a.data()[1], 1e-8);
        var y = Hdf5File.dataset(DIR.resolve("msa-tiny/y_train.h5"), "d1");
        assertArrayEquals(new int[] {6, 3}, y.shape());
        assertEquals("single", y.type());
        assertArrayEquals(new double[] {0, 0, 1}, java.util.Arrays.copyOf(y.data(), 3));
    }

    @Test
    void aMissingDatasetIsNamedWithItsFile() {
        Path f = DIR.resolve("msa-tiny/y_test.h5");
        var e = assertThrows(FormatException.class, () -> Hdf5File.dataset(f, "labels"));
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("'labels'") && e.getMessage().contains("[d1]"), e.getMessage());
    }

    @Test
    void aFileThatIsNotHdf5IsRefusedWithItsName() throws Exception {
        byte[] b = Files.readAllBytes(DIR.resolve("msa-tiny/y_test.h5"));
        var e = assertThrows(FormatException.class, () -> Hdf5File.read(java.util.Arrays.copyOf(b, 300), "cut.h5", 1 << 20));
        assertTrue(e.getMessage().startsWith("cut.h5: "), e.getMessage());
    }

    @Test
    void aDatasetOverTheByteLimitIsRefusedBeforeItIsRead() throws Exception {
        byte[] b = Files.readAllBytes(DIR.resolve("msa-tiny/audio_test.h5"));
        var e = assertThrows(FormatException.class, () -> Hdf5File.read(b, "big.h5", 1000));
        assertTrue(e.getMessage().contains("'/d1'") && e.getMessage().contains("3×20×74"), e.getMessage());
    }
}
