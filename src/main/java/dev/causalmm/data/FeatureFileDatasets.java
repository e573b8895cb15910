package dev.causalmm.data;

import dev.causalmm.io.Sha256;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.causalmm.io.ArrayValue;
import dev.causalmm.io.CsvTable;
import dev.causalmm.io.FormatException;
import dev.causalmm.io.MatFile;
import dev.causalmm.io.Npy;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Multi-view feature files as datasets: a MATLAB {@code .mat}, NumPy {@code .npz}/{@code .npy} or
 * CSV file, or a YAML/JSON manifest naming the variables and files (see
 * {@code datasets/FEATURE-FILES.md}). Every view becomes a {@link ModalitySpec#vector feature
 * vector} modality, so every model and regulariser works on it unchanged.
 *
 * <p>Without a manifest the common layouts are recognised: {@code x1_train, x1_test, …} with
 * {@code gt_train/gt_test} (a given split), a cell {@code X} of per-view matrices with labels
 * {@code Y}/{@code gt}, or {@code x1, x2, …} with labels; views stored n×d or d×n (decided by the
 * label count); labels of any integer values, mapped in sorted order to 0…C−1. A file without a
 * split gets a seeded stratified train/val/test split; one with train/test gets a seeded stratified
 * validation part carved from train. Each view is z-scored with the training split's statistics,
 * which {@link FeatureFileInfo} records so that {@link #reopen} applies exactly the same.
 */
public final class FeatureFileDatasets {
    private static final List<String> LABEL_NAMES = List.of("gt", "y", "labels", "label", "truth", "gnd", "target", "targets", "labels_all");
    private static final Pattern GIVEN = Pattern.compile("(?i)x(\\d+)_(train|test)");
    private static final Pattern NUMBERED = Pattern.compile("(?i)(?:x|view)(\\d+)");
    private static final Set<String> MANIFEST_KEYS = Set.of("file", "modalities", "labels", "split", "orientation", "standardize",
            "classes", "skipBad", "labelColumn", "missing", "nanPolicy");

    private FeatureFileDatasets() {}

    /** True when {@code dataset} names a file rather than a generator ({@code mmlsyn}, {@code imagetext}). */
    public static boolean isFileDataset(String dataset) {
        return DataSource.namesFile(dataset);
    }

    /** Opens {@code path} (a feature file or a manifest) as train/val/test sets. */
    public static DataSplits open(Path path, FeatureFileOptions options) throws IOException {
        if (Hdf5SplitFolder.isFolder(path)) return Hdf5SplitFolder.open(path, options);
        return build(path, path.toString(), options, null);
    }

    /**
     * Rebuilds the sets a checkpoint recorded: the same file (checked by SHA-256), split and label
     * map, with the recorded standardisation applied (not fitted again).
     *
     * @param relocated where the dataset file (or manifest) is now, or null for its recorded path
     */
    public static DataSplits reopen(FeatureFileInfo stored, Path relocated) throws IOException {
        Path path = relocated != null ? relocated : Path.of(stored.path());
        if (!Files.exists(path)) {
            throw new NoSuchFileException(path + ": the dataset file recorded in the checkpoint is missing; if it moved, give its new"
                    + " path with --data-file");
        }
        return build(path, stored.path(), stored.options(), stored);
    }

    // ---- loading ---------------------------------------------------------------------------------

    /** A matrix of n samples × d features, row-major; {@code where} names its variable, stored d×n when {@code transposed}. */
    record Mat(int n, int d, double[] v, String where, boolean transposed) {
        Mat(int n, int d, double[] v) {
            this(n, d, v, "features", false);
        }

        MissingViews.View view() {
            return new MissingViews.View(where, n, d, v, transposed);
        }
    }

    /** A file's own missing-view marks ({@code absent[i][k]}); {@code trusted} when a manifest names them. */
    private record MissingIndicator(boolean[][] absent, String where, boolean trusted) {}

    /** What a file or manifest yields before splitting. {@code test*} are null without a given split. */
    private record Loaded(String layout, List<String> names, List<Mat> train, List<Mat> test, double[] trainY, double[] testY,
                          String trainYWhere, String testYWhere, double[] classes, FeatureFileOptions options, List<String> skipped,
                          MissingIndicator indicator) {
        Loaded(String layout, List<String> names, List<Mat> train, List<Mat> test, double[] trainY, double[] testY, String trainYWhere,
               String testYWhere, double[] classes, FeatureFileOptions options, List<String> skipped) {
            this(layout, names, train, test, trainY, testY, trainYWhere, testYWhere, classes, options, skipped, null);
        }

        Loaded withIndicator(MissingIndicator i) {
            return new Loaded(layout, names, train, test, trainY, testY, trainYWhere, testYWhere, classes, options, skipped, i);
        }
    }

    /** Files read so far (parsed once) and their SHA-256. */
    private static final class Files2 {
        final Map<Path, Object> parsed = new HashMap<>();
        final Map<String, String> sha = new LinkedHashMap<>();
        final List<String> skipped = new ArrayList<>();
        final boolean skipBad;

        Files2(boolean skipBad) {
            this.skipBad = skipBad;
        }

        Object get(Path p) throws IOException {
            Path abs = p.toAbsolutePath().normalize();
            Object o = parsed.get(abs);
            if (o != null) return o;
            if (!Files.exists(abs)) throw new NoSuchFileException(abs + ": no such dataset file");
            sha.put(abs.toString(), sha256(abs));
            String l = abs.getFileName().toString().toLowerCase(Locale.ROOT);
            if (l.endsWith(".mat")) o = MatFile.read(abs);
            else if (l.endsWith(".h5") || l.endsWith(".hdf5")) o = dev.causalmm.io.Hdf5File.read(abs);
            else if (l.endsWith(".npz")) o = Npy.readNpz(abs);
            else if (l.endsWith(".npy")) o = Npy.read(abs);
            else if (l.endsWith(".csv") || l.endsWith(".txt") || l.endsWith(".tsv")) {
                CsvTable t = CsvTable.read(abs, skipBad);
                for (String s : t.skipped()) skipped.add(abs + ": " + s);
                o = t;
            } else {
                byte[] head = new byte[8];
                try (InputStream in = Files.newInputStream(abs)) {
                    int k = in.readNBytes(head, 0, 8);
                    head = Arrays.copyOf(head, k);
                }
                if (MatFile.looksLikeMat(head)) o = MatFile.read(abs);
                else if (Npy.looksLikeNpy(head)) o = Npy.read(abs);
                else if (head.length >= 2 && head[0] == 'P' && head[1] == 'K') o = Npy.readNpz(abs);
                else throw new FormatException(abs + ": unknown feature-file format (expected .mat, .npz, .npy or .csv)");
            }
            parsed.put(abs, o);
            return o;
        }
    }

    static String sha256(Path p) throws IOException {
        return Sha256.file(p);
    }

    private static boolean isManifest(Path p) {
        String l = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return l.endsWith(".yaml") || l.endsWith(".yml") || l.endsWith(".json");
    }

    private static DataSplits build(Path path, String recordedPath, FeatureFileOptions options, FeatureFileInfo stored) throws IOException {
        Files2 files = new Files2(options.skipBad());
        Loaded l;
        if (isManifest(path)) {
            l = manifest(path, options, files);
        } else {
            Object o = files.get(path);
            String where = path.toString();
            l = switch (o) {
                case Map<?, ?> m -> {
                    @SuppressWarnings("unchecked") Map<String, ArrayValue> vars = (Map<String, ArrayValue>) m;
                    yield detect(vars, where, options, files);
                }
                case CsvTable t -> csv(t, where, options, files);
                default -> throw new IllegalArgumentException(where + ": a single .npy array holds no labels; write a manifest naming"
                        + " the feature and label files (see datasets/FEATURE-FILES.md)");
            };
        }
        if (stored != null) checkSame(stored, files, path);
        return assemble(l, path, recordedPath, files, stored);
    }

    private static void checkSame(FeatureFileInfo stored, Files2 files, Path path) {
        if (stored.files().size() == 1 && files.sha.size() == 1) { // one file, perhaps moved or renamed
            String want = stored.files().values().iterator().next(), have = files.sha.values().iterator().next();
            if (!want.equals(have)) {
                throw new IllegalArgumentException(files.sha.keySet().iterator().next() + " has changed since the checkpoint was trained (SHA-256 "
                        + have.substring(0, 12) + "…, recorded " + want.substring(0, 12) + "… for " + stored.files().keySet().iterator().next()
                        + "); evaluate on the file it was trained on");
            }
            return;
        }
        Map<String, String> byName = new HashMap<>();
        stored.files().forEach((f, h) -> byName.put(Path.of(f).getFileName().toString(), h));
        files.sha.forEach((f, h) -> {
            String want = byName.get(Path.of(f).getFileName().toString());
            if (want != null && !want.equals(h)) {
                throw new IllegalArgumentException(f + " has changed since the checkpoint was trained (SHA-256 " + h.substring(0, 12)
                        + "…, recorded " + want.substring(0, 12) + "…); evaluate on the file it was trained on");
            }
            if (want == null) {
                throw new IllegalArgumentException(f + " (read for " + path + ") is not among the files recorded in the checkpoint: "
                        + stored.files().keySet());
            }
        });
    }

    // ---- layouts ---------------------------------------------------------------------------------

    private static Loaded detect(Map<String, ArrayValue> vars, String file, FeatureFileOptions o, Files2 files) throws IOException {
        Loaded given = givenSplit(vars, file, o, files);
        if (given != null) return given;
        String y = labelVar(vars, "");
        double[] yy = y != null ? labels(vars.get(y), file, y) : null;
        if (y == null) { // a cell of per-view label vectors, e.g. truelabel{1..K}
            y = labelCell(vars);
            if (y != null) yy = labelsOfCell((ArrayValue.Cell) vars.get(y), file, y);
        }
        // 2. a cell X (or data) of per-view matrices
        List<String> cells = vars.entrySet().stream().filter(e -> e.getValue() instanceof ArrayValue.Cell && !isNames(e.getValue()))
                .map(Map.Entry::getKey).filter(c -> !c.equalsIgnoreCase(labelCell(vars)) && !c.equalsIgnoreCase("index")).toList();
        String cellVar = cells.size() == 1 ? cells.get(0)
                : cells.stream().filter(c -> c.equalsIgnoreCase("X") || c.equalsIgnoreCase("data")).findFirst().orElse(null);
        if (cellVar != null && yy != null) {
            ArrayValue.Cell c = (ArrayValue.Cell) vars.get(cellVar);
            if (c.cells().isEmpty()) throw new IllegalArgumentException(file + ": cell '" + cellVar + "' is empty; expected one matrix per view");
            List<String> wheres = new ArrayList<>();
            for (int k = 0; k < c.cells().size(); k++) wheres.add(cellVar + "{" + (k + 1) + "}");
            List<String> names = viewNames(vars, c.cells().size(), k -> "view" + (k + 1));
            List<Mat> tr = orientAll(c.cells(), wheres, yy.length, file, y, o.orientation());
            return new Loaded("cell " + cellVar + " + " + y, names, tr, null, yy, null, file + " variable '" + y + "'", null, null, o,
                    files.skipped).withIndicator(autoIndicator(vars, file, yy.length, tr.size()));
        }
        // 3. x1, x2, … (or view1, …) + labels
        TreeMap<Integer, String> numbered = new TreeMap<>();
        for (String v : vars.keySet()) {
            Matcher m = NUMBERED.matcher(v);
            if (m.matches()) numbered.put(Integer.parseInt(m.group(1)), v);
        }
        if (!numbered.isEmpty() && yy != null) {
            List<String> wheres = List.copyOf(numbered.values());
            List<Mat> tr = orientAll(wheres.stream().map(vars::get).toList(), wheres, yy.length, file, y, o.orientation());
            return new Loaded("x{v} + " + y, viewNames(vars, wheres.size(), wheres::get), tr, null, yy, null, file + " variable '" + y + "'",
                    null, null, o, files.skipped).withIndicator(autoIndicator(vars, file, yy.length, tr.size()));
        }
        throw new IllegalArgumentException(file + ": no known layout; expected x1_train/x1_test/…/gt_train/gt_test, a cell X (or data) of"
                + " per-view matrices with labels Y, gt or a cell truelabel, or x1, x2, … with labels; variables: " + describe(vars)
                + ". Write a manifest naming the views and labels (see datasets/FEATURE-FILES.md)");
    }

    /** Layout 1: x1_train, x1_test, … + gt_train, gt_test; null when the file has no such views. */
    private static Loaded givenSplit(Map<String, ArrayValue> vars, String file, FeatureFileOptions o, Files2 files) throws IOException {
        TreeMap<Integer, String[]> given = new TreeMap<>();
        for (String v : vars.keySet()) {
            Matcher m = GIVEN.matcher(v);
            if (m.matches()) given.computeIfAbsent(Integer.parseInt(m.group(1)), k -> new String[2])[m.group(2).equalsIgnoreCase("train") ? 0 : 1] = v;
        }
        if (given.isEmpty()) return null;
        String yTrain = labelVar(vars, "_train"), yTest = labelVar(vars, "_test");
        if (yTrain == null || yTest == null) {
            throw new IllegalArgumentException(file + ": found " + given.size() + " views x{v}_train/test but no labels"
                    + " gt_train/gt_test (or y_/labels_); variables: " + describe(vars));
        }
        double[] ytr = labels(vars.get(yTrain), file, yTrain), yte = labels(vars.get(yTest), file, yTest);
        List<String> trW = new ArrayList<>(), teW = new ArrayList<>();
        for (var e : given.entrySet()) {
            String[] p = e.getValue();
            if (p[0] == null || p[1] == null) {
                throw new IllegalArgumentException(file + ": view " + e.getKey() + " has " + (p[0] == null ? p[1] + " but no x" + e.getKey()
                        + "_train" : p[0] + " but no x" + e.getKey() + "_test"));
            }
            trW.add(p[0]);
            teW.add(p[1]);
        }
        List<Mat> tr = orientAll(trW.stream().map(vars::get).toList(), trW, ytr.length, file, yTrain, o.orientation());
        List<Mat> te = orientAll(teW.stream().map(vars::get).toList(), teW, yte.length, file, yTest, o.orientation());
        List<String> keys = given.keySet().stream().map(k -> "x" + k).toList();
        return new Loaded("x{v}_train/test + " + yTrain + "/" + yTest, viewNames(vars, keys.size(), keys::get), tr, te, ytr, yte,
                file + " variable '" + yTrain + "'", file + " variable '" + yTest + "'", null, o, files.skipped);
    }

    private static final List<String> NAME_VARS = List.of("feas", "names", "viewnames", "view_names", "views", "featurenames");

    /** The file's own view names (a cell of strings such as {@code feas}), else {@code fallback}. */
    private static List<String> viewNames(Map<String, ArrayValue> vars, int count, java.util.function.IntFunction<String> fallback) {
        for (String want : NAME_VARS) {
            for (var e : vars.entrySet()) {
                if (!e.getKey().equalsIgnoreCase(want) || !(e.getValue() instanceof ArrayValue.Cell c) || !isNames(c)) continue;
                List<String> names = c.cells().stream().map(t -> ((ArrayValue.Text) t).text().strip()).toList();
                if (names.size() == count && new TreeSet<>(names).size() == count && names.stream().noneMatch(String::isEmpty)) return names;
            }
        }
        List<String> out = new ArrayList<>();
        for (int k = 0; k < count; k++) out.add(fallback.apply(k));
        return out;
    }

    private static boolean isNames(ArrayValue v) {
        return v instanceof ArrayValue.Cell c && !c.cells().isEmpty() && c.cells().stream().allMatch(t -> t instanceof ArrayValue.Text);
    }

    private static final List<String> LABEL_CELLS = List.of("truelabel", "truelabels", "gt", "y", "labels", "gnd");

    /** A cell of label vectors, one per view (e.g. {@code truelabel}), or null. */
    private static String labelCell(Map<String, ArrayValue> vars) {
        for (String n : LABEL_CELLS) {
            for (var e : vars.entrySet()) {
                if (e.getKey().equalsIgnoreCase(n) && e.getValue() instanceof ArrayValue.Cell c && !c.cells().isEmpty()
                        && c.cells().stream().allMatch(x -> x instanceof ArrayValue.Numeric)) return e.getKey();
            }
        }
        return null;
    }

    /** The label vector of a per-view label cell; every element must hold the same labels. */
    private static double[] labelsOfCell(ArrayValue.Cell c, String file, String var) {
        double[] y = labels(c.cells().getFirst(), file, var + "{1}");
        for (int k = 1; k < c.cells().size(); k++) {
            if (!Arrays.equals(y, labels(c.cells().get(k), file, var + "{" + (k + 1) + "}"))) {
                throw new IllegalArgumentException(file + ": '" + var + "{" + (k + 1) + "}' differs from '" + var + "{1}'; a per-view"
                        + " label cell must hold the same labels for every view (write a manifest naming one)");
            }
        }
        return y;
    }

    private static final Pattern INDICATOR = Pattern.compile("(?i)missing(status|_status|mask|views)?");

    /** A {@code MissingStatus}-style 0/1 variable (1 = missing), or null. */
    private static MissingIndicator autoIndicator(Map<String, ArrayValue> vars, String file, int n, int views) {
        for (var e : vars.entrySet()) {
            if (!INDICATOR.matcher(e.getKey()).matches() || !(e.getValue() instanceof ArrayValue.Numeric a)) continue;
            String where = file + " variable '" + e.getKey() + "'";
            return new MissingIndicator(MissingViews.indicator(a.data(), a.rows(), a.cols(), n, views, where), "'" + e.getKey() + "'", false);
        }
        return null;
    }

    private static String labelVar(Map<String, ArrayValue> vars, String suffix) {
        for (String n : LABEL_NAMES) {
            for (String v : vars.keySet()) if (v.equalsIgnoreCase(n + suffix) && !(vars.get(v) instanceof ArrayValue.Cell)) return v;
        }
        return null;
    }

    private static String describe(Map<String, ArrayValue> vars) {
        List<String> s = new ArrayList<>();
        vars.forEach((k, v) -> s.add(k + " (" + v.describe() + ")"));
        return s.isEmpty() ? "none" : String.join(", ", s);
    }

    private static Loaded csv(CsvTable t, String file, FeatureFileOptions o, Files2 files) throws IOException {
        String lc = o.labelColumn() != null ? o.labelColumn() : t.header().contains("label") ? "label" : String.valueOf(t.header().size() - 1);
        int li = t.column(lc, file);
        if (t.header().size() < 2) throw new FormatException(file + ": a CSV dataset needs feature columns and a label column");
        int d = t.header().size() - 1;
        double[] v = new double[t.rows().size() * d];
        double[] y = new double[t.rows().size()];
        for (int r = 0; r < y.length; r++) {
            double[] row = t.rows().get(r);
            y[r] = row[li];
            for (int c = 0, j = 0; c < row.length; c++) if (c != li) v[r * d + j++] = row[c];
        }
        checkIntegers(y, file + " column '" + t.header().get(li) + "'", t.lines());
        return new Loaded("csv, label column " + t.header().get(li), List.of("features"), List.of(new Mat(y.length, d, v)), null, y, null,
                file + " column '" + t.header().get(li) + "'", null, null, o, files.skipped);
    }

    /** Every view of one layout as n×d: a square view takes the orientation its siblings share. */
    private static List<Mat> orientAll(List<ArrayValue> views, List<String> wheres, int n, String file, String labelVar, String orientation)
            throws FormatException {
        String sibling = orientation;
        if (orientation.equals("auto")) {
            Set<String> seen = new TreeSet<>();
            for (ArrayValue v : views) {
                int[] sh = v.shape();
                int r = sh.length == 0 ? 1 : sh[0], c = sh.length < 2 ? 1 : sh[1];
                if (r == n && c != n) seen.add("rows");
                if (c == n && r != n) seen.add("columns");
            }
            sibling = seen.size() == 1 ? seen.iterator().next() : "auto";
        }
        List<Mat> out = new ArrayList<>();
        for (int k = 0; k < views.size(); k++) {
            ArrayValue v = views.get(k);
            boolean square = v.shape().length == 2 && v.shape()[0] == n && v.shape()[1] == n;
            out.add(orient(v, n, file, wheres.get(k), labelVar, square ? sibling : orientation));
        }
        return out;
    }

    /** The view {@code v} as n×d, transposing a d×n matrix; {@code labelVar} names the label count's source. */
    private static Mat orient(ArrayValue v, int n, String file, String var, String labelVar, String orientation) throws FormatException {
        ArrayValue.Numeric a = switch (v) {
            case ArrayValue.Numeric x -> x;
            case ArrayValue.Sparse s -> s.toDense(Integer.MAX_VALUE - 8);
            default -> throw new IllegalArgumentException(file + ": variable '" + var + "' is " + v.describe() + ", expected a numeric matrix");
        };
        int[] sh = a.shape();
        if (sh.length > 2) throw new IllegalArgumentException(file + ": variable '" + var + "' is " + a.describe() + ", expected a 2-D matrix");
        int r = sh.length == 0 ? 1 : sh[0], c = sh.length < 2 ? 1 : sh[1];
        String where = file + " variable '" + var + "'";
        String notTriplets = "";
        if (r != n && c != n && c == 3 && orientation.equals("auto")) {
            try {
                return SparseTriplets.read(a, n, where, labelVar);
            } catch (IllegalArgumentException e) {
                notTriplets = "; nor is it a (row, column, value) triplet list: " + e.getMessage();
            }
        }
        boolean rows = switch (orientation) {
            case "rows" -> {
                if (r != n) throw new IllegalArgumentException(file + ": variable '" + var + "' is " + a.describe() + " but '" + labelVar
                        + "' holds " + n + " labels: expected " + n + " rows (orientation: rows)");
                yield true;
            }
            case "columns" -> {
                if (c != n) throw new IllegalArgumentException(file + ": variable '" + var + "' is " + a.describe() + " but '" + labelVar
                        + "' holds " + n + " labels: expected " + n + " columns (orientation: columns)");
                yield false;
            }
            default -> {
                if (r == n && c == n) {
                    throw new IllegalArgumentException(file + ": variable '" + var + "' is " + r + "×" + c + " with " + n + " labels, and no"
                            + " other view shows whether samples are rows or columns; say which with a manifest (orientation: rows or"
                            + " columns) or --orientation");
                }
                if (r != n && c != n) {
                    throw new IllegalArgumentException(file + ": variable '" + var + "' is " + a.describe() + " but '" + labelVar + "' holds "
                            + n + " labels: expected " + n + " rows (n×d) or " + n + " columns (d×n)" + notTriplets);
                }
                yield r == n;
            }
        };
        if (rows) return new Mat(r, c, a.data(), where, false);
        double[] t = new double[a.data().length];
        for (int i = 0; i < r; i++) for (int j = 0; j < c; j++) t[j * r + i] = a.data()[i * c + j];
        return new Mat(c, r, t, where, true);
    }

    private static double[] labels(ArrayValue v, String file, String var) {
        if (!(v instanceof ArrayValue.Numeric a)) {
            throw new IllegalArgumentException(file + ": label variable '" + var + "' is " + v.describe() + ", expected a numeric vector");
        }
        int[] sh = a.shape();
        int big = 0;
        for (int s : sh) if (s != 1) big++;
        if (big > 1) {
            throw new IllegalArgumentException(file + ": label variable '" + var + "' is " + a.describe() + ", expected a vector (n×1 or 1×n)");
        }
        checkIntegers(a.data(), file + " variable '" + var + "'", null);
        return a.data();
    }

    private static void checkIntegers(double[] y, String where, int[] lines) {
        for (int i = 0; i < y.length; i++) {
            if (!Double.isFinite(y[i]) || y[i] != Math.rint(y[i])) {
                throw new IllegalArgumentException(where + ": label " + y[i] + (lines != null ? " on line " + lines[i] : " at index " + (i + 1))
                        + " is not an integer class label");
            }
        }
    }

    // ---- manifest --------------------------------------------------------------------------------

    private static Loaded manifest(Path mf, FeatureFileOptions o, Files2 files) throws IOException {
        JsonNode n;
        String name = mf.getFileName().toString().toLowerCase(Locale.ROOT);
        try {
            n = (name.endsWith(".json") ? new ObjectMapper() : new ObjectMapper(new YAMLFactory())).readTree(mf.toFile());
        } catch (IOException e) {
            throw new FormatException(mf + ": cannot read the manifest: " + e.getMessage(), e);
        }
        if (n == null || !n.isObject()) throw new IllegalArgumentException(mf + ": a manifest is a mapping (see datasets/FEATURE-FILES.md)");
        for (var it = n.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!MANIFEST_KEYS.contains(k)) throw new IllegalArgumentException(mf + ": unknown manifest key '" + k + "' (known: " + new TreeSet<>(MANIFEST_KEYS) + ")");
        }
        FeatureFileOptions opt = manifestOptions(n, mf, o);
        Path base = mf.toAbsolutePath().getParent();
        String defFile = n.path("file").asText(null);
        JsonNode mods = n.get("modalities");
        if (mods == null || !mods.isArray() || mods.isEmpty()) throw new IllegalArgumentException(mf + ": 'modalities' must list at least one view");
        JsonNode lab = n.get("labels");
        if (lab == null) throw new IllegalArgumentException(mf + ": 'labels' is missing (a variable or file, or {train, test})");
        boolean givenSplit = lab.isObject();
        double[] ytr, yte = null;
        String ytrWhere, yteWhere = null;
        if (givenSplit) {
            for (String k : List.of("train", "test")) if (!lab.has(k)) throw new IllegalArgumentException(mf + ": 'labels." + k + "' is missing");
            Ref rtr = ref(lab.get("train").asText(), defFile, base, mf, "labels.train");
            Ref rte = ref(lab.get("test").asText(), defFile, base, mf, "labels.test");
            ytr = labelsOf(rtr, files, opt);
            yte = labelsOf(rte, files, opt);
            ytrWhere = rtr.toString();
            yteWhere = rte.toString();
        } else {
            Ref r = ref(lab.asText(), defFile, base, mf, "labels");
            ytr = labelsOf(r, files, opt);
            ytrWhere = r.toString();
        }
        List<String> names = new ArrayList<>();
        List<Mat> tr = new ArrayList<>(), te = givenSplit ? new ArrayList<>() : null;
        manifestViews(mods, new ManifestCtx(mf, defFile, base, files, opt), givenSplit, ytr, yte, ytrWhere, yteWhere, names, tr, te);
        Loaded l = new Loaded("manifest " + mf.getFileName(), names, tr, te, ytr, yte, ytrWhere, yteWhere, manifestClasses(n, mf), opt,
                files.skipped);
        if (!n.has("missing")) return l;
        if (givenSplit) throw new IllegalArgumentException(mf + ": 'missing' works with one labels variable, not a given train/test split");
        Ref r = ref(n.get("missing").asText(), defFile, base, mf, "missing");
        if (!(value(r, files, opt) instanceof ArrayValue.Numeric a)) throw new IllegalArgumentException(r + ": 'missing' must name a numeric 0/1 matrix");
        return l.withIndicator(new MissingIndicator(MissingViews.indicator(a.data(), a.rows(), a.cols(), ytr.length, tr.size(), r.toString()),
                r.toString(), true));
    }

    /** The options after the manifest's own settings. */
    private static FeatureFileOptions manifestOptions(JsonNode n, Path mf, FeatureFileOptions o) {
        FeatureFileOptions opt = o;
        if (n.has("orientation")) opt = opt.withOrientation(n.get("orientation").asText());
        if (n.has("standardize")) opt = opt.withStandardize(n.get("standardize").asBoolean());
        if (n.has("labelColumn")) opt = opt.withLabelColumn(n.get("labelColumn").asText());
        if (n.has("nanPolicy")) {
            String p = n.get("nanPolicy").asText().toUpperCase(Locale.ROOT);
            if (!Set.of("ERROR", "ZERO").contains(p)) throw new IllegalArgumentException(mf + ": 'nanPolicy' is error or zero, got '" + n.get("nanPolicy").asText() + "'");
            opt = opt.withNanPolicy(MissingViews.NanPolicy.valueOf(p));
        }
        if (n.has("split")) {
            JsonNode s = n.get("split");
            if (!s.isObject()) throw new IllegalArgumentException(mf + ": 'split' must be a mapping {train, val, test, seed}");
            for (var it = s.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!Set.of("train", "val", "test", "seed").contains(k)) throw new IllegalArgumentException(mf + ": unknown key 'split." + k + "' (train, val, test, seed)");
            }
            opt = opt.withSplit(s.path("train").asDouble(opt.trainRatio()), s.path("val").asDouble(opt.valRatio()),
                    s.path("test").asDouble(opt.testRatio()), s.path("seed").asLong(opt.splitSeed()));
        }
        return opt;
    }

    /** Where a manifest's references resolve. */
    private record ManifestCtx(Path mf, String defFile, Path base, Files2 files, FeatureFileOptions opt) {}

    /** Reads the manifest's modalities into {@code names}, {@code tr} and (with a given split) {@code te}. */
    private static void manifestViews(JsonNode mods, ManifestCtx c, boolean givenSplit, double[] ytr, double[] yte, String ytrWhere,
                                      String yteWhere, List<String> names, List<Mat> tr, List<Mat> te) throws IOException {
        int k = 0;
        for (JsonNode m : mods) {
            k++;
            String nm = m.path("name").asText("view" + k);
            if (names.contains(nm)) throw new IllegalArgumentException(c.mf + ": modality name '" + nm + "' appears twice");
            names.add(nm);
            for (var it = m.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!Set.of("name", "variable", "train", "test").contains(f)) {
                    throw new IllegalArgumentException(c.mf + ": modality '" + nm + "': unknown key '" + f + "' (name, variable, train, test)");
                }
            }
            if (givenSplit) {
                if (!m.has("train") || !m.has("test")) {
                    throw new IllegalArgumentException(c.mf + ": modality '" + nm + "' needs 'train' and 'test' (the labels give a train/test split)");
                }
                Ref a = ref(m.get("train").asText(), c.defFile, c.base, c.mf, nm + ".train"), b = ref(m.get("test").asText(), c.defFile, c.base, c.mf, nm + ".test");
                tr.add(orient(value(a, c.files, c.opt), ytr.length, a.file.toString(), a.label(), ytrWhere, c.opt.orientation()));
                te.add(orient(value(b, c.files, c.opt), yte.length, b.file.toString(), b.label(), yteWhere, c.opt.orientation()));
            } else {
                if (!m.has("variable")) throw new IllegalArgumentException(c.mf + ": modality '" + nm + "' needs 'variable' (a variable or file)");
                Ref a = ref(m.get("variable").asText(), c.defFile, c.base, c.mf, nm);
                tr.add(orient(value(a, c.files, c.opt), ytr.length, a.file.toString(), a.label(), ytrWhere, c.opt.orientation()));
            }
        }
    }

    private static double[] manifestClasses(JsonNode n, Path mf) {
        if (!n.has("classes")) return null;
        JsonNode c = n.get("classes");
        if (!c.isArray() || c.isEmpty()) throw new IllegalArgumentException(mf + ": 'classes' must list the label values in class order");
        double[] classes = new double[c.size()];
        for (int i = 0; i < classes.length; i++) classes[i] = c.get(i).asDouble();
        return classes;
    }

    /** A reference {@code [file:]variable[{k}]}, or a whole {@code .npy}/{@code .csv} file, or {@code file.csv:column}. */
    private record Ref(Path file, String variable, int cell, String text) {
        String label() {
            return variable == null ? file.getFileName().toString() : variable + (cell > 0 ? "{" + cell + "}" : "");
        }

        @Override public String toString() {
            return file + (variable == null ? "" : " variable '" + label() + "'");
        }
    }

    private static final Pattern CELL = Pattern.compile("(.+)\\{(\\d+)\\}");

    private static Ref ref(String s, String defFile, Path base, Path mf, String what) {
        if (s == null || s.isBlank()) throw new IllegalArgumentException(mf + ": '" + what + "' is empty");
        String file = defFile, var = s;
        int colon = s.lastIndexOf(':');
        String l = s.toLowerCase(Locale.ROOT);
        if (colon > 0 && l.substring(0, colon).matches(".*\\.(mat|npz|csv|tsv|txt)")) {
            file = s.substring(0, colon);
            var = s.substring(colon + 1);
        } else if (l.endsWith(".npy") || l.endsWith(".csv") || l.endsWith(".tsv") || l.endsWith(".txt") || l.endsWith(".mat") || l.endsWith(".npz")) {
            file = s;
            var = null;
        }
        if (file == null) throw new IllegalArgumentException(mf + ": '" + what + "' names variable '" + s + "' but the manifest has no 'file'");
        int cell = 0;
        if (var != null) {
            Matcher m = CELL.matcher(var);
            if (m.matches()) {
                var = m.group(1);
                cell = Integer.parseInt(m.group(2));
                if (cell < 1) throw new IllegalArgumentException(mf + ": '" + what + "': cell indices start at 1, got " + s);
            }
        }
        return new Ref(base.resolve(file).normalize(), var, cell, s);
    }

    private static ArrayValue value(Ref r, Files2 files, FeatureFileOptions opt) throws IOException {
        Object o = files.get(r.file);
        ArrayValue v;
        switch (o) {
            case Map<?, ?> m -> {
                if (r.variable == null) throw new IllegalArgumentException(r.file + ": name a variable of this file (file:variable)");
                Object x = m.get(r.variable);
                if (x == null) {
                    @SuppressWarnings("unchecked") Map<String, ArrayValue> vars = (Map<String, ArrayValue>) m;
                    throw new IllegalArgumentException(r.file + ": no variable '" + r.variable + "' (the manifest names it); variables: " + describe(vars));
                }
                v = (ArrayValue) x;
            }
            case ArrayValue a -> {
                if (r.variable != null) throw new IllegalArgumentException(r.file + ": a .npy file holds one array; '" + r.text + "' names a variable in it");
                v = a;
            }
            case CsvTable t -> {
                int[] cols;
                if (r.variable == null) {
                    cols = new int[t.header().size()];
                    for (int i = 0; i < cols.length; i++) cols[i] = i;
                } else {
                    cols = new int[] {t.column(r.variable, r.file.toString())};
                }
                double[] d = new double[t.rows().size() * cols.length];
                for (int i = 0; i < t.rows().size(); i++) for (int j = 0; j < cols.length; j++) d[i * cols.length + j] = t.rows().get(i)[cols[j]];
                v = new ArrayValue.Numeric(new int[] {t.rows().size(), cols.length}, d, "csv");
            }
            default -> throw new IllegalStateException();
        }
        if (r.cell > 0) {
            if (!(v instanceof ArrayValue.Cell c)) throw new IllegalArgumentException(r.file + ": variable '" + r.variable + "' is " + v.describe() + ", not a cell");
            if (r.cell > c.cells().size()) throw new IllegalArgumentException(r.file + ": '" + r.label() + "': cell '" + r.variable + "' has " + c.cells().size() + " elements");
            v = c.cells().get(r.cell - 1);
        }
        return v;
    }

    private static double[] labelsOf(Ref r, Files2 files, FeatureFileOptions opt) throws IOException {
        return labels(value(r, files, opt), r.file.toString(), r.label());
    }

    // ---- splitting, label map, standardisation -------------------------------------------------------

    private static DataSplits assemble(Loaded l, Path path, String recordedPath, Files2 files, FeatureFileInfo stored) throws IOException {
        FeatureFileOptions o = l.options;
        int views = l.names.size();
        // every view must have as many rows as there are labels (orient() checked), and the same per split
        double[] classes = stored != null ? stored.classes() : l.classes;
        if (classes == null) {
            TreeSet<Double> vals = new TreeSet<>();
            for (double y : l.trainY) vals.add(y);
            if (l.testY != null) for (double y : l.testY) vals.add(y);
            classes = vals.stream().mapToDouble(Double::doubleValue).toArray();
        }
        Map<Double, Integer> map = new HashMap<>();
        for (int i = 0; i < classes.length; i++) map.put(classes[i], i);
        int[] ytr = mapLabels(l.trainY, map, classes, l.trainYWhere);
        int[] yte = l.testY == null ? null : mapLabels(l.testY, map, classes, l.testYWhere);
        if (classes.length < 2) throw new IllegalArgumentException(path + ": the labels hold " + classes.length + " class; at least 2 are needed");
        int[] trRows, vaRows, teRows;
        String split;
        Random rnd = new Random(o.splitSeed());
        if (yte == null) {
            int[][] s = StratifiedSplit.split(ytr, classes.length, new double[] {o.trainRatio(), o.valRatio(), o.testRatio()}, rnd);
            trRows = s[0]; vaRows = s[1]; teRows = s[2];
            split = String.format(Locale.ROOT, "stratified %.2f/%.2f/%.2f, seed %d", o.trainRatio(), o.valRatio(), o.testRatio(), o.splitSeed());
        } else {
            int[][] s = StratifiedSplit.split(ytr, classes.length, new double[] {1 - o.valRatio(), o.valRatio(), 0}, rnd);
            trRows = s[0]; vaRows = s[1];
            teRows = null;
            split = String.format(Locale.ROOT, "given train/test; validation: stratified %.2f of train, seed %d", o.valRatio(), o.splitSeed());
        }
        if (trRows.length == 0) throw new IllegalArgumentException(path + ": the training split is empty");
        MissingViews.Marks marks = marks(l, l.train, l.indicator);
        MissingViews.Marks testMarks = l.test == null ? null : marks(l, l.test, null);
        List<ModalitySpec> specs = new ArrayList<>();
        double[][] mean = new double[views][], std = new double[views][];
        float[][] trV = new float[views][], vaV = new float[views][], teV = new float[views][];
        for (int k = 0; k < views; k++) {
            Mat m = l.train.get(k);
            specs.add(ModalitySpec.vector(l.names.get(k), m.d));
            if (stored != null && stored.widths()[k] != m.d) {
                throw new IllegalArgumentException(path + ": view '" + l.names.get(k) + "' has " + m.d + " features but the checkpoint recorded " + stored.widths()[k]);
            }
            double[][] ms = !o.standardize() ? new double[][] {new double[0], new double[0]}
                    : stored != null ? new double[][] {stored.mean()[k], stored.std()[k]} : fitStandardisation(m, presentRows(trRows, marks, k));
            mean[k] = ms[0];
            std[k] = ms[1];
            trV[k] = rows(m, trRows, mean[k], std[k], marks, k);
            vaV[k] = rows(m, vaRows, mean[k], std[k], marks, k);
            teV[k] = teRows != null ? rows(m, teRows, mean[k], std[k], marks, k) : rows(l.test.get(k), null, mean[k], std[k], testMarks, k);
        }
        String name = recordedPath;
        int[] yTrain = pick(ytr, trRows), yVal = pick(ytr, vaRows), yTest = teRows != null ? pick(ytr, teRows) : yte;
        ArrayDataset train = new ArrayDataset(name + " (train)", specs, trV, yTrain, availability(marks, trRows), classes.length);
        ArrayDataset val = new ArrayDataset(name + " (val)", specs, vaV, yVal, availability(marks, vaRows), classes.length);
        ArrayDataset test = new ArrayDataset(name + " (test)", specs, teV, yTest,
                teRows != null ? availability(marks, teRows) : availability(testMarks, null), classes.length);
        int[] widths = specs.stream().mapToInt(s -> (int) s.elementCount()).toArray();
        int[] sizes = {yTrain.length, yVal.length, yTest.length};
        if (stored != null && !Arrays.equals(stored.sizes(), sizes)) {
            throw new IllegalArgumentException(path + ": rebuilt sets of " + Arrays.toString(sizes) + " samples, but the checkpoint recorded "
                    + Arrays.toString(stored.sizes()));
        }
        String abs = stored != null ? stored.path() : path.toAbsolutePath().normalize().toString();
        FeatureFileInfo info = new FeatureFileInfo(abs, java.util.Collections.unmodifiableMap(new LinkedHashMap<>(files.sha)), l.layout, o,
                List.copyOf(l.names), widths, classes, split, sizes, mean, std, List.copyOf(l.skipped),
                FeatureFileInfo.Missing.of(marks, testMarks, l.names));
        return new DataSplits(name, train, val, test, null, info);
    }

    /** The views' missing-sample marks (all-NaN samples, the file's indicator); zero-fills the absent values. */
    private static MissingViews.Marks marks(Loaded l, List<Mat> mats, MissingIndicator ind) {
        return MissingViews.find(mats.stream().map(Mat::view).toList(), l.options.nanPolicy(), ind == null ? null : ind.absent(),
                ind == null ? null : ind.where(), ind != null && ind.trusted());
    }

    /** The rows (all when null) whose view {@code k} is present. */
    private static int[] presentRows(int[] rows, MissingViews.Marks marks, int k) {
        if (marks.available() == null) return rows;
        return Arrays.stream(rows).filter(r -> marks.available()[r][k]).toArray();
    }

    /** The availability of the given rows (all when null), or null when every view is present. */
    private static boolean[][] availability(MissingViews.Marks marks, int[] rows) {
        if (marks == null || marks.available() == null) return null;
        if (rows == null) return marks.available();
        boolean[][] a = new boolean[rows.length][];
        for (int i = 0; i < rows.length; i++) a[i] = marks.available()[rows[i]].clone();
        return a;
    }

    /** Per-feature mean and std over the given training rows (std 1 for constant features: centred only). */
    private static double[][] fitStandardisation(Mat m, int[] rows) {
        double[] mean = new double[m.d], std = new double[m.d];
        if (rows.length == 0) {
            Arrays.fill(std, 1);
            return new double[][] {mean, std};
        }
        for (int r : rows) for (int j = 0; j < m.d; j++) mean[j] += m.v[r * m.d + j];
        for (int j = 0; j < m.d; j++) mean[j] /= rows.length;
        for (int r : rows) for (int j = 0; j < m.d; j++) { double x = m.v[r * m.d + j] - mean[j]; std[j] += x * x; }
        for (int j = 0; j < m.d; j++) {
            double s = Math.sqrt(std[j] / rows.length);
            std[j] = s > 1e-8 * Math.max(1, Math.abs(mean[j])) && Double.isFinite(s) ? s : 1;
        }
        return new double[][] {mean, std};
    }

    private static int[] mapLabels(double[] y, Map<Double, Integer> map, double[] classes, String where) {
        int[] out = new int[y.length];
        for (int i = 0; i < y.length; i++) {
            Integer c = map.get(y[i]);
            if (c == null) {
                throw new IllegalArgumentException(where + ": label " + fmt(y[i]) + " at index " + (i + 1) + " is not one of the classes "
                        + Arrays.toString(Arrays.stream(classes).mapToObj(FeatureFileDatasets::fmt).toArray()));
            }
            out[i] = c;
        }
        return out;
    }

    private static String fmt(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? String.valueOf((long) d) : String.valueOf(d);
    }

    private static int[] pick(int[] y, int[] rows) {
        int[] out = new int[rows.length];
        for (int i = 0; i < rows.length; i++) out[i] = y[rows[i]];
        return out;
    }

    /** The given rows (all when null) as standardised floats; a view absent for a row stays 0. */
    private static float[] rows(Mat m, int[] rows, double[] mean, double[] std, MissingViews.Marks marks, int k) {
        int n = rows == null ? m.n : rows.length;
        float[] out = new float[n * m.d];
        boolean z = mean.length > 0;
        for (int i = 0; i < n; i++) {
            int r = rows == null ? i : rows[i];
            if (marks != null && marks.available() != null && !marks.available()[r][k]) continue;
            for (int j = 0; j < m.d; j++) {
                double x = m.v[r * m.d + j];
                out[i * m.d + j] = (float) (z ? (x - mean[j]) / std[j] : x);
            }
        }
        return out;
    }
}
