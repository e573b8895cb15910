package dev.causalmm.io;

import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.object.datatype.Reference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * MATLAB v7.3 MAT-files ({@code save -v7.3}): HDF5 behind a 512-byte user block that holds the MAT
 * header. Returns the same {@link ArrayValue}s as the level-5 reader of {@link MatFile} for the same
 * variables: MATLAB's dimensions (HDF5 keeps them reversed, the data column-major) with the data
 * row-major; cells resolved through their object references into {@code /#refs#}; {@code char}
 * as text, {@code logical} as numbers typed {@code logical}; sparse matrices from their
 * {@code data/ir/jc}; structs, objects and function handles as {@link ArrayValue.Opaque}.
 */
final class Hdf5MatFile {
    private static final int MAX_DEPTH = 32;
    /** The most values (variables and cells) one file may expand to: cells may share or cycle through references. */
    private static final int MAX_VALUES = 1_000_000;
    private final HdfFile file;
    private final String source;
    private final long maxBytes;
    private int visited;

    private Hdf5MatFile(HdfFile file, String source, long maxBytes) {
        this.file = file;
        this.source = source;
        this.maxBytes = maxBytes;
    }

    /** True when {@code bytes} is an HDF5 file, bare or behind the 512-byte MAT header of v7.3. */
    static boolean isHdf5(byte[] bytes) {
        if (Hdf5File.looksLikeHdf5(bytes)) return true;
        return bytes.length >= 520 && Hdf5File.looksLikeHdf5(Arrays.copyOfRange(bytes, 512, 520));
    }

    /** Every top-level variable of the v7.3 file {@code bytes}, in the file's order. */
    static Map<String, ArrayValue> read(byte[] bytes, String source, long maxBytes) throws FormatException {
        return Hdf5File.open(source, () -> HdfFile.fromBytes(bytes), h -> new Hdf5MatFile(h, source, maxBytes).variables());
    }

    private Map<String, ArrayValue> variables() {
        Map<String, ArrayValue> out = new LinkedHashMap<>();
        for (Map.Entry<String, Node> e : file.getChildren().entrySet()) {
            if (e.getKey().startsWith("#")) continue; // #refs#, #subsystem#: what cells point into
            out.put(e.getKey(), value(e.getValue(), e.getKey(), 0));
        }
        return out;
    }

    private ArrayValue value(Node n, String where, int depth) {
        if (depth > MAX_DEPTH) throw new Hdf5File.Failure(source + ": variable '" + where + "': cells nested deeper than " + MAX_DEPTH);
        if (++visited > MAX_VALUES) throw new Hdf5File.Failure(source + ": more than " + MAX_VALUES + " variables and cells");
        String cls = attribute(n, "MATLAB_class");
        if (n instanceof Group g) {
            if (g.getAttributes().containsKey("MATLAB_sparse")) return sparse(g, where, cls);
            return new ArrayValue.Opaque(new int[] {1, 1}, cls == null ? "struct" : cls);
        }
        if (!(n instanceof Dataset d)) throw new Hdf5File.Failure(source + ": variable '" + where + "' is neither a dataset nor a group");
        if (d.getAttributes().containsKey("MATLAB_empty")) return empty(d, where, cls);
        if (cls == null) throw new Hdf5File.Failure(source + ": variable '" + where + "' has no MATLAB_class attribute (not a v7.3 MAT-file variable?)");
        int[] dims = reversed(Hdf5File.dims(d, source));
        return switch (cls) {
            case "cell" -> cell(d, dims, where, depth);
            case "char" -> text(d, dims, where);
            case "double", "single", "int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64", "logical" -> {
                if (d.isCompound()) throw new Hdf5File.Failure(source + ": variable '" + where + "': complex numbers are not supported");
                ArrayValue.Numeric raw = Hdf5File.numeric(d, source + ": variable '" + where + "'", maxBytes);
                yield new ArrayValue.Numeric(dims, Shapes.fortranToC(raw.data(), dims), cls);
            }
            default -> new ArrayValue.Opaque(dims, cls);
        };
    }

    private ArrayValue cell(Dataset d, int[] dims, String where, int depth) {
        if (!(d.getDataType() instanceof Reference)) throw new Hdf5File.Failure(source + ": cell '" + where + "' does not hold object references");
        long n = Shapes.count(dims);
        if (n > maxBytes / 8) throw new Hdf5File.Failure(source + ": cell '" + where + "' declares " + n + " cells");
        Object data = d.getDataFlat();
        if (!(data instanceof long[] addr) || addr.length != n) {
            throw new Hdf5File.Failure(source + ": cell '" + where + "': unexpected reference data");
        }
        List<ArrayValue> cells = new ArrayList<>(addr.length);
        for (int i = 0; i < addr.length; i++) {
            cells.add(value(file.getNodeByAddress(addr[i]), where + "{" + (i + 1) + "}", depth + 1));
        }
        return new ArrayValue.Cell(dims, colMajorToRowMajor(cells, dims));
    }

    private ArrayValue text(Dataset d, int[] dims, String where) {
        double[] codes = Hdf5File.numeric(d, source + ": variable '" + where + "'", maxBytes).data(); // column-major
        int rows = dims.length == 0 ? 1 : dims[0];
        int cols = rows == 0 ? 0 : codes.length / rows;
        StringBuilder b = new StringBuilder();
        for (int r = 0; r < rows; r++) {
            if (r > 0) b.append('\n');
            for (int c = 0; c < cols; c++) b.append((char) codes[r + c * rows]);
        }
        return new ArrayValue.Text(dims, b.toString());
    }

    private ArrayValue empty(Dataset d, String where, String cls) {
        double[] stored = Hdf5File.numeric(d, source + ": variable '" + where + "'", maxBytes).data(); // MATLAB's dimensions
        int[] dims = new int[stored.length];
        for (int i = 0; i < dims.length; i++) dims[i] = (int) Math.max(0, Math.min(stored[i], Integer.MAX_VALUE));
        if (Shapes.count(dims) != 0) dims = new int[] {0, 0};
        String type = cls == null || cls.equals("canonical empty") ? "double" : cls;
        return switch (type) {
            case "cell" -> new ArrayValue.Cell(dims, List.of());
            case "char" -> new ArrayValue.Text(dims, "");
            default -> new ArrayValue.Numeric(dims, new double[0], type);
        };
    }

    private ArrayValue sparse(Group g, String where, String cls) {
        long rows = ((Number) attributeData(g, "MATLAB_sparse")).longValue();
        double[] jc = child(g, "jc", where);
        int cols = jc.length - 1;
        double[] ir = g.getChildren().containsKey("ir") ? child(g, "ir", where) : new double[0];
        double[] values = g.getChildren().containsKey("data") ? child(g, "data", where) : new double[0];
        if (rows < 0 || rows > Integer.MAX_VALUE || cols < 0 || ir.length != values.length) {
            throw new Hdf5File.Failure(source + ": sparse '" + where + "': inconsistent data/ir/jc");
        }
        int[] start = new int[jc.length];
        int[] index = new int[ir.length];
        for (int i = 0; i < jc.length; i++) {
            start[i] = (int) jc[i];
            if (start[i] < 0 || start[i] > ir.length || (i > 0 && start[i] < start[i - 1])) {
                throw new Hdf5File.Failure(source + ": sparse '" + where + "': column offsets out of order");
            }
        }
        for (int i = 0; i < ir.length; i++) {
            index[i] = (int) ir[i];
            if (index[i] < 0 || index[i] >= rows) throw new Hdf5File.Failure(source + ": sparse '" + where + "': row index " + ir[i]);
        }
        return new ArrayValue.Sparse((int) rows, cols, start, index, values, cls == null ? "double" : cls);
    }

    private double[] child(Group g, String name, String where) {
        if (!(g.getChildren().get(name) instanceof Dataset d)) throw new Hdf5File.Failure(source + ": sparse '" + where + "' has no '" + name + "'");
        return Hdf5File.numeric(d, source + ": sparse '" + where + "'", maxBytes).data();
    }

    private String attribute(Node n, String name) {
        Object o = attributeData(n, name);
        if (o instanceof String[] a && a.length == 1) o = a[0];
        return o instanceof String s ? s : null;
    }

    private static Object attributeData(Node n, String name) {
        Attribute a = n.getAttributes().get(name);
        return a == null ? null : a.getData();
    }

    private static int[] reversed(int[] d) {
        int[] r = new int[d.length];
        for (int i = 0; i < d.length; i++) r[i] = d[d.length - 1 - i];
        if (r.length == 1) return new int[] {r[0], 1};
        return r;
    }

    private static List<ArrayValue> colMajorToRowMajor(List<ArrayValue> f, int[] dims) {
        if (dims.length < 2 || f.size() < 2) return f;
        double[] pos = new double[f.size()];
        for (int i = 0; i < pos.length; i++) pos[i] = i;
        double[] c = Shapes.fortranToC(pos, dims);
        List<ArrayValue> out = new ArrayList<>(f.size());
        for (double i : c) out.add(f.get((int) i));
        return out;
    }
}
