package dev.causalmm.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The safetensors format (Hugging Face; what Python's {@code safetensors}, Rust's crate and many C++
 * loaders read): an 8-byte little-endian header length {@code N}, {@code N} bytes of UTF-8 JSON
 * that map each tensor name to {@code {"dtype", "shape", "data_offsets": [begin, end]}} (offsets
 * relative to the data section, which follows the header) plus an optional
 * {@code "__metadata__"} map of strings, then the raw little-endian tensor bytes.
 *
 * <p>Reading maps the file ({@link FileChannel#map} into a {@link MemorySegment}) so files over
 * 2 GiB work and nothing is copied until a tensor is asked for; every offset is a {@code long}.
 * The reader validates as strictly as the reference implementation: the header fits the file and
 * 100 MB, every tensor's byte range matches its dtype and shape, and the ranges tile the data
 * section exactly (no gaps, no overlaps). Writing pads the header with spaces so the data section
 * starts 8-byte aligned, as the format allows, and streams the data (no array of the whole file).
 * Bytes in, arrays or segments out: no tensors here.
 */
public final class SafeTensors implements AutoCloseable {
    /** The reference implementation's header size limit. */
    public static final long MAX_HEADER_BYTES = 100L << 20;
    private static final String METADATA = "__metadata__";
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ObjectReader HEADER_READER = Json.MAPPER.reader()
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    /** The format's element types (names as they appear in the header) and their sizes. */
    public enum DType {
        F64(8), F32(4), F16(2), BF16(2), I64(8), I32(4), I16(2), I8(1), U64(8), U32(4), U16(2), U8(1), BOOL(1), F8_E4M3(1), F8_E5M2(1);

        private final int size;

        DType(int size) {
            this.size = size;
        }

        public int byteSize() {
            return size;
        }

        /** Whether {@link SafeTensors#floats} converts this type (F32, F16, BF16, F64). */
        public boolean convertsToFloat() {
            return this == F32 || this == F16 || this == BF16 || this == F64;
        }

        /**
         * The export dtypes by their usual long names: {@code float32}, {@code bfloat16},
         * {@code float16} (also the format's own F32, BF16, F16).
         */
        public static DType ofExportName(String name) {
            return switch (name.toLowerCase(Locale.ROOT)) {
                case "float32", "f32", "float" -> F32;
                case "bfloat16", "bf16" -> BF16;
                case "float16", "f16", "half" -> F16;
                default -> throw new IllegalArgumentException("unknown export dtype '" + name + "' (float32, bfloat16, float16)");
            };
        }

        /** The long name ({@code float32}, …), as PyTorch spells it. */
        public String longName() {
            return switch (this) {
                case F32 -> "float32";
                case F16 -> "float16";
                case BF16 -> "bfloat16";
                case F64 -> "float64";
                default -> name().toLowerCase(Locale.ROOT);
            };
        }
    }

    /**
     * One tensor of the file.
     *
     * @param begin byte offset of its first byte in the data section
     * @param end   byte offset just past its last byte ({@code end - begin = elements × dtype size})
     */
    public record Entry(String name, DType dtype, long[] shape, long begin, long end) {
        public Entry {
            shape = shape.clone();
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }

        public long elements() {
            long n = 1;
            for (long d : shape) n *= d;
            return n;
        }

        @Override
        public String toString() {
            return name + " " + dtype + Arrays.toString(shape) + " @[" + begin + ", " + end + ")";
        }
    }

    /** A float32 tensor to write: its name, shape and values (row-major). */
    public record Data(String name, long[] shape, float[] values) {
        public Data {
            shape = shape.clone();
            long n = 1;
            for (long d : shape) {
                if (d < 0) throw new IllegalArgumentException("tensor '" + name + "': negative dimension in " + Arrays.toString(shape));
                n *= d;
            }
            if (n != values.length) {
                throw new IllegalArgumentException("tensor '" + name + "': shape " + Arrays.toString(shape) + " holds " + n
                        + " values, got " + values.length);
            }
        }
    }

    private final String source;
    private final Arena arena;
    private final MemorySegment data;
    private final Map<String, Entry> entries;
    private final Map<String, String> metadata;
    private final long headerBytes;

    private SafeTensors(String source, Arena arena, MemorySegment data, Map<String, Entry> entries, Map<String, String> metadata,
                        long headerBytes) {
        this.source = source;
        this.arena = arena;
        this.data = data;
        this.entries = entries;
        this.metadata = metadata;
        this.headerBytes = headerBytes;
    }

    /** Maps and validates {@code file}; the mapping lives until {@link #close()}. */
    public static SafeTensors open(Path file) throws IOException {
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) throw new FormatException(file + ": not a safetensors file (" + size + " bytes, shorter than the 8-byte header length)");
            MemorySegment all = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            SafeTensors st = parse(all, file.toString(), arena);
            arena = null;
            return st;
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "safetensors file does not exist");
        } finally {
            if (arena != null) arena.close();
        }
    }

    /** Validates a whole file's bytes already in memory ({@code source} names it in errors). */
    public static SafeTensors parse(MemorySegment file, String source) throws FormatException {
        return parse(file, source, null);
    }

    private static SafeTensors parse(MemorySegment file, String source, Arena arena) throws FormatException {
        long size = file.byteSize();
        if (size < 8) throw new FormatException(source + ": not a safetensors file (" + size + " bytes, shorter than the 8-byte header length)");
        long n = file.get(I64, 0);
        if (n < 2 || n > MAX_HEADER_BYTES) {
            throw new FormatException(source + ": header length " + Long.toUnsignedString(n) + " is outside 2.." + MAX_HEADER_BYTES
                    + " bytes (not a safetensors file?)");
        }
        if (n > size - 8) {
            throw new FormatException(source + ": header length " + n + " runs past the end of the file (" + size + " bytes): truncated?");
        }
        byte[] h = file.asSlice(8, n).toArray(ValueLayout.JAVA_BYTE);
        if (h[0] != '{') throw new FormatException(source + ": the header does not start with '{' (not a safetensors file?)");
        JsonNode root;
        try {
            StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(h)); // REPORTs malformed input
            root = HEADER_READER.readTree(h);
        } catch (CharacterCodingException e) {
            throw new FormatException(source + ": the header is not valid UTF-8");
        } catch (JsonProcessingException e) {
            throw new FormatException(source + ": the header is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new FormatException(source + ": cannot read the header: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) throw new FormatException(source + ": the header is not a JSON object");
        long dataLen = size - 8 - n;
        Map<String, String> meta = new LinkedHashMap<>();
        List<Entry> list = new ArrayList<>();
        for (var field : root.properties()) {
            String name = field.getKey();
            JsonNode v = field.getValue();
            if (name.equals(METADATA)) {
                if (!v.isObject()) throw new FormatException(source + ": __metadata__ must be an object of strings, got " + v.getNodeType());
                for (var m : v.properties()) {
                    if (!m.getValue().isTextual()) {
                        throw new FormatException(source + ": __metadata__ value '" + m.getKey() + "' must be a string, got " + m.getValue().getNodeType());
                    }
                    meta.put(m.getKey(), m.getValue().asText());
                }
                continue;
            }
            list.add(entry(source, name, v));
        }
        // the byte ranges must tile the data section exactly, in offset order
        List<Entry> sorted = new ArrayList<>(list);
        sorted.sort((a, b) -> a.begin != b.begin ? Long.compare(a.begin, b.begin) : Long.compare(a.end, b.end));
        long at = 0;
        for (Entry e : sorted) {
            if (e.begin != at) {
                throw new FormatException(source + ": tensor '" + e.name + "' starts at data offset " + e.begin + ", expected " + at
                        + (e.begin < at ? " (it overlaps the previous tensor)" : " (a gap before it)"));
            }
            at = e.end;
        }
        if (at != dataLen) {
            throw new FormatException(source + ": the tensors cover " + at + " bytes of data but the file holds " + dataLen
                    + (at > dataLen ? " (truncated?)" : " (trailing bytes)"));
        }
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (Entry e : list) entries.put(e.name, e);
        return new SafeTensors(source, arena, file.asSlice(8 + n), Collections.unmodifiableMap(entries),
                Collections.unmodifiableMap(meta), n);
    }

    private static Entry entry(String source, String name, JsonNode v) throws FormatException {
        String where = source + ": tensor '" + name + "'";
        if (!v.isObject()) throw new FormatException(where + ": expected {dtype, shape, data_offsets}, got " + v.getNodeType());
        JsonNode dt = v.get("dtype");
        if (dt == null || !dt.isTextual()) throw new FormatException(where + ": missing or non-string \"dtype\"");
        DType dtype;
        try {
            dtype = DType.valueOf(dt.asText());
        } catch (IllegalArgumentException e) {
            throw new FormatException(where + ": unknown dtype '" + dt.asText() + "' (expected one of " + Arrays.toString(DType.values()) + ")");
        }
        long[] shape = longs(where, "shape", v.get("shape"), -1);
        long[] off = longs(where, "data_offsets", v.get("data_offsets"), 2);
        if (off[0] > off[1]) throw new FormatException(where + ": data_offsets [" + off[0] + ", " + off[1] + "] end before they begin");
        long bytes;
        try {
            long elements = 1;
            for (long d : shape) elements = Math.multiplyExact(elements, d);
            bytes = Math.multiplyExact(elements, dtype.byteSize());
        } catch (ArithmeticException e) {
            throw new FormatException(where + ": shape " + Arrays.toString(shape) + " overflows 64-bit sizes");
        }
        if (off[1] - off[0] != bytes) {
            throw new FormatException(where + ": " + dtype + Arrays.toString(shape) + " needs " + bytes + " bytes but data_offsets ["
                    + off[0] + ", " + off[1] + "] span " + (off[1] - off[0]));
        }
        return new Entry(name, dtype, shape, off[0], off[1]);
    }

    private static long[] longs(String where, String field, JsonNode a, int length) throws FormatException {
        if (a == null || !a.isArray()) throw new FormatException(where + ": missing or non-array \"" + field + "\"");
        if (length >= 0 && a.size() != length) throw new FormatException(where + ": \"" + field + "\" must have " + length + " entries, got " + a.size());
        if (a.size() > 64) throw new FormatException(where + ": \"" + field + "\" has " + a.size() + " dimensions (at most 64)");
        long[] out = new long[a.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode x = a.get(i);
            if (!x.isIntegralNumber() || !x.canConvertToLong() || x.asLong() < 0) {
                throw new FormatException(where + ": \"" + field + "\"[" + i + "] must be an integer >= 0, got " + x);
            }
            out[i] = x.asLong();
        }
        return out;
    }

    /** Where the file came from, as named in error messages. */
    public String source() {
        return source;
    }

    /** Tensors in header order. */
    public Map<String, Entry> entries() {
        return entries;
    }

    /** The {@code __metadata__} map (empty when absent). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** Size of the JSON header in bytes (the data section starts at {@code 8 + headerBytes()}). */
    public long headerBytes() {
        return headerBytes;
    }

    public Entry entry(String name) throws FormatException {
        Entry e = entries.get(name);
        if (e == null) throw new FormatException(source + ": no tensor '" + name + "' (it holds " + entries.keySet() + ")");
        return e;
    }

    /** The raw little-endian bytes of one tensor: a view of the mapping, valid until {@link #close()}. */
    public MemorySegment segment(String name) throws FormatException {
        Entry e = entry(name);
        return data.asSlice(e.begin, e.end - e.begin);
    }

    /** All values of a floating-point tensor as float32 (F16 and BF16 widen exactly; F64 rounds). */
    public float[] floats(String name) throws FormatException {
        Entry e = entry(name);
        long n = e.elements();
        if (n > Integer.MAX_VALUE - 8) {
            throw new FormatException(source + ": tensor '" + name + "' has " + n + " elements, too many for one array; read it in"
                    + " ranges with floats(name, from, count) or use segment(name)");
        }
        return floats(name, 0, (int) n);
    }

    /** {@code count} values of a floating-point tensor from element {@code from} on, as float32. */
    public float[] floats(String name, long from, int count) throws FormatException {
        Entry e = entry(name);
        if (!e.dtype.convertsToFloat()) {
            throw new FormatException(source + ": tensor '" + name + "' is " + e.dtype + ", not a floating-point type (F32, F16, BF16, F64)");
        }
        if (from < 0 || count < 0 || from > e.elements() - count) {
            throw new IndexOutOfBoundsException("elements [" + from + ", " + from + "+" + count + ") of tensor '" + name + "' with "
                    + e.elements() + " elements");
        }
        long at = e.begin + from * e.dtype.byteSize();
        float[] out = new float[count];
        switch (e.dtype) {
            case F32 -> MemorySegment.copy(data, F32, at, out, 0, count);
            case F64 -> {
                for (int i = 0; i < count; i++) out[i] = (float) data.get(F64, at + 8L * i);
            }
            case F16 -> {
                for (int i = 0; i < count; i++) out[i] = Float.float16ToFloat(data.get(I16, at + 2L * i));
            }
            case BF16 -> {
                for (int i = 0; i < count; i++) out[i] = bf16ToFloat(data.get(I16, at + 2L * i));
            }
            default -> throw new AssertionError(e.dtype);
        }
        return out;
    }

    @Override
    public void close() {
        if (arena != null) arena.close();
    }

    /** bfloat16 bits to float32 (exact: bf16 is the top half of a float32). */
    public static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xffff) << 16);
    }

    /** float32 to bfloat16 bits, rounding to nearest even (as PyTorch does); NaN stays NaN. */
    public static short floatToBf16(float f) {
        int b = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) return (short) ((b >>> 16) | 0x0040);
        return (short) ((b + 0x7fff + ((b >>> 16) & 1)) >>> 16);
    }

    /**
     * Writes {@code tensors} (in this order) as {@code dtype} (F32, F16 or BF16) with {@code metadata},
     * replacing {@code file} atomically. Offsets are 64-bit, and the data is streamed, so the file
     * may exceed 2 GiB.
     */
    public static void write(Path file, List<Data> tensors, DType dtype, Map<String, String> metadata) throws IOException {
        if (dtype != DType.F32 && dtype != DType.F16 && dtype != DType.BF16) {
            throw new IllegalArgumentException("safetensors export writes F32, F16 or BF16, not " + dtype);
        }
        byte[] header = header(tensors, dtype, metadata);
        AtomicFiles.write(file, ch -> {
            ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
            buf.putLong(header.length);
            putAll(ch, buf, header);
            for (Data t : tensors) {
                for (float f : t.values) {
                    if (buf.remaining() < 4) drain(ch, buf);
                    switch (dtype) {
                        case F32 -> buf.putFloat(f);
                        case F16 -> buf.putShort(Float.floatToFloat16(f));
                        default -> buf.putShort(floatToBf16(f));
                    }
                }
            }
            drain(ch, buf);
        });
    }

    /** The JSON header for {@code tensors} laid out contiguously in order, padded with spaces to a multiple of 8 bytes. */
    static byte[] header(List<Data> tensors, DType dtype, Map<String, String> metadata) throws IOException {
        ObjectNode root = Json.object();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode m = root.putObject(METADATA);
            metadata.forEach(m::put);
        }
        long at = 0;
        for (Data t : tensors) {
            if (t.name.equals(METADATA)) throw new IllegalArgumentException("a tensor may not be named " + METADATA);
            if (root.has(t.name)) throw new IllegalArgumentException("two tensors are named '" + t.name + "'");
            ObjectNode o = root.putObject(t.name);
            o.put("dtype", dtype.name());
            ArrayNode sh = o.putArray("shape");
            for (long d : t.shape) sh.add(d);
            long bytes = (long) t.values.length * dtype.byteSize();
            o.putArray("data_offsets").add(at).add(at + bytes);
            at += bytes;
        }
        byte[] json = Json.MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(root);
        int padded = (json.length + 7) & ~7;
        byte[] out = Arrays.copyOf(json, padded);
        Arrays.fill(out, json.length, padded, (byte) ' ');
        return out;
    }

    private static void putAll(FileChannel ch, ByteBuffer buf, byte[] bytes) throws IOException {
        int at = 0;
        while (at < bytes.length) {
            if (!buf.hasRemaining()) drain(ch, buf);
            int k = Math.min(buf.remaining(), bytes.length - at);
            buf.put(bytes, at, k);
            at += k;
        }
    }

    private static void drain(FileChannel ch, ByteBuffer buf) throws IOException {
        buf.flip();
        while (buf.hasRemaining()) ch.write(buf);
        buf.clear();
    }
}
