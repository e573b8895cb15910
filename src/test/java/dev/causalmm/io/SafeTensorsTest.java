package dev.causalmm.io;

import static org.junit.jupiter.api.Assertions.*;

import java.io.RandomAccessFile;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The safetensors reader and writer: layout, dtypes, strict validation, 64-bit offsets. */
class SafeTensorsTest {

    /** A file from a header JSON (padded as given) and data bytes, as another writer would make it. */
    static byte[] file(String header, byte[] data) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).put(data);
        return b.array();
    }

    static byte[] f32(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) b.putFloat(f);
        return b.array();
    }

    @Test
    void writesTheFormatsLayout(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("a.safetensors");
        SafeTensors.write(f, List.of(new SafeTensors.Data("w", new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6}),
                new SafeTensors.Data("b", new long[] {3}, new float[] {-1, 0.5f, 7})), SafeTensors.DType.F32, Map.of("format", "pt"));
        byte[] all = Files.readAllBytes(f);
        ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        long n = b.getLong();
        assertEquals(0, (8 + n) % 8, "the data section starts 8-byte aligned");
        String header = new String(all, 8, (int) n, StandardCharsets.UTF_8);
        assertTrue(header.startsWith("{\"__metadata__\":{\"format\":\"pt\"},\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]}"), header);
        assertTrue(header.contains("\"b\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[24,36]}"), header);
        assertEquals(8 + n + 36, all.length);
        assertEquals(4f, b.getFloat((int) (8 + n) + 12));
        try (SafeTensors st = SafeTensors.open(f)) {
            assertEquals(List.of("w", "b"), List.copyOf(st.entries().keySet()));
            assertArrayEquals(new long[] {2, 3}, st.entry("w").shape());
            assertArrayEquals(new float[] {-1, 0.5f, 7}, st.floats("b"));
            assertArrayEquals(new float[] {5, 6}, st.floats("w", 4, 2));
            assertEquals("pt", st.metadata().get("format"));
            assertEquals(12, st.segment("b").byteSize());
        }
    }

    @Test
    void halfTypesRoundToNearestEvenAndWidenExactly(@TempDir Path dir) throws Exception {
        float[] v = {1f, 1f / 3, -2.5e-3f, 65504f, 1e-8f, Float.NaN, Float.NEGATIVE_INFINITY, 3.0e38f};
        for (SafeTensors.DType d : new SafeTensors.DType[] {SafeTensors.DType.BF16, SafeTensors.DType.F16}) {
            Path f = dir.resolve(d + ".safetensors");
            SafeTensors.write(f, List.of(new SafeTensors.Data("v", new long[] {v.length}, v)), d, null);
            try (SafeTensors st = SafeTensors.open(f)) {
                assertEquals(d, st.entry("v").dtype());
                assertEquals(2L * v.length, st.entry("v").end() - st.entry("v").begin());
                float[] back = st.floats("v");
                for (int i = 0; i < v.length; i++) {
                    float want = d == SafeTensors.DType.BF16 ? SafeTensors.bf16ToFloat(SafeTensors.floatToBf16(v[i]))
                            : Float.float16ToFloat(Float.floatToFloat16(v[i]));
                    assertEquals(want, back[i], 0f, d + " value " + i);
                }
            }
        }
        // bf16 keeps float32's top 16 bits, rounding to nearest even: 1/3 = 0x3EAAAAAB -> 0x3EAB
        assertEquals((short) 0x3EAB, SafeTensors.floatToBf16(1f / 3));
        assertEquals((short) 0x3F80, SafeTensors.floatToBf16(1f));
        assertEquals(0x3F808000 >>> 16, SafeTensors.floatToBf16(Float.intBitsToFloat(0x3F808000)) & 0xffff, "a tie rounds to even (down)");
        assertEquals(0x3F82, SafeTensors.floatToBf16(Float.intBitsToFloat(0x3F818000)) & 0xffff, "a tie rounds to even (up)");
        assertTrue(Float.isNaN(SafeTensors.bf16ToFloat(SafeTensors.floatToBf16(Float.NaN))));
        assertEquals(0.5f, SafeTensors.bf16ToFloat((short) 0x3F00));
    }

    @Test
    void readsFilesOfOtherWritersAndTheirDtypes() throws Exception {
        // unsorted header, data out of header order, I64 and F64 beside F32, no metadata, no padding
        byte[] data = ByteBuffer.allocate(8 + 8 + 8).order(ByteOrder.LITTLE_ENDIAN).putLong(42).putDouble(1.5).putFloat(2).putFloat(3).array();
        String h = "{\"z\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[16,24]},\"i\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[0,8]},"
                + "\"d\":{\"dtype\":\"F64\",\"shape\":[1,1],\"data_offsets\":[8,16]},\"e\":{\"dtype\":\"BF16\",\"shape\":[0],\"data_offsets\":[24,24]}}";
        try (SafeTensors st = SafeTensors.parse(MemorySegment.ofArray(file(h, data)), "other.safetensors")) {
            assertArrayEquals(new float[] {2, 3}, st.floats("z"));
            assertArrayEquals(new float[] {1.5f}, st.floats("d"));
            assertEquals(0, st.floats("e").length);
            assertEquals(42L, st.segment("i").get(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0));
            var e = assertThrows(FormatException.class, () -> st.floats("i"));
            assertTrue(e.getMessage().contains("other.safetensors") && e.getMessage().contains("I64"), e.getMessage());
            var missing = assertThrows(FormatException.class, () -> st.floats("nope"));
            assertTrue(missing.getMessage().contains("no tensor 'nope'"), missing.getMessage());
        }
    }

    @Test
    void rejectsFilesThatBreakTheFormatNamingTheFile() {
        byte[] eight = f32(1, 2);
        String ok = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        assertDoesNotThrow(() -> SafeTensors.parse(MemorySegment.ofArray(file(ok, eight)), "f"));
        Map<String, byte[]> bad = new java.util.LinkedHashMap<>();
        bad.put("truncated", file(ok, f32(1)));
        bad.put("trailing bytes", file(ok, f32(1, 2, 3)));
        bad.put("needs 12 bytes", file(ok.replace("[2]", "[3]"), eight));
        bad.put("unknown dtype", file(ok.replace("F32", "F33"), eight));
        bad.put("gap", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", eight));
        bad.put("overlaps", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", eight));
        bad.put("overflows", file(ok.replace("[2]", "[4611686018427387904,4]"), eight));
        bad.put("not valid JSON", file("{\"a\":", eight));
        bad.put("does not start with '{'", file("[1,2,3]", eight));
        bad.put("JSON object", file("{} 7", eight));
        bad.put("integer >= 0", file(ok.replace("[0,8]", "[-8,0]"), eight));
        bad.put("must be a string", file("{\"__metadata__\":{\"k\":1}}", new byte[0]));
        bad.put("appears twice", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]},\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}}", new byte[0]));
        byte[] huge = file(ok, eight);
        ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putLong(0, Long.MAX_VALUE);
        bad.put("header length", huge);
        bad.put("shorter than", new byte[5]);
        for (var e : bad.entrySet()) {
            var ex = assertThrows(FormatException.class, () -> SafeTensors.parse(MemorySegment.ofArray(e.getValue()), "bad.safetensors"), e.getKey());
            assertTrue(ex.getMessage().startsWith("bad.safetensors"), e.getKey() + ": " + ex.getMessage());
            if (!e.getKey().equals("appears twice") && !e.getKey().equals("JSON object")) {
                assertTrue(ex.getMessage().contains(e.getKey()), e.getKey() + ": " + ex.getMessage());
            }
        }
    }

    /**
     * A file over 2 GiB without writing 2 GiB: a sparse file whose header places a tensor's data
     * beyond the 4 GiB mark; the values written there come back through 64-bit offsets.
     */
    @Test
    void readsTensorsPastFourGibibytesOfASparseFile(@TempDir Path dir) throws Exception {
        long small = 3L << 30;             // 3 GiB of zeros before the tensor we read
        long elems = small / 4;
        long half = (1L << 30) + 4;        // "tail": 2^31 + 8 bf16 values, more than one Java array holds
        long tailBytes = 2 * 2 * half;
        String header = "{\"__metadata__\":{\"note\":\"sparse\"},\"zeros\":{\"dtype\":\"F32\",\"shape\":[" + elems + "],\"data_offsets\":[0," + small + "]},"
                + "\"tail\":{\"dtype\":\"BF16\",\"shape\":[2," + (half) + "],\"data_offsets\":[" + small + "," + (small + tailBytes) + "]}}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        int n = (h.length + 7) & ~7;
        byte[] padded = java.util.Arrays.copyOf(h, n);
        java.util.Arrays.fill(padded, h.length, n, (byte) ' ');
        Path f = dir.resolve("big.safetensors");
        long total = 8 + n + small + tailBytes;
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.setLength(total);
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(n);
            raf.write(lenBuf.array());
            raf.write(padded);
            // the last two values of "tail": bf16 1.5 and -2.0
            raf.seek(total - 4);
            raf.write(new byte[] {(byte) 0xC0, 0x3F, 0x00, (byte) 0xC0});
        }
        assertTrue(Files.size(f) > (4L << 30));
        try (SafeTensors st = SafeTensors.open(f)) {
            SafeTensors.Entry tail = st.entry("tail");
            assertEquals(small, tail.begin());
            assertEquals(2 * half, tail.elements());
            assertArrayEquals(new float[] {0, 1.5f, -2f}, st.floats("tail", tail.elements() - 3, 3));
            assertArrayEquals(new float[] {0, 0}, st.floats("zeros", elems - 2, 2));
            assertEquals(tailBytes, st.segment("tail").byteSize());
            var e = assertThrows(FormatException.class, () -> st.floats("tail"));
            assertTrue(e.getMessage().contains("too many for one array"), e.getMessage());
            assertEquals("sparse", st.metadata().get("note"));
        }
    }
}
