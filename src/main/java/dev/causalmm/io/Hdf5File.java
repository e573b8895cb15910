package dev.causalmm.io;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.object.datatype.FixedPoint;
import io.jhdf.object.datatype.FloatingPoint;
import java.io.IOException;
import java.lang.reflect.Array;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * HDF5 files through jhdf (pure Java, no native libhdf5): every numeric dataset as a row-major
 * {@link ArrayValue.Numeric} with the file's own dimensions (HDF5 stores C order).
 *
 * <p>jhdf was written for trusted files: on a damaged or hostile one it may throw any runtime
 * exception. Every such failure becomes a {@link FormatException} naming the file (and the dataset
 * path where one is known), and a dataset's declared size is checked against a byte limit before
 * jhdf allocates it, so a header claiming terabytes is refused instead of exhausting the heap.
 */
public final class Hdf5File {
    /** The most bytes one dataset may decode to (as doubles). */
    public static final long MAX_BYTES = Integer.MAX_VALUE - 64;
    private static final int MAX_DEPTH = 32;
    private static final int MAX_NODES = 100_000;
    private static final byte[] SIGNATURE = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};

    private Hdf5File() {}

    /** True when {@code head} starts with the HDF5 signature (a file without a user block). */
    public static boolean looksLikeHdf5(byte[] head) {
        if (head.length < SIGNATURE.length) return false;
        for (int i = 0; i < SIGNATURE.length; i++) if (head[i] != SIGNATURE[i]) return false;
        return true;
    }

    /** Every dataset of {@code file} by its path without the leading slash ({@code d1}, {@code group/x}). */
    public static Map<String, ArrayValue> read(Path file) throws IOException {
        if (!Files.exists(file)) throw new NoSuchFileException(file + ": no such HDF5 file");
        return open(file.toString(), () -> new HdfFile(file), h -> readAll(h, file.toString(), MAX_BYTES));
    }

    /** As {@link #read(Path)} for the bytes of an HDF5 file; no dataset may decode beyond {@code maxBytes}. */
    public static Map<String, ArrayValue> read(byte[] bytes, String source, long maxBytes) throws FormatException {
        return open(source, () -> HdfFile.fromBytes(bytes), h -> readAll(h, source, maxBytes));
    }

    /** The numeric dataset at {@code path} of {@code file}; a clear error names the file and path when it is missing. */
    public static ArrayValue.Numeric dataset(Path file, String path) throws IOException {
        if (!Files.exists(file)) throw new NoSuchFileException(file + ": no such HDF5 file");
        return open(file.toString(), () -> new HdfFile(file), h -> {
            Node n = h.getChildren().get(path);
            if (n == null && path.contains("/")) n = h.getByPath(path);
            if (!(n instanceof Dataset d)) {
                throw new Failure(file + ": no dataset '" + path + "' (the file holds " + h.getChildren().keySet() + ")");
            }
            return numeric(d, file.toString(), MAX_BYTES);
        });
    }

    /** The file's one dataset at the top level, or the one named {@code preferred} when it holds several. */
    public static ArrayValue.Numeric single(Path file, String preferred) throws IOException {
        if (!Files.exists(file)) throw new NoSuchFileException(file + ": no such HDF5 file");
        return open(file.toString(), () -> new HdfFile(file), h -> {
            List<Dataset> all = new ArrayList<>();
            for (Node n : h.getChildren().values()) if (n instanceof Dataset d) all.add(d);
            Node n = all.size() == 1 ? all.getFirst() : h.getChildren().get(preferred);
            if (!(n instanceof Dataset d)) {
                throw new Failure(file + ": holds " + h.getChildren().keySet() + "; expected one dataset (or one named '" + preferred + "')");
            }
            return numeric(d, file.toString(), MAX_BYTES);
        });
    }

    /** Opens the file, runs {@code body}, and turns every failure of jhdf into a {@link FormatException}. */
    static <T> T open(String source, Callable<HdfFile> opener, Function<HdfFile, T> body) throws FormatException {
        try (HdfFile h = opener.call()) {
            return body.apply(h);
        } catch (Failure e) {
            throw new FormatException(e.getMessage());
        } catch (Exception | StackOverflowError e) {
            throw new FormatException(source + ": not a readable HDF5 file (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
        }
    }

    private static Map<String, ArrayValue> readAll(HdfFile h, String source, long maxBytes) {
        Map<String, ArrayValue> out = new LinkedHashMap<>();
        walk(h, "", source, maxBytes, out, 0);
        return out;
    }

    private static void walk(Group g, String prefix, String source, long maxBytes, Map<String, ArrayValue> out, int depth) {
        if (depth > MAX_DEPTH) throw new Failure(source + ": groups nested deeper than " + MAX_DEPTH + " at '" + prefix + "'");
        for (Map.Entry<String, Node> e : g.getChildren().entrySet()) {
            if (out.size() >= MAX_NODES) throw new Failure(source + ": more than " + MAX_NODES + " datasets");
            String path = prefix + e.getKey();
            switch (e.getValue()) {
                case Group sub -> walk(sub, path + "/", source, maxBytes, out, depth + 1);
                case Dataset d -> out.put(path, isNumeric(d) ? numeric(d, source, maxBytes)
                        : new ArrayValue.Opaque(dims(d, source), "HDF5 " + d.getJavaType().getSimpleName()));
                default -> { }
            }
        }
    }

    static boolean isNumeric(Dataset d) {
        return d.getDataType() instanceof FloatingPoint || d.getDataType() instanceof FixedPoint;
    }

    /** The dataset's dimensions, refused when they are negative or overflow. */
    static int[] dims(Dataset d, String source) {
        long[] l = d.getDimensionsAsLong();
        int[] s = new int[l.length];
        for (int i = 0; i < l.length; i++) {
            if (l[i] < 0 || l[i] > Integer.MAX_VALUE - 8) throw new Failure(source + ": dataset '" + d.getPath() + "' has dimension " + l[i]);
            s[i] = (int) l[i];
        }
        if (Shapes.count(s) < 0) throw new Failure(source + ": dataset '" + d.getPath() + "' has too many values (" + Shapes.text(s) + ")");
        return s;
    }

    /** A numeric dataset as doubles in row-major order, its size checked before anything is allocated. */
    static ArrayValue.Numeric numeric(Dataset d, String source, long maxBytes) {
        if (!isNumeric(d)) {
            throw new Failure(source + ": dataset '" + d.getPath() + "' holds " + d.getJavaType().getSimpleName() + ", not numbers");
        }
        int[] shape = dims(d, source);
        long n = Shapes.count(shape);
        if (n * 8 > maxBytes || n > Integer.MAX_VALUE - 8) {
            throw new Failure(source + ": dataset '" + d.getPath() + "' is " + Shapes.text(shape) + " (" + n + " values), over the limit of "
                    + maxBytes / 8 + " values");
        }
        String type = typeName(d);
        if (n == 0) return new ArrayValue.Numeric(shape, new double[0], type);
        Object flat = d.isScalar() ? d.getData() : d.getDataFlat();
        double[] v = toDoubles(flat, source, d.getPath());
        if (v.length != n) throw new Failure(source + ": dataset '" + d.getPath() + "' gave " + v.length + " values for " + Shapes.text(shape));
        return new ArrayValue.Numeric(shape, v, type);
    }

    private static String typeName(Dataset d) {
        return switch (d.getDataType()) {
            case FloatingPoint f -> f.getSize() == 4 ? "single" : f.getSize() == 2 ? "half" : "double";
            case FixedPoint f -> (f.isSigned() ? "int" : "uint") + f.getSize() * 8;
            default -> d.getJavaType().getSimpleName();
        };
    }

    /** Any primitive (or boxed scalar) array jhdf returns, as doubles. */
    static double[] toDoubles(Object flat, String source, String path) {
        if (flat instanceof Number x) return new double[] {x.doubleValue()};
        if (flat == null || !flat.getClass().isArray()) throw new Failure(source + ": dataset '" + path + "' gave no array");
        return switch (flat) {
            case double[] a -> a;
            case float[] a -> { double[] v = new double[a.length]; for (int i = 0; i < a.length; i++) v[i] = a[i]; yield v; }
            case long[] a -> { double[] v = new double[a.length]; for (int i = 0; i < a.length; i++) v[i] = a[i]; yield v; }
            case int[] a -> { double[] v = new double[a.length]; for (int i = 0; i < a.length; i++) v[i] = a[i]; yield v; }
            case short[] a -> { double[] v = new double[a.length]; for (int i = 0; i < a.length; i++) v[i] = a[i]; yield v; }
            case byte[] a -> { double[] v = new double[a.length]; for (int i = 0; i < a.length; i++) v[i] = a[i]; yield v; }
            default -> {
                int len = Array.getLength(flat);
                double[] v = new double[len];
                for (int i = 0; i < len; i++) {
                    if (!(Array.get(flat, i) instanceof Number x)) throw new Failure(source + ": dataset '" + path + "' holds non-numbers");
                    v[i] = x.doubleValue();
                }
                yield v;
            }
        };
    }

    /** A failure with a finished message, carried out of jhdf's callbacks. */
    static final class Failure extends RuntimeException {
        Failure(String message) {
            super(message, null, false, false);
        }
    }
}
