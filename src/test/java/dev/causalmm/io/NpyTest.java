package dev.causalmm.io;

import static dev.causalmm.io.TestFiles.npy;
import static dev.causalmm.io.TestFiles.npz;
import static org.junit.jupiter.api.Assertions.*;

import java.io.BufferedReader;
import java.io.StringReader;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class NpyTest {
    @Test
    void dtypesOrdersAndEndianness() throws Exception {
        double[] c = {1, 2, 3, 4, 5, 6}; // 2×3 in C order
        double[] f = {1, 4, 2, 5, 3, 6}; // the same in Fortran order
        for (String t : List.of("f8", "f4", "f2", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8")) {
            for (String e : t.endsWith("1") ? List.of("|") : List.of("<", ">")) {
                var a = Npy.read(npy(e + t, false, new int[] {2, 3}, c), "a.npy");
                assertArrayEquals(new int[] {2, 3}, a.shape());
                assertArrayEquals(c, a.data(), e + t);
                assertArrayEquals(c, Npy.read(npy(e + t, true, new int[] {2, 3}, f), "a.npy").data(), e + t + " fortran");
            }
        }
        assertArrayEquals(new double[] {1, 0}, Npy.read(npy("|b1", false, new int[] {2}, 1, 0), "b.npy").data());
        assertArrayEquals(new double[] {-5}, Npy.read(npy("<i8", false, new int[] {}, -5), "s.npy").data());
        // 3-D Fortran order
        var a = Npy.read(npy("<f8", true, new int[] {2, 2, 2}, 0, 4, 2, 6, 1, 5, 3, 7), "t.npy");
        assertArrayEquals(new double[] {0, 1, 2, 3, 4, 5, 6, 7}, a.data());
    }

    @Test
    void npzStoredAndDeflated() throws Exception {
        for (boolean deflate : new boolean[] {false, true}) {
            byte[] z = npz(deflate, "x1", npy("<f4", false, new int[] {3, 2}, 1, 2, 3, 4, 5, 6), "y", npy("<i8", false, new int[] {3}, 0, 1, 0));
            var m = Npy.readNpz(z, "d.npz", 1 << 20);
            assertEquals(List.of("x1", "y"), List.copyOf(m.keySet()));
            assertArrayEquals(new double[] {0, 1, 0}, ((ArrayValue.Numeric) m.get("y")).data());
        }
    }

    @Test
    void clearErrors() throws Exception {
        byte[] ok = npy("<f8", false, new int[] {2, 3}, 1, 2, 3, 4, 5, 6);
        var e = assertThrows(FormatException.class, () -> Npy.read(Arrays.copyOf(ok, ok.length - 8), "x.npy"));
        assertTrue(e.getMessage().startsWith("x.npy: shape 2×3") && e.getMessage().contains("truncated"), e.getMessage());
        e = assertThrows(FormatException.class, () -> Npy.read(npy("<c16", false, new int[] {1}, 1, 1), "c.npy"));
        assertTrue(e.getMessage().contains("unsupported dtype '<c16'"), e.getMessage());
        byte[] z = npz(true, "x1", ok);
        e = assertThrows(FormatException.class, () -> Npy.readNpz(Arrays.copyOf(z, z.length / 2), "d.npz", 1 << 20));
        assertTrue(e.getMessage().startsWith("d.npz"), e.getMessage());
    }

    @Test
    void csv() throws Exception {
        var t = CsvTable.parse(new BufferedReader(new StringReader("a,b,label\n1,2,0\n3,x,1\n\n4,5,1\n6,7\n")), "t.csv", true);
        assertEquals(List.of("a", "b", "label"), t.header());
        assertEquals(2, t.rows().size());
        assertEquals(2, t.skipped().size());
        assertTrue(t.skipped().get(0).startsWith("line 3: field 2 ('b') is 'x'"), t.skipped().get(0));
        var e = assertThrows(FormatException.class,
                () -> CsvTable.parse(new BufferedReader(new StringReader("1;2\n3;4;5\n")), "t.csv", false));
        assertTrue(e.getMessage().startsWith("t.csv: line 2: 3 fields, expected 2"), e.getMessage());
    }
}
