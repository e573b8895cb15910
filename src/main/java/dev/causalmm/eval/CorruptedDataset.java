package dev.causalmm.eval;

import dev.causalmm.data.Gaussian;
import dev.causalmm.data.ModalitySpec;
import dev.causalmm.data.MultimodalDataset;
import dev.causalmm.data.SampleReader;
import dev.causalmm.data.SampleWriter;
import dev.causalmm.data.Sequences;
import dev.causalmm.data.Task;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A view of a dataset with {@link NoiseProtocol} corruption applied as samples are read (on the
 * loader's threads, into the batch buffer: no copy of the data set). Each modality is corrupted
 * by its kind: Gaussian noise scaled by the per-dimension std (measured once over the wrapped data)
 * for features, a shared-channel pixel noise plane for images, word blanking for texts.
 */
public final class CorruptedDataset implements MultimodalDataset {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;
    private final MultimodalDataset inner;
    private final NoiseProtocol protocol;
    private final float[][] std;
    /** Per image modality, the one noise field every corrupted image gets under {@code qmfCompat}. */
    private final float[][] fixedField;

    public CorruptedDataset(MultimodalDataset inner, NoiseProtocol protocol) {
        this.inner = inner;
        this.protocol = protocol;
        List<ModalitySpec> specs = inner.modalities();
        for (int m : protocol.modalities()) {
            if (m < 0 || m >= specs.size()) {
                throw new IllegalArgumentException("noise modality " + m + " does not exist in '" + inner.name() + "' (" + specs.size() + " modalities)");
            }
        }
        this.std = new float[specs.size()][];
        this.fixedField = new float[specs.size()][];
        for (int m = 0; m < specs.size(); m++) {
            if (!protocol.appliesTo(m) || protocol.eps() == 0) continue;
            ModalitySpec s = specs.get(m);
            switch (s.kind()) {
                case FEATURES, SEQUENCE -> std[m] = SampleReader.perDimensionStd(inner, m, 20_000);
                case IMAGE -> {
                    if (protocol.qmfCompat()) {
                        float[] f = new float[(int) (s.shape()[1] * s.shape()[2])];
                        SplittableRandom r = new SplittableRandom(0);
                        for (int j = 0; j < f.length; j++) f[j] = (float) (protocol.pixelSigma() * Gaussian.draw(r));
                        fixedField[m] = f;
                    }
                }
                case TOKENS -> { }
            }
        }
    }

    @Override public String name() { return inner.name() + "+noise" + protocol.eps(); }
    @Override public int size() { return inner.size(); }
    @Override public List<ModalitySpec> modalities() { return inner.modalities(); }
    @Override public int numClasses() { return inner.numClasses(); }
    @Override public Task task() { return inner.task(); }

    @Override
    public void read(int index, SampleWriter out) throws IOException {
        inner.read(index, out);
        List<ModalitySpec> specs = inner.modalities();
        for (int m = 0; m < specs.size(); m++) {
            if (!protocol.corrupts(index, m)) continue;
            MemorySegment row = out.modality(m);
            SplittableRandom r = new SplittableRandom(protocol.mix(index, m, 2));
            switch (specs.get(m).kind()) {
                case FEATURES -> addFeatureNoise(row, std[m], protocol.eps() * protocol.sigmaPerEps(), r);
                case SEQUENCE -> Sequences.addNoise(row, specs.get(m), std[m], protocol.eps() * protocol.sigmaPerEps(), r);
                case IMAGE -> addPixelNoise(row, specs.get(m).shape(), fixedField[m], r);
                case TOKENS -> blankWords(row, (int) specs.get(m).elementCount(), r);
            }
        }
    }

    private static void addFeatureNoise(MemorySegment row, float[] std, double scale, SplittableRandom r) {
        for (int j = 0; j < std.length; j++) {
            row.setAtIndex(F, j, (float) (row.getAtIndex(F, j) + scale * std[j] * Gaussian.draw(r)));
        }
    }

    /**
     * One noise plane shared by the channels: fresh per image, or the fixed field under qmfCompat.
     * The pixels are bytes, so the noisy value is quantised again, as the reference's uint8 image
     * is: rounded and clipped to [0, 255], or under qmfCompat the reference's own cast.
     */
    private void addPixelNoise(MemorySegment row, long[] shape, float[] fixed, SplittableRandom r) {
        int channels = (int) shape[0], plane = (int) (shape[1] * shape[2]);
        double sigma = protocol.pixelSigma();
        boolean compat = protocol.qmfCompat();
        for (int j = 0; j < plane; j++) {
            float noise = fixed != null ? fixed[j] : (float) (sigma * Gaussian.draw(r));
            for (int c = 0; c < channels; c++) {
                long at = (long) c * plane + j;
                float v = (row.get(ValueLayout.JAVA_BYTE, at) & 0xff) + noise;
                row.set(ValueLayout.JAVA_BYTE, at, (byte) (compat ? uint8Cast(v) : quantise(v)));
            }
        }
    }

    /** Nearest 8-bit pixel value of {@code v}: rounded, clipped to [0, 255]. */
    static int quantise(float v) {
        return (int) Math.clamp(Math.round(v), 0, 255);
    }

    /** The reference's {@code min(v, 255)} then uint8 cast: truncation toward zero, negatives wrap modulo 256. */
    static int uint8Cast(float v) {
        long t = (long) Math.min(v, 255f);
        return (int) Math.floorMod(t, 256);
    }

    private void blankWords(MemorySegment row, int length, SplittableRandom r) {
        double p = protocol.wordBlankProbability();
        for (int j = 0; j < length; j++) {
            if (row.getAtIndex(ValueLayout.JAVA_INT, j) == ModalitySpec.PAD) continue;
            if (r.nextDouble() < p) row.setAtIndex(ValueLayout.JAVA_INT, j, ModalitySpec.BLANK);
        }
    }
}
