package dev.causalmm.data;

import dev.causalmm.io.ArrayValue;
import dev.causalmm.io.FormatException;
import dev.causalmm.io.Hdf5File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A folder of HDF5 files, one per modality and split, as the MFN/CMU multimodal sentiment
 * releases lay them out: {@code <modality>_<split>.h5} with splits {@code train}, {@code valid}
 * (or {@code val}) and {@code test}, and the targets in {@code y_<split>.h5}. Each file holds one
 * dataset (or one named {@code d1}). Recognised without a manifest by {@link #isFolder}.
 *
 * <p>A modality stored {@code N×T×d} becomes a {@link ModalitySpec#sequence sequence}: all-zero
 * steps are taken as padding (the releases zero-pad absent words) and masked; {@code N×d} becomes
 * a feature vector. Targets stored one-hot ({@code N×C}) are classes; {@code N} whole numbers are
 * classes mapped in sorted order; other numbers are regression targets, given by {@link #targets}.
 * Features are z-scored with the real steps of the training split.
 */
public final class Hdf5SplitFolder {
    /** The file-name split tags in train/validation/test order. */
    static final List<List<String>> SPLITS = List.of(List.of("train"), List.of("valid", "val"), List.of("test"));
    private static final List<String> TARGET_NAMES = List.of("y", "labels", "label", "targets");
    private static final Pattern FILE = Pattern.compile("(?i)(.+)_(train|valid|val|test)\\.(h5|hdf5)");

    private final String name;
    private final List<ModalitySpec> modalities;
    /** {@code values[split][modality]}, stored layout. */
    private final float[][][] values;
    /** {@code raw[split]}: the target file's values, one row per sample. */
    private final ArrayValue.Numeric[] raw;

    private Hdf5SplitFolder(String name, List<ModalitySpec> modalities, float[][][] values, ArrayValue.Numeric[] raw) {
        this.name = name;
        this.modalities = modalities;
        this.values = values;
        this.raw = raw;
    }

    /** True when {@code path} is a folder holding a {@code y_train.h5} (or {@code labels_train.h5}) and a modality's {@code _train.h5}. */
    public static boolean isFolder(Path path) {
        if (path == null || !Files.isDirectory(path)) return false;
        try {
            return targetName(path) != null && modalityNames(path, targetName(path)).size() > 0;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Opens a folder (the hook of the feature-file path): classes as a classification task, other
     * targets as a scalar regression trained with {@link #REGRESSION_LOSS}.
     */
    public static DataSplits open(Path dir, FeatureFileOptions options) throws IOException {
        Hdf5SplitFolder f = read(dir, options.standardize());
        return f.isRegression() ? f.regression(Task.Regression.scalar(REGRESSION_LOSS)) : f.classification();
    }

    /**
     * L1, the training loss of the MSA papers for sentiment scores (MulT, MISA, Self-MM and MMSA
     * train with L1 and report MAE, so the validation loss is the validation MAE).
     */
    public static final Task.Loss REGRESSION_LOSS = Task.Loss.L1;

    /** Train, validation and test as regression sets of the stored targets (one value per sample). */
    public DataSplits regression(Task.Regression task) {
        List<ArrayDataset> sets = new ArrayList<>();
        String[] tags = {"train", "val", "test"};
        for (int s = 0; s < 3; s++) sets.add(ArrayDataset.regression(name + "-" + tags[s], modalities, values[s], targets(s), null, task));
        return new DataSplits(name, sets.get(0), sets.get(1), sets.get(2), null);
    }

    /** Reads every modality and the targets of every split. */
    public static Hdf5SplitFolder read(Path dir, boolean standardize) throws IOException {
        String target = targetName(dir);
        if (target == null) throw new NoSuchFileException(dir + ": no y_train.h5 (or labels_train.h5) with the targets");
        List<String> names = modalityNames(dir, target);
        if (names.isEmpty()) throw new FormatException(dir + ": no <modality>_train.h5 beside " + target + "_train.h5");
        ArrayValue.Numeric[] raw = new ArrayValue.Numeric[3];
        for (int s = 0; s < 3; s++) raw[s] = Hdf5File.single(file(dir, target, s), "d1");
        List<ModalitySpec> specs = new ArrayList<>();
        float[][][] values = new float[3][names.size()][];
        for (int k = 0; k < names.size(); k++) {
            ArrayValue.Numeric[] parts = new ArrayValue.Numeric[3];
            for (int s = 0; s < 3; s++) {
                Path f = file(dir, names.get(k), s);
                parts[s] = Hdf5File.single(f, "d1");
                int n = raw[s].shape().length == 0 ? 1 : raw[s].shape()[0];
                if (parts[s].shape().length < 2 || parts[s].shape()[0] != n) {
                    throw new FormatException(f + ": dataset is " + parts[s].describe() + ", expected " + n + " samples (as "
                            + file(dir, target, s).getFileName() + ") × features or × steps × features");
                }
            }
            specs.add(modality(names.get(k), parts, dir));
            for (int s = 0; s < 3; s++) values[s][k] = store(specs.get(k), parts[s]);
            if (standardize) standardize(specs.get(k), values, k);
        }
        return new Hdf5SplitFolder(dir.getFileName().toString(), List.copyOf(specs), values, raw);
    }

    private static ModalitySpec modality(String name, ArrayValue.Numeric[] parts, Path dir) throws IOException {
        int[] s0 = parts[0].shape();
        for (int s = 1; s < 3; s++) {
            int[] si = parts[s].shape();
            if (!java.util.Arrays.equals(java.util.Arrays.copyOfRange(s0, 1, s0.length), java.util.Arrays.copyOfRange(si, 1, si.length))) {
                throw new FormatException(file(dir, name, s) + ": per-sample shape " + parts[s].describe() + " differs from "
                        + file(dir, name, 0).getFileName() + "'s " + parts[0].describe());
            }
        }
        return switch (s0.length) {
            case 2 -> ModalitySpec.vector(name, s0[1]);
            case 3 -> ModalitySpec.sequence(name, s0[1], s0[2]);
            default -> throw new FormatException(file(dir, name, 0) + ": " + parts[0].describe() + " is neither N×d nor N×T×d");
        };
    }

    private static float[] store(ModalitySpec spec, ArrayValue.Numeric a) {
        int n = a.shape()[0];
        if (spec.kind() == ModalitySpec.Kind.SEQUENCE) return Sequences.pack(a.data(), n, spec.steps(), spec.stepFeatures(), true);
        float[] f = new float[a.data().length];
        for (int i = 0; i < f.length; i++) f[i] = (float) a.data()[i];
        return f;
    }

    private static void standardize(ModalitySpec spec, float[][][] values, int k) {
        if (spec.kind() == ModalitySpec.Kind.SEQUENCE) {
            Sequences.standardize(values[0][k], spec.steps(), spec.stepFeatures(), values[0][k], values[1][k], values[2][k]);
        } else { // a vector is a sequence of one step, all of it real: the same statistics
            int d = (int) spec.elementCount();
            float[][] asSeq = new float[3][];
            for (int s = 0; s < 3; s++) asSeq[s] = Sequences.pack(toDoubles(values[s][k]), values[s][k].length / d, 1, d, false);
            Sequences.standardize(asSeq[0], 1, d, asSeq[0], asSeq[1], asSeq[2]);
            for (int s = 0; s < 3; s++) {
                for (int i = 0; i < values[s][k].length; i++) values[s][k][i] = asSeq[s][i / d * (d + 1) + i % d];
            }
        }
    }

    private static double[] toDoubles(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }

    public String name() { return name; }

    public List<ModalitySpec> modalities() { return modalities; }

    /** True when the targets are not classes (not one-hot, not whole numbers): a regression set. */
    public boolean isRegression() {
        return classes(0) == null;
    }

    /**
     * The targets of split 0 (train), 1 (valid) or 2 (test) as stored, one float per sample for
     * {@code N} or {@code N×1} targets: what a regression task trains on.
     */
    public float[] targets(int split) {
        ArrayValue.Numeric y = raw[split];
        if (y.cols() != 1) {
            throw new IllegalStateException(name + ": the targets are " + y.describe() + ", not one value per sample");
        }
        float[] t = new float[y.data().length];
        for (int i = 0; i < t.length; i++) t[i] = (float) y.data()[i];
        return t;
    }

    /** The stored (packed, standardised) values of modality {@code k} in split {@code split}. */
    public float[] values(int split, int k) {
        return values[split][k];
    }

    /** Train, validation and test as classification sets; refused for regression targets. */
    public DataSplits classification() throws FormatException {
        int[][] labels = new int[3][];
        for (int s = 0; s < 3; s++) labels[s] = classes(s);
        if (labels[0] == null || labels[1] == null || labels[2] == null) {
            throw new FormatException(name + ": the targets (" + raw[0].describe() + ", e.g. " + raw[0].data()[0] + ") are not classes"
                    + " (one-hot or whole numbers): a regression set, read its targets with targets(split); classification needs classes");
        }
        int numClasses = numClasses(labels);
        List<ArrayDataset> sets = new ArrayList<>();
        String[] tags = {"train", "val", "test"};
        for (int s = 0; s < 3; s++) sets.add(new ArrayDataset(name + "-" + tags[s], modalities, values[s], labels[s], null, numClasses));
        return new DataSplits(name, sets.get(0), sets.get(1), sets.get(2), null);
    }

    private int numClasses(int[][] labels) {
        if (raw[0].shape().length == 2 && raw[0].cols() > 1) return raw[0].cols();
        int max = 0;
        for (int[] l : labels) for (int v : l) max = Math.max(max, v);
        return max + 1;
    }

    /** Class indices of a split: argmax of one-hot rows, or whole numbers mapped by the training split's sorted values; null otherwise. */
    private int[] classes(int split) {
        ArrayValue.Numeric y = raw[split];
        int n = y.rows(), c = y.cols();
        int[] out = new int[n];
        if (c > 1) {
            for (int i = 0; i < n; i++) {
                int hot = -1;
                for (int j = 0; j < c; j++) {
                    double v = y.get(i, j);
                    if (v == 1 && hot < 0) hot = j;
                    else if (v != 0) return null;
                }
                if (hot < 0) return null;
                out[i] = hot;
            }
            return out;
        }
        TreeSet<Double> seen = new TreeSet<>();
        for (double v : raw[0].data()) {
            if (v != Math.rint(v)) return null;
            seen.add(v);
        }
        List<Double> sorted = new ArrayList<>(seen);
        for (int i = 0; i < n; i++) {
            int at = sorted.indexOf(y.data()[i]);
            if (at < 0) return null; // a value the training split never had
            out[i] = at;
        }
        return out;
    }

    // ---- file layout ------------------------------------------------------------------------------

    private static String targetName(Path dir) throws IOException {
        for (String t : TARGET_NAMES) if (splitFile(dir, t, 0) != null) return t;
        return null;
    }

    /** Modalities with a training file, sorted by name (audio, video, …). */
    private static List<String> modalityNames(Path dir, String target) throws IOException {
        TreeMap<String, Boolean> names = new TreeMap<>();
        try (var files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Matcher m = FILE.matcher(p.getFileName().toString());
                if (m.matches() && m.group(2).equalsIgnoreCase("train") && !m.group(1).equalsIgnoreCase(target)) names.put(m.group(1), true);
            }
        }
        return List.copyOf(names.keySet());
    }

    private static Path splitFile(Path dir, String modality, int split) {
        for (String tag : SPLITS.get(split)) {
            for (String ext : new String[] {".h5", ".hdf5"}) {
                Path p = dir.resolve(modality + "_" + tag + ext);
                if (Files.isRegularFile(p)) return p;
            }
        }
        return null;
    }

    private static Path file(Path dir, String modality, int split) throws NoSuchFileException {
        Path p = splitFile(dir, modality, split);
        if (p == null) {
            throw new NoSuchFileException(dir.resolve(modality + "_" + SPLITS.get(split).getFirst() + ".h5") + ": missing (modality '"
                    + modality + "' needs a file for each of train, valid, test)");
        }
        return p;
    }

    @Override
    public String toString() {
        return name + " " + modalities + (isRegression() ? " regression" : " classification");
    }
}
