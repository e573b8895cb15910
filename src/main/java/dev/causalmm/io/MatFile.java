package dev.causalmm.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A small, strict reader of MATLAB level-5 MAT-files (what {@code save -v7} and {@code -v6}
 * write, and SciPy's {@code savemat}), which hands v7.3 files (HDF5) to {@link Hdf5MatFile}: plain and zlib-compressed ({@code miCOMPRESSED}) variables,
 * both byte orders, the numeric classes double, single, int8…int64, uint8…uint64 and logical, char
 * arrays, cell arrays (nested) and sparse matrices. Structs, objects and function handles are
 * recognised and returned as {@link ArrayValue.Opaque}; complex numbers are refused.
 *
 * <p>Every size the file declares is checked against the bytes that remain (or, inside a
 * compressed variable, against {@link #MAX_INFLATED} bytes) before anything is allocated, and every
 * error is a {@link FormatException} naming the file, the variable and what was expected.
 */
public final class MatFile {
    /** The most bytes one compressed variable may inflate to. */
    public static final long MAX_INFLATED = Integer.MAX_VALUE - 64;
    private static final int MAX_DEPTH = 32;

    private static final int MI_INT8 = 1, MI_UINT8 = 2, MI_INT16 = 3, MI_UINT16 = 4, MI_INT32 = 5, MI_UINT32 = 6,
            MI_SINGLE = 7, MI_DOUBLE = 9, MI_INT64 = 12, MI_UINT64 = 13, MI_MATRIX = 14, MI_COMPRESSED = 15,
            MI_UTF8 = 16, MI_UTF16 = 17, MI_UTF32 = 18;
    private static final String[] CLASS_NAMES = {"?", "cell", "struct", "object", "char", "sparse", "double", "single",
            "int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64", "function", "opaque"};

    private final String source;
    private final long maxInflated;

    private MatFile(String source, long maxInflated) {
        this.source = source;
        this.maxInflated = maxInflated;
    }

    /** Reads every variable of {@code file}, in file order. */
    public static Map<String, ArrayValue> read(Path file) throws IOException {
        long size = Files.size(file);
        if (size > Integer.MAX_VALUE - 8) throw new FormatException(file + ": " + size + " bytes; MAT-files over 2 GiB are not supported");
        return read(Files.readAllBytes(file), file.toString());
    }

    /** Reads every variable of the MAT-file {@code bytes}; {@code source} names it in messages. */
    public static Map<String, ArrayValue> read(byte[] bytes, String source) throws FormatException {
        return read(bytes, source, MAX_INFLATED);
    }

    /** As {@link #read(byte[], String)}, inflating no compressed variable beyond {@code maxInflated} bytes. */
    public static Map<String, ArrayValue> read(byte[] bytes, String source, long maxInflated) throws FormatException {
        return new MatFile(source, maxInflated).parse(bytes);
    }

    /** True when {@code head} starts like a MAT-file (level 5 or 7.3) header. */
    public static boolean looksLikeMat(byte[] head) {
        return head.length >= 6 && new String(head, 0, 6, StandardCharsets.ISO_8859_1).equals("MATLAB");
    }

    private Map<String, ArrayValue> parse(byte[] bytes) throws FormatException {
        if (Hdf5MatFile.isHdf5(bytes)) return Hdf5MatFile.read(bytes, source, maxInflated);
        if (!looksLikeMat(bytes)) {
            throw new FormatException(source + ": not a MATLAB v5 MAT-file (its header does not start with 'MATLAB';"
                    + " MATLAB v4 files are not supported: save it with -v7)");
        }
        if (bytes.length < 128) {
            throw new FormatException(source + ": truncated MAT-file header: " + bytes.length + " bytes, the header alone is 128");
        }
        String text = new String(bytes, 0, 116, StandardCharsets.ISO_8859_1);
        ByteOrder order;
        if (bytes[126] == 'I' && bytes[127] == 'M') order = ByteOrder.LITTLE_ENDIAN;
        else if (bytes[126] == 'M' && bytes[127] == 'I') order = ByteOrder.BIG_ENDIAN;
        else throw new FormatException(source + ": bad MAT-file endian indicator at byte 126 (expected 'IM' or 'MI')");
        int version = ByteBuffer.wrap(bytes, 124, 2).order(order).getShort() & 0xffff;
        if (text.startsWith("MATLAB 7.3") || version == 0x0200) {
            throw new FormatException(source + ": a MATLAB v7.3 header without the HDF5 file it should be followed by at byte 512");
        }
        if (version != 0x0100) {
            throw new FormatException(source + ": unsupported MAT-file version 0x" + Integer.toHexString(version) + " (expected 0x0100, level 5)");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(order);
        b.position(128);
        Map<String, ArrayValue> vars = new LinkedHashMap<>();
        int index = 0;
        while (b.remaining() > 0) {
            String where = "variable #" + (index + 1);
            if (b.remaining() < 8) throw new FormatException(source + ": " + where + ": truncated tag (" + b.remaining() + " bytes left)");
            int start = b.position();
            int type = b.getInt();
            long n = b.getInt() & 0xffffffffL;
            if ((type >>> 16) != 0) throw new FormatException(source + ": " + where + " at byte " + start + ": a top-level element cannot be a small data element");
            if (n > b.remaining()) {
                throw new FormatException(source + ": " + where + " at byte " + start + ": declares " + n + " bytes but only "
                        + b.remaining() + " remain (truncated file?)");
            }
            ByteBuffer body = b.slice(b.position(), (int) n).order(order);
            Named v;
            if (type == MI_COMPRESSED) {
                byte[] inflated = inflate(bytes, b.position(), (int) n, where);
                b.position(b.position() + (int) n);
                ByteBuffer ib = ByteBuffer.wrap(inflated).order(order);
                if (ib.remaining() < 8) throw new FormatException(source + ": " + where + ": compressed data holds no element");
                int t2 = ib.getInt();
                long n2 = ib.getInt() & 0xffffffffL;
                if (t2 != MI_MATRIX) throw new FormatException(source + ": " + where + ": compressed element of type " + t2 + ", expected miMATRIX (14)");
                if (n2 > ib.remaining()) {
                    throw new FormatException(source + ": " + where + ": declares " + n2 + " bytes but its compressed data inflates to "
                            + ib.remaining());
                }
                v = matrix(ib.slice(ib.position(), (int) n2).order(order), where, 0, true);
            } else if (type == MI_MATRIX) {
                v = matrix(body, where, 0, true);
                b.position(b.position() + (int) n);
                skipPadding(b, n);
            } else {
                throw new FormatException(source + ": " + where + " at byte " + start + ": element of type " + type
                        + ", expected miMATRIX (14) or miCOMPRESSED (15)");
            }
            if (v.name.isEmpty()) throw new FormatException(source + ": " + where + ": a variable without a name");
            if (vars.containsKey(v.name)) throw new FormatException(source + ": variable '" + v.name + "' appears twice");
            vars.put(v.name, v.value);
            index++;
        }
        return vars;
    }

    private static void skipPadding(ByteBuffer b, long n) {
        int pad = (int) ((8 - (n % 8)) % 8);
        b.position(Math.min(b.limit(), b.position() + pad));
    }

    private byte[] inflate(byte[] bytes, int off, int len, String where) throws FormatException {
        Inflater inf = new Inflater();
        try {
            inf.setInput(bytes, off, len);
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(len * 4 + 64, 1 << 20));
            byte[] buf = new byte[1 << 16];
            while (!inf.finished()) {
                int k = inf.inflate(buf);
                if (k == 0) {
                    if (inf.needsInput()) throw new FormatException(source + ": " + where + ": compressed data is truncated");
                    if (inf.needsDictionary()) throw new FormatException(source + ": " + where + ": compressed data needs a preset dictionary");
                }
                if ((long) out.size() + k > maxInflated) {
                    throw new FormatException(source + ": " + where + ": compressed data inflates to more than " + maxInflated + " bytes");
                }
                out.write(buf, 0, k);
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            throw new FormatException(source + ": " + where + ": corrupt compressed data (" + e.getMessage() + ")", e);
        } finally {
            inf.end();
        }
    }

    private record Named(String name, ArrayValue value) {}

    /** One data element read from {@code b}: its type and a slice holding its bytes. */
    private record Element(int type, ByteBuffer data) {}

    private Element element(ByteBuffer b, String where, String what) throws FormatException {
        if (b.remaining() < 8) throw new FormatException(source + ": " + where + ": truncated before its " + what);
        int first = b.getInt();
        if ((first >>> 16) != 0) { // small data element: size in the upper half, data in the next 4 bytes
            int type = first & 0xffff;
            int n = first >>> 16;
            if (n > 4) throw new FormatException(source + ": " + where + ": " + what + " is a small element of " + n + " bytes (at most 4)");
            ByteBuffer d = b.slice(b.position(), n).order(b.order());
            b.position(b.position() + 4);
            return new Element(type, d);
        }
        long n = b.getInt() & 0xffffffffL;
        if (n > b.remaining()) {
            throw new FormatException(source + ": " + where + ": " + what + " declares " + n + " bytes but only " + b.remaining() + " remain");
        }
        ByteBuffer d = b.slice(b.position(), (int) n).order(b.order());
        b.position(b.position() + (int) n);
        skipPadding(b, n);
        return new Element(first, d);
    }

    private static int typeSize(int type) {
        return switch (type) {
            case MI_INT8, MI_UINT8, MI_UTF8 -> 1;
            case MI_INT16, MI_UINT16, MI_UTF16 -> 2;
            case MI_INT32, MI_UINT32, MI_SINGLE, MI_UTF32 -> 4;
            case MI_DOUBLE, MI_INT64, MI_UINT64 -> 8;
            default -> 0;
        };
    }

    private Named matrix(ByteBuffer b, String where, int depth, boolean named) throws FormatException {
        if (depth > MAX_DEPTH) throw new FormatException(source + ": " + where + ": cells nested deeper than " + MAX_DEPTH);
        if (b.remaining() == 0) return new Named("", new ArrayValue.Numeric(new int[] {0, 0}, new double[0], "double")); // empty cell element
        Element flags = element(b, where, "array flags");
        if (flags.type != MI_UINT32 || flags.data.remaining() != 8) {
            throw new FormatException(source + ": " + where + ": array flags must be 8 bytes of miUINT32, got type " + flags.type
                    + " with " + flags.data.remaining() + " bytes");
        }
        int f0 = flags.data.getInt();
        long nzmax = flags.data.getInt() & 0xffffffffL;
        int cls = f0 & 0xff;
        boolean complex = (f0 & 0x0800) != 0;
        boolean logical = (f0 & 0x0200) != 0;
        Element dimsEl = element(b, where, "dimensions");
        if (dimsEl.type != MI_INT32 || dimsEl.data.remaining() % 4 != 0 || dimsEl.data.remaining() < 8) {
            throw new FormatException(source + ": " + where + ": dimensions must be at least two miINT32 values, got type "
                    + dimsEl.type + " with " + dimsEl.data.remaining() + " bytes");
        }
        int[] dims = new int[dimsEl.data.remaining() / 4];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = dimsEl.data.getInt();
            if (dims[i] < 0) throw new FormatException(source + ": " + where + ": negative dimension " + dims[i]);
        }
        long count = Shapes.count(dims);
        if (count < 0 || count > Integer.MAX_VALUE - 8) {
            throw new FormatException(source + ": " + where + ": dimensions " + Shapes.text(dims) + " hold too many elements");
        }
        Element nameEl = element(b, where, "name");
        if (nameEl.type != MI_INT8 && nameEl.type != MI_UINT8 && nameEl.type != MI_UTF8) {
            throw new FormatException(source + ": " + where + ": array name of type " + nameEl.type + ", expected miINT8");
        }
        byte[] nb = new byte[nameEl.data.remaining()];
        nameEl.data.get(nb);
        String name = new String(nb, StandardCharsets.UTF_8);
        if (named && !name.isEmpty()) where = "variable '" + name + "'";
        String wn = where;
        if (cls <= 0 || cls >= CLASS_NAMES.length) throw new FormatException(source + ": " + wn + ": unknown array class " + cls);
        if (complex && cls != 1 && cls != 2 && cls != 3) {
            throw new FormatException(source + ": " + wn + ": complex " + CLASS_NAMES[cls] + " arrays are not supported (expected real numbers)");
        }
        ArrayValue value = switch (cls) {
            case 1 -> { // cell
                List<ArrayValue> f = new ArrayList<>((int) Math.min(count, b.remaining() / 8 + 1));
                for (long i = 0; i < count; i++) {
                    String wi = wn + " cell {" + (i + 1) + "}";
                    if (b.remaining() < 8) throw new FormatException(source + ": " + wi + ": truncated (expected " + count + " cells)");
                    Element e = element(b, wi, "cell element");
                    if (e.type != MI_MATRIX) throw new FormatException(source + ": " + wi + ": element of type " + e.type + ", expected miMATRIX (14)");
                    f.add(matrix(e.data, wi, depth + 1, false).value);
                }
                yield new ArrayValue.Cell(cToDims(dims), reorder(f, dims));
            }
            case 2, 3, 16, 17 -> new ArrayValue.Opaque(dims, CLASS_NAMES[cls]);
            case 4 -> text(b, wn, dims, count);
            case 5 -> sparse(b, wn, dims, nzmax, logical);
            default -> {
                Element re = element(b, wn, "real part");
                double[] v = numbers(re, wn, count, "real part");
                yield new ArrayValue.Numeric(dims, Shapes.fortranToC(v, dims), logical ? "logical" : CLASS_NAMES[cls]);
            }
        };
        return new Named(name, value);
    }

    private static int[] cToDims(int[] dims) {
        return dims.clone();
    }

    /** Cells come in column-major order; returns them row-major. */
    private static List<ArrayValue> reorder(List<ArrayValue> f, int[] dims) {
        if (dims.length < 2 || f.size() < 2) return f;
        int[] idx = new int[f.size()];
        double[] pos = new double[f.size()];
        for (int i = 0; i < pos.length; i++) pos[i] = i;
        double[] c = Shapes.fortranToC(pos, dims);
        List<ArrayValue> out = new ArrayList<>(f.size());
        for (int i = 0; i < c.length; i++) idx[i] = (int) c[i];
        for (int i : idx) out.add(f.get(i));
        return out;
    }

    private double[] numbers(Element e, String where, long count, String what) throws FormatException {
        int size = typeSize(e.type);
        if (size == 0 || e.type == MI_UTF8 || e.type == MI_UTF16 || e.type == MI_UTF32) {
            throw new FormatException(source + ": " + where + ": " + what + " of data type " + e.type + ", expected a numeric type");
        }
        ByteBuffer d = e.data;
        if (d.remaining() != count * size) {
            throw new FormatException(source + ": " + where + ": " + what + " holds " + d.remaining() + " bytes, expected " + count
                    + " values of " + size + " bytes");
        }
        double[] v = new double[(int) count];
        switch (e.type) {
            case MI_INT8 -> { for (int i = 0; i < v.length; i++) v[i] = d.get(); }
            case MI_UINT8 -> { for (int i = 0; i < v.length; i++) v[i] = d.get() & 0xff; }
            case MI_INT16 -> { for (int i = 0; i < v.length; i++) v[i] = d.getShort(); }
            case MI_UINT16 -> { for (int i = 0; i < v.length; i++) v[i] = d.getShort() & 0xffff; }
            case MI_INT32 -> { for (int i = 0; i < v.length; i++) v[i] = d.getInt(); }
            case MI_UINT32 -> { for (int i = 0; i < v.length; i++) v[i] = d.getInt() & 0xffffffffL; }
            case MI_SINGLE -> { for (int i = 0; i < v.length; i++) v[i] = d.getFloat(); }
            case MI_DOUBLE -> d.asDoubleBuffer().get(v);
            case MI_INT64 -> { for (int i = 0; i < v.length; i++) v[i] = d.getLong(); }
            case MI_UINT64 -> {
                for (int i = 0; i < v.length; i++) {
                    long x = d.getLong();
                    v[i] = x >= 0 ? x : (double) (x >>> 1) * 2.0 + (x & 1);
                }
            }
            default -> throw new FormatException(source + ": " + where + ": unsupported data type " + e.type);
        }
        return v;
    }

    private ArrayValue text(ByteBuffer b, String where, int[] dims, long count) throws FormatException {
        Element e = element(b, where, "characters");
        String s;
        byte[] raw = new byte[e.data.remaining()];
        e.data.get(raw);
        switch (e.type) {
            case MI_UINT16, MI_UTF16, MI_INT16 -> {
                if (raw.length != count * 2) throw new FormatException(source + ": " + where + ": " + raw.length + " bytes of characters, expected " + count * 2);
                s = new String(raw, e.data.order() == ByteOrder.BIG_ENDIAN ? StandardCharsets.UTF_16BE : StandardCharsets.UTF_16LE);
            }
            case MI_UINT8, MI_INT8, MI_UTF8 -> s = new String(raw, StandardCharsets.UTF_8);
            default -> throw new FormatException(source + ": " + where + ": characters of data type " + e.type + ", expected miUTF16/miUINT16/miUTF8");
        }
        if (dims.length == 2 && dims[0] > 1 && e.type != MI_UTF8 && s.length() == count) { // column-major char matrix: rows of text
            StringBuilder out = new StringBuilder();
            for (int r = 0; r < dims[0]; r++) {
                if (r > 0) out.append('\n');
                for (int c = 0; c < dims[1]; c++) out.append(s.charAt(c * dims[0] + r));
            }
            s = out.toString();
        }
        return new ArrayValue.Text(dims, s);
    }

    private ArrayValue sparse(ByteBuffer b, String where, int[] dims, long nzmax, boolean logical) throws FormatException {
        if (dims.length != 2) throw new FormatException(source + ": " + where + ": a sparse array must be 2-D, got " + Shapes.text(dims));
        int rows = dims[0], cols = dims[1];
        Element ir = element(b, where, "sparse row indices");
        Element jc = element(b, where, "sparse column starts");
        if (ir.type != MI_INT32 && ir.type != MI_UINT32 || jc.type != MI_INT32 && jc.type != MI_UINT32) {
            throw new FormatException(source + ": " + where + ": sparse indices must be miINT32");
        }
        if (jc.data.remaining() != 4L * (cols + 1)) {
            throw new FormatException(source + ": " + where + ": sparse column starts hold " + jc.data.remaining() + " bytes, expected "
                    + 4L * (cols + 1) + " (" + (cols + 1) + " values)");
        }
        int[] colStart = new int[cols + 1];
        for (int i = 0; i <= cols; i++) colStart[i] = jc.data.getInt();
        int nnz = colStart[cols];
        if (colStart[0] != 0 || nnz < 0 || nnz > ir.data.remaining() / 4) {
            throw new FormatException(source + ": " + where + ": sparse column starts run from " + colStart[0] + " to " + nnz
                    + ", expected 0 to at most " + ir.data.remaining() / 4 + " non-zeros");
        }
        for (int i = 0; i < cols; i++) {
            if (colStart[i + 1] < colStart[i]) throw new FormatException(source + ": " + where + ": sparse column starts decrease at column " + (i + 1));
        }
        int[] rowIndex = new int[nnz];
        for (int i = 0; i < nnz; i++) {
            rowIndex[i] = ir.data.getInt();
            if (rowIndex[i] < 0 || rowIndex[i] >= rows) {
                throw new FormatException(source + ": " + where + ": sparse row index " + rowIndex[i] + " outside [0, " + rows + ")");
            }
        }
        double[] values;
        if (b.remaining() == 0 && logical) {
            values = new double[nnz];
            java.util.Arrays.fill(values, 1);
        } else {
            Element pr = element(b, where, "sparse values");
            int size = typeSize(pr.type);
            if (size == 0) throw new FormatException(source + ": " + where + ": sparse values of data type " + pr.type + ", expected numbers");
            long have = pr.data.remaining() / size;
            if (have < nnz) throw new FormatException(source + ": " + where + ": " + have + " sparse values for " + nnz + " non-zeros");
            Element trimmed = new Element(pr.type, pr.data.slice(0, nnz * size).order(pr.data.order()));
            values = numbers(trimmed, where, nnz, "sparse values");
        }
        return new ArrayValue.Sparse(rows, cols, colStart, rowIndex, values, logical ? "logical" : "double");
    }
}
