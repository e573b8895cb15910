package dev.causalmm.io;

import static org.junit.jupiter.api.Assertions.*;

import dev.causalmm.testing.TestData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NiftiTest {
    /** nibabel's test files with the reference values in their SOURCE.md (vendored; see NOTICE). */
    static final Path CONFORMANCE = TestData.fixture("nifti-conformance");

    @TempDir
    Path dir;

    /** A header with a distinct value in every field (float-representable, so NIfTI-1 keeps them exactly). */
    static NiftiHeader richHeader(int version, ByteOrder order, NiftiDataType type, int[] dims) {
        var details = new NiftiHeader.Details(57, 1002, 0.5, -1.25, 3, "intent", 2, 5, 3, 0.125, 1.5, -10, 250.5, "aux.txt");
        return new NiftiHeader(version, order, dims, new double[] {-1, 1.5, 2, 2.5, 0.75, 1, 1, 1}, type, 0, 2.5, -3, 1,
                new double[] {0.25, -0.5, 0.125, -90.5, 126, -72.25}, 4, new double[] {-1.5, 0, 0, 90}, new double[] {0, 2, 0.5, -126},
                new double[] {0, 0, 2.5, -72}, 10, "a description", details);
    }

    static NiftiImage randomImage(NiftiHeader h, Arena arena, long seed) {
        MemorySegment v = arena.allocate(h.voxelCount() * h.datatype().bytes(), 8);
        byte[] b = new byte[(int) v.byteSize()];
        new Random(seed).nextBytes(b);
        MemorySegment.copy(MemorySegment.ofArray(b), 0, v, 0, b.length);
        return new NiftiImage(h, v);
    }

    @ParameterizedTest
    @CsvSource({"1,LE,false", "1,BE,false", "1,LE,true", "1,BE,true", "2,LE,false", "2,BE,false", "2,LE,true", "2,BE,true"})
    void roundTripEveryDatatype(int version, String order, boolean gz) throws IOException {
        ByteOrder o = order.equals("LE") ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
        for (NiftiDataType t : NiftiDataType.values()) {
            int[] dims = t.ordinal() % 2 == 0 ? new int[] {5, 4, 3} : new int[] {3, 4, 2, 2};
            try (Arena arena = Arena.ofConfined()) {
                NiftiImage img = randomImage(richHeader(version, o, t, dims), arena, t.code());
                Path f = dir.resolve("img_" + t + (gz ? ".nii.gz" : ".nii"));
                Nifti.write(f, img);
                byte[] head = Arrays.copyOf(Files.readAllBytes(f), 2);
                assertEquals(gz, GzipReader.isGzip(head, 2), "gzip by file name");
                NiftiImage back = Nifti.read(f, arena);
                assertEquals(img.header(), back.header(), t + " header");
                assertEquals(version == 1 ? 352 : 544, back.header().voxOffset());
                assertEquals(-1, img.voxels().mismatch(back.voxels()), t + " voxels differ");
                assertEquals(img.header(), Nifti.readHeader(f));
                for (long i = 0; i < img.voxelCount(); i += 7) assertEquals(img.value(i), back.value(i), 0.0);
            }
        }
    }

    @Test
    void fileByteOrderIsTheHeaders() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            NiftiHeader h = NiftiHeader.of(new int[] {2, 1, 1}, NiftiDataType.INT16).withFormat(1, ByteOrder.BIG_ENDIAN);
            MemorySegment v = arena.allocate(4, 8);
            v.setAtIndex(NiftiImage.SHORT, 0, (short) 0x0102);
            v.setAtIndex(NiftiImage.SHORT, 1, (short) -2);
            byte[] file = Nifti.toBytes(new NiftiImage(h, v), false);
            assertEquals(348, ByteBuffer.wrap(file).getInt(0)); // big-endian sizeof_hdr
            assertArrayEquals(new byte[] {1, 2, (byte) 0xff, (byte) 0xfe}, Arrays.copyOfRange(file, 352, 356));
            NiftiImage back = Nifti.read(file, "be.nii", arena);
            assertArrayEquals(new float[] {0x0102, -2}, back.toFloats());
        }
    }

    @Test
    void ofFloatsAndOfBytesKeepTheGeometry() throws IOException {
        NiftiHeader geo = richHeader(1, ByteOrder.BIG_ENDIAN, NiftiDataType.INT16, new int[] {2, 2, 2});
        float[] f = {1, 2, 3, 4, 5, 6, 7, 8.5f};
        NiftiImage fi = NiftiImage.ofFloats(geo, new int[] {2, 2, 2}, f);
        Path p = dir.resolve("pred.nii.gz");
        Nifti.write(p, fi);
        try (Arena arena = Arena.ofConfined()) {
            NiftiImage back = Nifti.read(p, arena);
            assertArrayEquals(f, back.toFloats());
            assertEquals(NiftiDataType.FLOAT32, back.header().datatype());
            assertArrayEquals(geo.srowX(), back.header().srowX());
            assertArrayEquals(geo.quatern(), back.header().quatern());
            assertArrayEquals(geo.pixdim(), back.header().pixdim());
            assertEquals(geo.sformCode(), back.header().sformCode());
            byte[] labels = {0, 1, 2, 4, 0, 0, 1, (byte) 200};
            Nifti.write(p, NiftiImage.ofBytes(geo, new int[] {4, 2, 1}, labels));
            NiftiImage lb = Nifti.read(p, arena);
            assertEquals(NiftiDataType.UINT8, lb.header().datatype());
            assertArrayEquals(new int[] {4, 2, 1}, lb.header().dims());
            assertArrayEquals(new float[] {0, 1, 2, 4, 0, 0, 1, 200}, lb.toFloats());
        }
    }

    @Test
    void scalingSlopeZeroOrNaNMeansNone() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            for (double[] si : new double[][] {{2, 10, 1}, {0, 10, 0}, {Double.NaN, 10, 0}, {-0.5, 0, 1}}) {
                NiftiHeader h = NiftiHeader.of(new int[] {3}, NiftiDataType.INT16).withData(new int[] {3}, NiftiDataType.INT16, si[0], si[1]);
                MemorySegment v = arena.allocate(6, 8);
                for (int i = 0; i < 3; i++) v.setAtIndex(NiftiImage.SHORT, i, (short) (i - 1));
                NiftiImage back = Nifti.read(Nifti.toBytes(new NiftiImage(h, v), true), "s.nii.gz", arena);
                float[] want = new float[3];
                for (int i = 0; i < 3; i++) want[i] = si[2] == 1 ? (float) ((i - 1) * si[0] + si[1]) : i - 1;
                assertArrayEquals(want, back.toFloats(), Arrays.toString(si));
            }
        }
    }

    @Test
    void headerExtensionsAreSkipped() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            NiftiImage img = randomImage(NiftiHeader.of(new int[] {4, 3}, NiftiDataType.FLOAT32), arena, 3);
            byte[] plain = Nifti.toBytes(img, false);
            // insert one 32-byte extension (esize 32, ecode 6 = comment) and move vox_offset to 384
            ByteBuffer b = ByteBuffer.allocate(plain.length + 32).order(ByteOrder.LITTLE_ENDIAN);
            b.put(plain, 0, 352).put(plain, 352, plain.length - 352);
            byte[] out = b.array();
            System.arraycopy(plain, 352, out, 384, plain.length - 352);
            ByteBuffer w = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
            w.put(348, (byte) 1).putInt(352, 32).putInt(356, 6).putFloat(108, 384);
            for (int i = 360; i < 384; i++) out[i] = (byte) 'x';
            NiftiImage back = Nifti.read(out, "ext.nii", arena);
            assertEquals(384, back.header().voxOffset());
            assertEquals(-1, img.voxels().mismatch(back.voxels()));
            NiftiImage gz = Nifti.read(gzip(out), "ext.nii.gz", arena);
            assertEquals(-1, img.voxels().mismatch(gz.voxels()));
        }
    }

    @Test
    void fiveDimsWithTrailingOnesAndMultiMemberGzip() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            NiftiImage img = randomImage(NiftiHeader.of(new int[] {2, 3, 2, 2}, NiftiDataType.INT32), arena, 4);
            byte[] plain = Nifti.toBytes(img, false);
            ByteBuffer w = ByteBuffer.wrap(plain).order(ByteOrder.LITTLE_ENDIAN);
            w.putShort(40, (short) 7); // dim[0] = 7, dims 5..7 are already 1
            NiftiImage back = Nifti.read(plain, "7d.nii", arena);
            assertArrayEquals(new int[] {2, 3, 2, 2}, back.header().dims());
            // two gzip members, split inside the data (bgzip-style)
            byte[] two = concat(gzip(Arrays.copyOf(plain, 400)), gzip(Arrays.copyOfRange(plain, 400, plain.length)));
            assertEquals(-1, img.voxels().mismatch(Nifti.read(two, "two.nii.gz", arena).voxels()));
        }
    }

    // ---------------------------------------------------------------- conformance

    record Ref(String file, int version, ByteOrder order, NiftiDataType type, int[] shape, double sum, double min, double max, int qform,
            int sform) {}

    static final Ref[] REFS = {
        new Ref("anatomical.nii", 1, ByteOrder.BIG_ENDIAN, NiftiDataType.INT16, new int[] {33, 41, 25}, 284166082, -610, 30393, 2, 2),
        new Ref("example4d.nii.gz", 1, ByteOrder.LITTLE_ENDIAN, NiftiDataType.INT16, new int[] {128, 96, 24, 2}, 101985356, 0, 1162, 1, 1),
        new Ref("example_nifti2.nii.gz", 2, ByteOrder.LITTLE_ENDIAN, NiftiDataType.INT16, new int[] {32, 20, 12, 2}, 6926802, 46, 757, 1,
                1),
        new Ref("functional.nii", 1, ByteOrder.LITTLE_ENDIAN, NiftiDataType.INT16, new int[] {17, 21, 3, 20}, 77913290.36, 629.826,
                5571.62, 2, 2),
        new Ref("reoriented_anat_moved.nii", 1, ByteOrder.BIG_ENDIAN, NiftiDataType.FLOAT32, new int[] {21, 26, 22}, 32739769.45, 0,
                21199.9, 2, 2),
        new Ref("standard.nii.gz", 1, ByteOrder.LITTLE_ENDIAN, NiftiDataType.UINT8, new int[] {4, 5, 7}, 7650, 0, 255, 0, 2),
    };

    /** Within the precision SOURCE.md prints (6 significant digits for min/max, 2 decimals for sums). */
    static void near(double want, double got, String what) {
        double tol = Math.max(0.006, Math.abs(want) * 6e-6);
        assertEquals(want, got, tol, what);
    }

    @Test
    void conformanceFilesMatchNibabel() throws IOException {
        for (Ref ref : REFS) {
            Path f = CONFORMANCE.resolve(ref.file);
            try (Arena arena = Arena.ofConfined()) {
                NiftiImage img = Nifti.read(f, arena);
                NiftiHeader h = img.header();
                String w = ref.file;
                assertEquals(ref.version, h.version(), w);
                assertEquals(ref.order, h.byteOrder(), w);
                assertEquals(ref.type, h.datatype(), w);
                assertArrayEquals(ref.shape, h.dims(), w);
                assertEquals(ref.qform, h.qformCode(), w);
                assertEquals(ref.sform, h.sformCode(), w);
                double sum = 0, min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
                for (long i = 0; i < img.voxelCount(); i++) {
                    double v = img.value(i);
                    sum += v;
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
                near(ref.sum, sum, w + " sum");
                near(ref.min, min, w + " min");
                near(ref.max, max, w + " max");
                float[] fl = img.toFloats();
                double fsum = 0;
                for (float v : fl) fsum += v;
                assertEquals(ref.sum, fsum, Math.abs(ref.sum) * 1e-6, w + " toFloats sum");
                assertEquals(h, Nifti.readHeader(f), w);
                // and it survives our writer: same header and voxels, plain and gzip
                for (String ext : new String[] {".nii", ".nii.gz"}) {
                    Path out = dir.resolve("copy" + ext);
                    Nifti.write(out, img);
                    NiftiImage back = Nifti.read(out, arena);
                    assertEquals(h, back.header(), w + ext);
                    assertEquals(-1, img.voxels().mismatch(back.voxels()), w + ext);
                }
            }
        }
    }

    // ---------------------------------------------------------------- malformed input

    static byte[] valid(int version, ByteOrder o) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            return Nifti.toBytes(randomImage(richHeader(version, o, NiftiDataType.INT16, new int[] {3, 2, 2}), arena, 1), false);
        }
    }

    static String rejected(byte[] b, String name) {
        try (Arena arena = Arena.ofConfined()) {
            FormatException e = assertThrows(FormatException.class, () -> Nifti.read(b, name, arena));
            assertTrue(e.getMessage().startsWith(name + ": "), e.getMessage());
            return e.getMessage();
        }
    }

    @Test
    void malformedNifti1HeadersAreRefusedNamingTheField() throws IOException {
        for (ByteOrder o : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
            byte[] v = valid(1, o);
            assertTrue(rejected(patch(v, o, b -> b.putInt(0, 349)), "a.nii").contains("sizeof_hdr"));
            assertTrue(rejected(patch(v, o, b -> b.put(345, (byte) 'x')), "a.nii").contains("magic"));
            assertTrue(rejected(patch(v, o, b -> b.put(345, (byte) 'i').put(344, (byte) 'n').put(346, (byte) '1')), "a.nii")
                    .contains("two-file"));
            assertTrue(rejected(patch(v, o, b -> b.putShort(40, (short) 0)), "a.nii").contains("dim[0] = 0"));
            assertTrue(rejected(patch(v, o, b -> b.putShort(40, (short) 8)), "a.nii").contains("dim[0] = 8"));
            assertTrue(rejected(patch(v, o, b -> b.putShort(44, (short) 0)), "a.nii").contains("dim[2] = 0"));
            assertTrue(rejected(patch(v, o, b -> b.putShort(46, (short) -4)), "a.nii").contains("dim[3] = -4"));
            assertTrue(rejected(patch(v, o, b -> b.putShort(40, (short) 5).putShort(50, (short) 2)), "a.nii").contains("dim[5] = 2"));
            assertTrue(rejected(patch(v, o, b -> b.putShort(70, (short) 32)), "a.nii").contains("complex64"));
            assertTrue(rejected(patch(v, o, b -> b.putShort(70, (short) 1024)), "a.nii").contains("int64"));
            assertTrue(rejected(patch(v, o, b -> b.putShort(70, (short) 7)), "a.nii").contains("datatype"));
            assertTrue(rejected(patch(v, o, b -> b.putFloat(108, 100)), "a.nii").contains("vox_offset"));
            assertTrue(rejected(patch(v, o, b -> b.putFloat(108, Float.NaN)), "a.nii").contains("vox_offset"));
            assertTrue(rejected(patch(v, o, b -> b.putFloat(108, 352.5f)), "a.nii").contains("vox_offset"));
            assertTrue(rejected(patch(v, o, b -> b.putShort(42, (short) 30000)), "a.nii").contains("truncated data"));
            assertTrue(rejected(Arrays.copyOf(v, v.length - 1), "a.nii").contains("truncated data"));
            assertTrue(rejected(Arrays.copyOf(v, 200), "a.nii").contains("truncated header"));
            assertTrue(rejected(Arrays.copyOf(v, 2), "a.nii").contains("too short"));
            assertTrue(rejected(patch(v, o, b -> b.putFloat(108, 1e9f)), "a.nii").contains("truncated"));
        }
    }

    @Test
    void malformedNifti2AndGzipAreRefused() throws IOException {
        byte[] v = valid(2, ByteOrder.LITTLE_ENDIAN);
        ByteOrder o = ByteOrder.LITTLE_ENDIAN;
        assertTrue(rejected(patch(v, o, b -> b.put(8, (byte) '\n')), "b.nii").contains("text-mode"));
        assertTrue(rejected(patch(v, o, b -> {
            for (int i = 1; i <= 4; i++) b.putLong(16 + 8 * i, Integer.MAX_VALUE);
        }), "b.nii").contains("overflow"));
        assertTrue(rejected(patch(v, o, b -> b.putLong(24, 1L << 33)), "b.nii").contains("exceeds"));
        assertTrue(rejected(patch(v, o, b -> b.putLong(168, -1)), "b.nii").contains("vox_offset"));
        assertTrue(rejected(patch(v, o, b -> b.putLong(168, Long.MAX_VALUE - 4)), "b.nii").contains("overflow"));
        // gzip: a claim far beyond what the compressed bytes can hold, truncation, corruption
        byte[] big = patch(v, o, b -> b.putLong(24, 100_000).putLong(32, 100_000));
        assertTrue(rejected(gzip(big), "b.nii.gz").contains("can hold"));
        byte[] gz = gzip(v);
        assertTrue(rejected(Arrays.copyOf(gz, gz.length - 12), "b.nii.gz").contains("truncated"));
        byte[] crc = gz.clone();
        crc[crc.length - 6] ^= 1;
        assertTrue(rejected(crc, "b.nii.gz").contains("CRC"));
        byte[] bad = gz.clone();
        bad[2] = 9;
        assertTrue(rejected(bad, "b.nii.gz").contains("compression method"));
        // the name does not decide: gzip content named .nii is still read
        try (Arena arena = Arena.ofConfined()) {
            assertEquals(-1, Nifti.read(v, "p", arena).voxels().mismatch(Nifti.read(gz, "misnamed.nii", arena).voxels()));
        }
        assertThrows(IllegalArgumentException.class, () -> Nifti.write(dir.resolve("x.img"),
                NiftiImage.ofBytes(NiftiHeader.of(new int[] {1}, NiftiDataType.UINT8), new int[] {1}, new byte[1])));
        assertThrows(IllegalArgumentException.class, () -> Nifti.write(dir.resolve("x.nii"),
                NiftiImage.ofBytes(NiftiHeader.of(new int[] {1}, NiftiDataType.UINT8), new int[] {40000}, new byte[40000])));
    }

    @Test
    void realFileRefusedWhenTruncatedOnDisk() throws IOException {
        byte[] all = Files.readAllBytes(CONFORMANCE.resolve("example4d.nii.gz"));
        Path cut = dir.resolve("cut.nii.gz");
        Files.write(cut, Arrays.copyOf(all, all.length / 2));
        try (Arena arena = Arena.ofConfined()) {
            FormatException e = assertThrows(FormatException.class, () -> Nifti.read(cut, arena));
            assertTrue(e.getMessage().contains(cut.toString()) && e.getMessage().contains("truncated"), e.getMessage());
            assertEquals(1, Nifti.readHeader(cut).version()); // the header alone is still there
        }
    }

    interface Patch {
        void apply(ByteBuffer b);
    }

    static byte[] patch(byte[] v, ByteOrder o, Patch p) {
        byte[] c = v.clone();
        p.apply(ByteBuffer.wrap(c).order(o));
        return c;
    }

    static byte[] gzip(byte[] b) throws IOException {
        var out = new ByteArrayOutputStream();
        try (var g = new GZIPOutputStream(out)) {
            g.write(b);
        }
        return out.toByteArray();
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
