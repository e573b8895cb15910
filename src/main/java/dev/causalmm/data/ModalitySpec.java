package dev.causalmm.data;

import dev.causalmm.engine.DType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Name, kind and per-sample shape of one modality. Each kind has a storage type: what a sample
 * holds in the loader's off-heap buffer and on its way to the device. The loader turns every
 * modality into float32 on the device, so models see one element type:
 * <ul>
 *   <li>{@link Kind#FEATURES}: a feature vector or tensor of real values, stored as float32;</li>
 *   <li>{@link Kind#IMAGE}: {@code C×H×W} pixels stored as uint8 (0–255): a quarter of the bytes
 *       of float32 in host memory and over PCIe. Test-time pixel noise (spec §6.1) is added to
 *       these bytes and re-quantised, as the reference adds it to an 8-bit image; models
 *       normalise on the device;</li>
 *   <li>{@link Kind#TOKENS}: {@code L} word ids below {@code vocabSize}, stored as int32, with
 *       {@link #PAD} = 0 and {@link #BLANK} = 1 (the "_" of word-blank noise);</li>
 *   <li>{@link Kind#SEQUENCE}: {@code T} steps of {@code d} real values, stored as float32 with one
 *       more channel, the step mask (1 = a real step, 0 = padding after the sequence's end): shape
 *       {@code T×(d+1)}. The mask travels inside the sample, so loaders, caches, batches and
 *       corruptions carry a per-sample length without any change; see {@link #sequence}.</li>
 * </ul>
 *
 * @param vocabSize vocabulary size for {@link Kind#TOKENS}, 0 otherwise
 */
public record ModalitySpec(String name, long[] shape, Kind kind, int vocabSize) {
    /** What the values of a modality mean, which decides its encoder and its test-time noise. */
    public enum Kind { FEATURES, IMAGE, TOKENS, SEQUENCE }

    /** Padding token id. */
    public static final int PAD = 0;
    /** The blank word ("_") that word-blanking noise puts in place of a word. */
    public static final int BLANK = 1;

    public ModalitySpec {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("a modality needs a name");
        shape = shape.clone();
        for (long s : shape) {
            if (s <= 0) throw new IllegalArgumentException("modality " + name + ": bad shape " + Arrays.toString(shape));
        }
        if (kind == null) kind = Kind.FEATURES;
        switch (kind) {
            case IMAGE -> {
                if (shape.length != 3) throw new IllegalArgumentException("image modality " + name + " needs a C×H×W shape, got " + Arrays.toString(shape));
                if (vocabSize != 0) throw new IllegalArgumentException("image modality " + name + " has no vocabulary");
            }
            case TOKENS -> {
                if (shape.length != 1) throw new IllegalArgumentException("token modality " + name + " needs a [length] shape, got " + Arrays.toString(shape));
                if (vocabSize < 3 || vocabSize > (1 << 24)) {
                    throw new IllegalArgumentException("token modality " + name + ": vocabulary size must be in [3, 2^24], got " + vocabSize);
                }
            }
            case FEATURES -> {
                if (vocabSize != 0) throw new IllegalArgumentException("feature modality " + name + " has no vocabulary");
            }
            case SEQUENCE -> {
                if (shape.length != 2 || shape[1] < 2) {
                    throw new IllegalArgumentException("sequence modality " + name + " needs a [steps, features + 1 (mask)] shape, got "
                            + Arrays.toString(shape));
                }
                if (vocabSize != 0) throw new IllegalArgumentException("sequence modality " + name + " has no vocabulary");
            }
        }
    }

    /** A feature-valued modality of the given shape. */
    public ModalitySpec(String name, long[] shape) {
        this(name, shape, Kind.FEATURES, 0);
    }

    public static ModalitySpec vector(String name, int dim) {
        return new ModalitySpec(name, new long[] {dim});
    }

    /** Feature-vector modalities {@code m0, m1, …} of the given widths. */
    public static List<ModalitySpec> vectors(int... dims) {
        List<ModalitySpec> l = new ArrayList<>(dims.length);
        for (int k = 0; k < dims.length; k++) l.add(vector("m" + k, dims[k]));
        return List.copyOf(l);
    }

    /** An image of {@code channels×height×width} pixels in 0–255 units. */
    public static ModalitySpec image(String name, int channels, int height, int width) {
        return new ModalitySpec(name, new long[] {channels, height, width}, Kind.IMAGE, 0);
    }

    /** A sequence of {@code length} word ids from a vocabulary of {@code vocabSize} (0 = padding, 1 = blank). */
    public static ModalitySpec tokens(String name, int length, int vocabSize) {
        return new ModalitySpec(name, new long[] {length}, Kind.TOKENS, vocabSize);
    }

    /**
     * A sequence of at most {@code steps} steps of {@code features} values; stored {@code steps ×
     * (features + 1)} with the step mask as the last channel (see the class comment).
     */
    public static ModalitySpec sequence(String name, int steps, int features) {
        return new ModalitySpec(name, new long[] {steps, features + 1L}, Kind.SEQUENCE, 0);
    }

    /** Steps of a {@link Kind#SEQUENCE} modality (its padded length). */
    public int steps() {
        requireSequence();
        return (int) shape[0];
    }

    /** Values per step of a {@link Kind#SEQUENCE} modality, without the mask channel. */
    public int stepFeatures() {
        requireSequence();
        return (int) shape[1] - 1;
    }

    private void requireSequence() {
        if (kind != Kind.SEQUENCE) throw new IllegalStateException("modality " + name + " is not a sequence");
    }

    /** The element type one sample is stored in before it reaches the device (see the class comment). */
    public DType storage() {
        return switch (kind) {
            case FEATURES, SEQUENCE -> DType.FLOAT32;
            case IMAGE -> DType.UINT8;
            case TOKENS -> DType.INT32;
        };
    }

    /** Bytes one sample of this modality takes in a batch buffer: elements × storage size. */
    public long sampleBytes() {
        return elementCount() * storage().byteSize();
    }

    /** Number of values one sample of this modality holds. */
    public long elementCount() {
        long n = 1;
        for (long s : shape) n *= s;
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModalitySpec m && m.name.equals(name) && Arrays.equals(m.shape, shape) && m.kind == kind && m.vocabSize == vocabSize;
    }

    @Override
    public int hashCode() {
        return (name.hashCode() * 31 + Arrays.hashCode(shape)) * 31 + kind.hashCode();
    }

    @Override
    public String toString() {
        if (kind == Kind.SEQUENCE) return name + "[" + shape[0] + " steps × " + (shape[1] - 1) + " + mask] sequence";
        return name + Arrays.toString(shape) + (kind == Kind.FEATURES ? "" : " " + kind.name().toLowerCase(Locale.ROOT)
                + (kind == Kind.TOKENS ? " vocab " + vocabSize : ""));
    }
}
