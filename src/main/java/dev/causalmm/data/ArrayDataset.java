package dev.causalmm.data;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * An in-memory dataset: one row-major {@code float[]} per modality, int labels (classification) or
 * row-major float targets (regression, {@link #regression}), and an optional availability mask. Image and token modalities must hold values their storage type keeps exactly
 * (whole pixels in [0, 255], word ids in [0, vocabulary)); anything else is refused, not rounded.
 */
public final class ArrayDataset implements MultimodalDataset {
    private final String name;
    private final List<ModalitySpec> modalities;
    private final float[][] values;
    private final int[] labels;
    private final boolean[][] available;
    private final int numClasses;
    /** Regression only: {@code size × dims} targets, row-major; null for classification. */
    private final float[] targets;
    private final Task task;

    /**
     * @param values    {@code values[k]} holds {@code size × elementCount(k)} floats
     * @param available {@code available[i][k]}, or null when every modality is always present
     */
    public ArrayDataset(String name, List<ModalitySpec> modalities, float[][] values, int[] labels,
                        boolean[][] available, int numClasses) {
        this(name, modalities, values, labels, null, available, new Task.Classification(numClasses));
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= numClasses) {
                throw new IllegalArgumentException(name + ": label " + labels[i] + " of sample " + i + " is outside [0, " + numClasses + ")");
            }
        }
    }

    /**
     * A regression dataset with {@code task.dims()} float targets per sample, {@code targets} row-major
     * ({@code size × dims}); the sample count is {@code targets.length / dims}.
     */
    public static ArrayDataset regression(String name, List<ModalitySpec> modalities, float[][] values, float[] targets,
                                          boolean[][] available, Task.Regression task) {
        if (targets.length % task.dims() != 0) {
            throw new IllegalArgumentException(name + ": " + targets.length + " target values are not a whole number of "
                    + task.dims() + "-dimensional targets");
        }
        for (int i = 0; i < targets.length; i++) {
            if (!Float.isFinite(targets[i])) {
                throw new IllegalArgumentException(name + ": target value " + i % task.dims() + " of sample " + i / task.dims()
                        + " is " + targets[i] + "; regression targets must be finite");
            }
        }
        return new ArrayDataset(name, modalities, values, new int[targets.length / task.dims()], targets, available, task);
    }

    /** {@code labels} sets the sample count (all zeros for regression, whose values are {@code targets}). */
    private ArrayDataset(String name, List<ModalitySpec> modalities, float[][] values, int[] labels, float[] targets,
                         boolean[][] available, Task task) {
        if (values.length != modalities.size()) {
            throw new IllegalArgumentException(name + ": " + modalities.size() + " modalities but " + values.length + " value arrays");
        }
        for (int k = 0; k < values.length; k++) {
            long expect = (long) labels.length * modalities.get(k).elementCount();
            if (values[k].length != expect) {
                throw new IllegalArgumentException(name + ": modality " + modalities.get(k) + " has " + values[k].length
                        + " values, expected " + expect + " (" + labels.length + " samples)");
            }
        }
        for (int k = 0; k < values.length; k++) checkStorable(name, modalities.get(k), values[k]);
        if (available != null && available.length != labels.length) {
            throw new IllegalArgumentException(name + ": availability mask has " + available.length + " rows for " + labels.length + " samples");
        }
        this.name = name;
        this.modalities = List.copyOf(modalities);
        this.values = values;
        this.labels = labels;
        this.available = available;
        this.numClasses = task instanceof Task.Classification c ? c.numClasses() : 0;
        this.targets = targets;
        this.task = task;
    }

    /** Refuses values a modality's compact storage (uint8 pixels, int32 ids) would change. */
    private static void checkStorable(String name, ModalitySpec spec, float[] v) {
        int n = (int) spec.elementCount();
        switch (spec.kind()) {
            case IMAGE -> {
                for (int i = 0; i < v.length; i++) {
                    if (!(v[i] >= 0 && v[i] <= 255 && v[i] == Math.rint(v[i]))) {
                        throw new IllegalArgumentException(name + ": image modality " + spec.name() + ", sample " + i / n
                                + ", value " + i % n + " is " + v[i] + "; pixels are whole numbers in [0, 255]");
                    }
                }
            }
            case TOKENS -> {
                for (int i = 0; i < v.length; i++) {
                    if (!(v[i] >= 0 && v[i] < spec.vocabSize() && v[i] == Math.rint(v[i]))) {
                        throw new IllegalArgumentException(name + ": token modality " + spec.name() + ", sample " + i / n
                                + ", position " + i % n + " is " + v[i] + "; word ids are whole numbers in [0, " + spec.vocabSize() + ")");
                    }
                }
            }
            case FEATURES -> { }
        }
    }

    @Override public String name() { return name; }
    @Override public int size() { return labels.length; }
    @Override public List<ModalitySpec> modalities() { return modalities; }
    @Override public int numClasses() { return numClasses; }
    @Override public Task task() { return task; }

    /** Target value {@code j} of sample {@code i} (regression only). */
    public float target(int i, int j) {
        if (!(task instanceof Task.Regression r)) throw new IllegalStateException(name + " is a classification dataset: it has labels, not targets");
        return targets[i * r.dims() + j];
    }

    public int label(int i) {
        return labels[i];
    }

    /** Whether modality {@code k} of sample {@code i} is present. */
    public boolean available(int i, int k) {
        return available == null || available[i][k];
    }

    /** The row-major values of modality {@code k} (shared, not copied). */
    public float[] values(int k) {
        return values[k];
    }

    @Override
    public void read(int index, SampleWriter out) {
        for (int k = 0; k < values.length; k++) {
            int n = (int) modalities.get(k).elementCount();
            MemorySegment dst = out.modality(k);
            if (available != null && !available[index][k]) {
                dst.fill((byte) 0);
                out.missing(k);
            } else {
                switch (modalities.get(k).storage()) {
                    case UINT8 -> {
                        for (int j = 0; j < n; j++) dst.set(ValueLayout.JAVA_BYTE, j, (byte) values[k][index * n + j]);
                    }
                    case INT32 -> {
                        for (int j = 0; j < n; j++) dst.setAtIndex(ValueLayout.JAVA_INT, j, (int) values[k][index * n + j]);
                    }
                    default -> MemorySegment.copy(values[k], index * n, dst, ValueLayout.JAVA_FLOAT_UNALIGNED, 0, n);
                }
            }
        }
        if (task instanceof Task.Regression r) {
            out.target(Arrays.copyOfRange(targets, index * r.dims(), (index + 1) * r.dims()));
        } else {
            out.label(labels[index]);
        }
    }

    /**
     * A copy with Gaussian noise of standard deviation {@code sigma[k]} added to every value of
     * modality k (0 leaves it clean), drawn from a seeded {@link java.util.SplittableRandom}: a
     * test-time corruption of feature-vector modalities.
     */
    public ArrayDataset withGaussianNoise(String noisyName, double[] sigma, long seed) {
        if (sigma.length != values.length) {
            throw new IllegalArgumentException(name + ": " + sigma.length + " noise levels for " + values.length + " modalities");
        }
        SplittableRandom r = new SplittableRandom(seed);
        float[][] v = new float[values.length][];
        for (int k = 0; k < values.length; k++) {
            v[k] = values[k].clone();
            if (sigma[k] == 0) continue;
            for (int i = 0; i < v[k].length; i++) {
                v[k][i] += (float) (sigma[k] * Gaussian.draw(r));
            }
        }
        return new ArrayDataset(noisyName, new ArrayList<>(modalities), v, labels.clone(), targets == null ? null : targets.clone(),
                available == null ? null : available.clone(), task);
    }

    /** A new dataset holding the given rows (for splits). */
    public ArrayDataset subset(String subsetName, int[] rows) {
        float[][] v = new float[values.length][];
        for (int k = 0; k < values.length; k++) {
            int n = (int) modalities.get(k).elementCount();
            v[k] = new float[rows.length * n];
            for (int r = 0; r < rows.length; r++) System.arraycopy(values[k], rows[r] * n, v[k], r * n, n);
        }
        int[] l = new int[rows.length];
        boolean[][] a = available == null ? null : new boolean[rows.length][];
        for (int r = 0; r < rows.length; r++) {
            l[r] = labels[rows[r]];
            if (a != null) a[r] = available[rows[r]].clone();
        }
        float[] t = null;
        if (task instanceof Task.Regression reg) {
            int d = reg.dims();
            t = new float[rows.length * d];
            for (int r = 0; r < rows.length; r++) System.arraycopy(targets, rows[r] * d, t, r * d, d);
        }
        return new ArrayDataset(subsetName, new ArrayList<>(modalities), v, l, t, a, task);
    }
}
