package dev.causalmm.io;

import static dev.causalmm.io.TestFiles.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.causalmm.testing.RequiresData;
import dev.causalmm.testing.TestData;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MatFileTest {
    /** Rows cut from the MATLAB-written files with MATLAB's own encoding kept (fixtures/multiview/make_slices.py). */
    static final Path HW_SLICE = TestData.fixture("multiview/handwritten_slice.mat");
    static final Path SCENE_SLICE = TestData.fixture("multiview/scene15_slice.mat");

    @Test
    void numericClassesBothOrdersPlainAndCompressed() throws Exception {
        for (ByteOrder o : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
            for (boolean z : new boolean[] {false, true}) {
                byte[] f = mat(o, z,
                        numeric(o, "d", DOUBLE, MI_DOUBLE, new int[] {2, 3}, 1, 4, 2, 5, 3, 6),   // [[1 2 3];[4 5 6]] column-major
                        numeric(o, "dAsU8", DOUBLE, MI_UINT8, new int[] {1, 3}, 7, 200, 255),      // MATLAB stores small doubles as uint8
                        numeric(o, "s", SINGLE, MI_SINGLE, new int[] {1, 2}, 0.5, -1.5),
                        numeric(o, "i8", INT8, MI_INT8, new int[] {1, 2}, -128, 127),
                        numeric(o, "u16", UINT16, MI_UINT16, new int[] {1, 2}, 0, 65535),
                        numeric(o, "i32", INT32, MI_INT32, new int[] {1, 1}, -7),
                        numeric(o, "u32", UINT32, MI_UINT32, new int[] {1, 1}, 4_000_000_000L),
                        numeric(o, "i64", INT64, MI_INT64, new int[] {1, 1}, -1234567890123L),
                        numeric(o, "u64", UINT64, MI_UINT64, new int[] {1, 1}, 42),
                        matrix(o, "b", UINT8, 0x0200, 0, new int[] {1, 2}, data(o, MI_UINT8, 1, 0)),
                        matrix(o, "name", CHAR, 0, 0, new int[] {1, 3}, data(o, MI_UINT16, 'a', 'b', 'c')));
                Map<String, ArrayValue> v = MatFile.read(f, "t.mat");
                var d = (ArrayValue.Numeric) v.get("d");
                assertArrayEquals(new int[] {2, 3}, d.shape());
                assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, d.data(), o + " " + z);
                assertArrayEquals(new double[] {7, 200, 255}, ((ArrayValue.Numeric) v.get("dAsU8")).data());
                assertArrayEquals(new double[] {0.5, -1.5}, ((ArrayValue.Numeric) v.get("s")).data());
                assertArrayEquals(new double[] {-128, 127}, ((ArrayValue.Numeric) v.get("i8")).data());
                assertArrayEquals(new double[] {0, 65535}, ((ArrayValue.Numeric) v.get("u16")).data());
                assertEquals(-7, ((ArrayValue.Numeric) v.get("i32")).data()[0]);
                assertEquals(4_000_000_000.0, ((ArrayValue.Numeric) v.get("u32")).data()[0]);
                assertEquals(-1234567890123.0, ((ArrayValue.Numeric) v.get("i64")).data()[0]);
                assertEquals("logical", ((ArrayValue.Numeric) v.get("b")).type());
                assertEquals("abc", ((ArrayValue.Text) v.get("name")).text());
            }
        }
    }

    @Test
    void cellsAndSparse() throws Exception {
        ByteOrder o = ByteOrder.LITTLE_ENDIAN;
        byte[] c1 = numeric(o, "", DOUBLE, MI_DOUBLE, new int[] {2, 1}, 1, 2);
        byte[] c2 = numeric(o, "", DOUBLE, MI_DOUBLE, new int[] {2, 2}, 1, 3, 2, 4);
        byte[] cell = matrix(o, "X", CELL, 0, 0, new int[] {1, 2}, c1, c2);
        // 3×2 sparse: (0,0)=5, (2,0)=6, (1,1)=7
        byte[] sp = matrix(o, "S", SPARSE, 0, 3, new int[] {3, 2}, data(o, MI_INT32, 0, 2, 1), data(o, MI_INT32, 0, 2, 3),
                data(o, MI_DOUBLE, 5, 6, 7));
        for (boolean z : new boolean[] {false, true}) {
            Map<String, ArrayValue> v = MatFile.read(mat(o, z, cell, sp), "t.mat");
            var c = (ArrayValue.Cell) v.get("X");
            assertEquals(2, c.cells().size());
            assertArrayEquals(new double[] {1, 2, 3, 4}, ((ArrayValue.Numeric) c.cells().get(1)).data());
            var s = ((ArrayValue.Sparse) v.get("S")).toDense(100);
            assertArrayEquals(new double[] {5, 0, 0, 7, 6, 0}, s.data());
        }
    }

    @Test
    void clearErrors() {
        ByteOrder o = ByteOrder.LITTLE_ENDIAN;
        byte[] f = mat(o, true, numeric(o, "x1_train", DOUBLE, MI_DOUBLE, new int[] {2, 3}, 1, 2, 3, 4, 5, 6));
        var e = assertThrows(FormatException.class, () -> MatFile.read(Arrays.copyOf(f, f.length - 5), "data.mat"));
        assertTrue(e.getMessage().startsWith("data.mat: variable #1"), e.getMessage());
        byte[] plain = mat(o, false, numeric(o, "x1_train", DOUBLE, MI_DOUBLE, new int[] {2, 3}, 1, 2, 3, 4, 5, 6));
        plain[128 + 8 + 8 + 8 + 8 + 8 + 8 + 8 + 4] = 60; // the real part's byte count: 60 instead of 48
        e = assertThrows(FormatException.class, () -> MatFile.read(plain, "data.mat"));
        assertTrue(e.getMessage().contains("variable 'x1_train'"), e.getMessage());
        byte[] v73 = mat(o, false);
        System.arraycopy("MATLAB 7.3 MAT-file".getBytes(), 0, v73, 0, 19);
        v73[124] = 0; v73[125] = 2;
        e = assertThrows(FormatException.class, () -> MatFile.read(v73, "big.mat"));
        assertTrue(e.getMessage().contains("v7.3 header without the HDF5"), e.getMessage());
        e = assertThrows(FormatException.class, () -> MatFile.read("hello".getBytes(), "x.mat"));
        assertTrue(e.getMessage().contains("x.mat"));
    }

    /** pix and fac are class double stored as uint8 and uint16 data, as MATLAB compacts whole numbers. */
    @Test
    void handwrittenSliceReadsAsMatlabStoredIt() throws Exception {
        Map<String, ArrayValue> v = MatFile.read(HW_SLICE);
        var x1 = (ArrayValue.Numeric) v.get("x1_train");
        assertArrayEquals(new int[] {120, 240}, x1.shape());
        for (double d : x1.data()) assertTrue(d >= 0 && d <= 6 && d == Math.rint(d)); // pixel averages 0..6
        assertEquals(6.0, Arrays.stream(x1.data()).max().orElseThrow());
        assertEquals(0.0542642, ((ArrayValue.Numeric) v.get("x2_train")).get(0, 0), 1e-7);
        assertEquals(0.05664874, ((ArrayValue.Numeric) v.get("x2_train")).get(119, 75), 1e-8);
        assertEquals(101.0, ((ArrayValue.Numeric) v.get("x3_train")).get(0, 0));
        assertEquals(17.0, ((ArrayValue.Numeric) v.get("x3_test")).get(39, 215));
        assertEquals(-10.77976894, ((ArrayValue.Numeric) v.get("x5_train")).get(0, 0), 1e-8);
        assertArrayEquals(new int[] {0, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12}, perClass(v.get("gt_train"), 11));
        assertArrayEquals(new int[] {0, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4}, perClass(v.get("gt_test"), 11));
        assertArrayEquals(new int[] {40, 6}, v.get("x6_test").shape());
        assertEquals(14, v.size());
    }

    @Test
    void sceneSliceIsACellOfViews() throws Exception {
        var s = MatFile.read(SCENE_SLICE);
        var x = (ArrayValue.Cell) s.get("X");
        assertArrayEquals(new int[] {1, 3}, x.shape());
        assertArrayEquals(new int[] {90, 20}, x.cells().get(0).shape());
        assertArrayEquals(new int[] {90, 59}, x.cells().get(1).shape());
        assertArrayEquals(new int[] {90, 40}, x.cells().get(2).shape());
        assertEquals(1.029294371905751, ((ArrayValue.Numeric) x.cells().get(0)).get(0, 0), 1e-15);
        assertEquals(1.1486142972285946, ((ArrayValue.Numeric) x.cells().get(1)).get(45, 10), 1e-15);
        assertEquals(0.24153137941478675, ((ArrayValue.Numeric) x.cells().get(2)).get(89, 39), 1e-15);
        int[] want = new int[16];
        Arrays.fill(want, 1, 16, 6);
        assertArrayEquals(want, perClass(s.get("Y"), 16));
    }

    static int[] perClass(ArrayValue labels, int classes) {
        int[] n = new int[classes];
        for (double y : ((ArrayValue.Numeric) labels).data()) n[(int) y]++;
        return n;
    }

    @Test
    @RequiresData("multiview/handwritten_6views.mat")
    void fullHandwritten() throws Exception {
        Map<String, ArrayValue> v = MatFile.read(TestData.file("multiview/handwritten_6views.mat"));
        var x1 = (ArrayValue.Numeric) v.get("x1_train");
        assertArrayEquals(new int[] {1600, 240}, x1.shape());
        for (double d : x1.data()) assertTrue(d >= 0 && d <= 6 && d == Math.rint(d)); // pixel averages 0..6
        assertEquals(0.0542642, ((ArrayValue.Numeric) v.get("x2_train")).get(0, 0), 1e-7);
        assertEquals(101.0, ((ArrayValue.Numeric) v.get("x3_train")).get(0, 0));
        assertEquals(-10.77976894, ((ArrayValue.Numeric) v.get("x5_train")).get(0, 0), 1e-8);
        assertArrayEquals(new int[] {0, 160, 160, 160, 160, 160, 160, 160, 160, 160, 160}, perClass(v.get("gt_train"), 11));
        assertArrayEquals(new int[] {400, 6}, v.get("x6_test").shape());
    }

    @Test
    @RequiresData({"multiview/Scene-15.mat", "multiview/cub_googlenet_doc2vec_c10.mat"})
    void fullSceneAndCub() throws Exception {
        var s = MatFile.read(TestData.file("multiview/Scene-15.mat"));
        var x = (ArrayValue.Cell) s.get("X");
        assertArrayEquals(new int[] {4485, 20}, x.cells().get(0).shape());
        assertArrayEquals(new int[] {4485, 59}, x.cells().get(1).shape());
        assertArrayEquals(new int[] {4485, 40}, x.cells().get(2).shape());
        assertEquals(1.029294371905751, ((ArrayValue.Numeric) x.cells().get(0)).get(0, 0), 1e-15);
        assertEquals(15, Arrays.stream(((ArrayValue.Numeric) s.get("Y")).data()).distinct().count());
        var c = MatFile.read(TestData.file("multiview/cub_googlenet_doc2vec_c10.mat"));
        var cx = (ArrayValue.Cell) c.get("X");
        assertArrayEquals(new int[] {600, 1024}, cx.cells().get(0).shape());
        assertArrayEquals(new int[] {600, 300}, cx.cells().get(1).shape());
        assertEquals(-0.01776999980211258, ((ArrayValue.Numeric) cx.cells().get(1)).get(0, 0), 1e-15);
        assertArrayEquals(new int[] {600, 1}, c.get("gt").shape());
    }
}
