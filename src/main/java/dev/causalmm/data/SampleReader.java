package dev.causalmm.data;

import dev.causalmm.engine.DType;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.List;

/**
 * Reads single samples into scratch memory, outside the loader: for the small scans done before
 * training (statistics, probes). Not thread-safe; one per thread.
 */
public final class SampleReader implements SampleWriter {
    private final MemorySegment[] rows;
    private final boolean[] missing;
    private final DType[] storage;
    private int label;
    private float[] target = new float[0];

    public SampleReader(Arena arena, List<ModalitySpec> specs) {
        rows = new MemorySegment[specs.size()];
        missing = new boolean[specs.size()];
        storage = new DType[specs.size()];
        for (int m = 0; m < storage.length; m++) storage[m] = specs.get(m).storage();
        for (int m = 0; m < rows.length; m++) rows[m] = arena.allocate(specs.get(m).sampleBytes(), 8);
    }

    /** Reads sample {@code i} of {@code ds}; a failure names the dataset and the sample. */
    public void read(MultimodalDataset ds, int i) {
        Arrays.fill(missing, false);
        target = new float[0];
        try {
            ds.read(i, this);
        } catch (IOException e) {
            throw new DataLoadException("dataset '" + ds.name() + "', sample " + i + ": " + e.getMessage(), e);
        }
    }

    /** Value j of modality m of the last sample read, whatever its storage type. */
    public float value(int m, int j) {
        return switch (storage[m]) {
            case UINT8 -> rows[m].get(ValueLayout.JAVA_BYTE, j) & 0xff;
            case INT32 -> rows[m].getAtIndex(ValueLayout.JAVA_INT, j);
            default -> rows[m].getAtIndex(ValueLayout.JAVA_FLOAT, j);
        };
    }

    public int label() {
        return label;
    }

    /** The regression target of the last sample read (a copy; empty when the dataset wrote a class label). */
    public float[] target() {
        return target.clone();
    }

    public boolean isMissing(int m) {
        return missing[m];
    }

    /** Per-dimension standard deviation of modality m over up to {@code max} samples (1 where constant). */
    public static float[] perDimensionStd(MultimodalDataset ds, int m, int max) {
        int dim = (int) ds.modalities().get(m).elementCount();
        double[] sum = new double[dim], sq = new double[dim];
        int n = 0;
        try (Arena arena = Arena.ofConfined()) {
            SampleReader r = new SampleReader(arena, ds.modalities());
            for (int i = 0; i < Math.min(ds.size(), max); i++) {
                r.read(ds, i);
                if (r.isMissing(m)) continue;
                for (int j = 0; j < dim; j++) {
                    double v = r.value(m, j);
                    sum[j] += v;
                    sq[j] += v * v;
                }
                n++;
            }
        }
        float[] std = new float[dim];
        for (int j = 0; j < dim; j++) {
            double mean = n == 0 ? 0 : sum[j] / n;
            double var = n == 0 ? 0 : sq[j] / n - mean * mean;
            std[j] = var > 1e-12 ? (float) Math.sqrt(var) : 1f;
        }
        return std;
    }

    @Override public MemorySegment modality(int k) { return rows[k]; }
    @Override public void label(long l) { label = (int) l; }
    @Override public void target(float... values) { target = values.clone(); }
    @Override public void missing(int k) { missing[k] = true; }
}
