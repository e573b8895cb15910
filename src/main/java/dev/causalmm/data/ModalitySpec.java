package dev.causalmm.data;

import java.util.Arrays;

/** Name and per-sample shape of one modality (float32 values). */
public record ModalitySpec(String name, long[] shape) {
    public ModalitySpec {
        shape = shape.clone();
        for (long s : shape) {
            if (s <= 0) throw new IllegalArgumentException("modality " + name + ": bad shape " + Arrays.toString(shape));
        }
    }

    public static ModalitySpec vector(String name, int dim) {
        return new ModalitySpec(name, new long[] {dim});
    }

    /** Number of float values one sample of this modality holds. */
    public long elementCount() {
        long n = 1;
        for (long s : shape) n *= s;
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModalitySpec m && m.name.equals(name) && Arrays.equals(m.shape, shape);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape);
    }
}
