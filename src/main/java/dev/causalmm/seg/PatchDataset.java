package dev.causalmm.seg;

import dev.causalmm.data.ModalitySpec;
import dev.causalmm.data.MultimodalDataset;
import dev.causalmm.data.SampleWriter;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

/**
 * The patches of steps {@code [firstStep, firstStep + steps)} as a dataset for {@code data.DataLoader}
 * (decoded on its virtual threads into its batch buffers, pinned on CUDA): sample {@code i} is slot
 * {@code i mod batchSize} of step {@code firstStep + i / batchSize}, drawn by
 * {@link PatchSampler#sample} from (seed, step, slot). A run resumed at step s starts a dataset at s:
 * nothing before it is drawn. Three "modalities" carry one patch: the image ({@code K×pz×py×px}),
 * the modality-availability row ({@code K}) and the region targets ({@code 3×pz×py×px}); the label is 0.
 */
final class PatchDataset implements MultimodalDataset {
    static final int IMAGE = 0;
    static final int AVAILABILITY = 1;
    static final int TARGETS = 2;

    private final PatchSampler sampler;
    private final long firstStep;
    private final int size;
    private final int batchSize;
    private final List<ModalitySpec> specs;

    PatchDataset(PatchSampler sampler, long firstStep, int steps, int batchSize) {
        if (steps <= 0 || batchSize <= 0) throw new IllegalArgumentException("patch dataset needs steps and batch size > 0");
        this.sampler = sampler;
        this.firstStep = firstStep;
        this.size = Math.multiplyExact(steps, batchSize);
        this.batchSize = batchSize;
        int[] p = sampler.settings().patch();
        int k = sampler.modalities();
        specs = List.of(new ModalitySpec("image", new long[] {k, p[2], p[1], p[0]}), ModalitySpec.vector("availability", k),
                new ModalitySpec("targets", new long[] {3, p[2], p[1], p[0]}));
    }

    @Override
    public String name() {
        return "patches";
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public List<ModalitySpec> modalities() {
        return specs;
    }

    @Override
    public int numClasses() {
        return 1;
    }

    @Override
    public void read(int index, SampleWriter out) {
        int[] p = sampler.settings().patch();
        int pv = p[0] * p[1] * p[2];
        int k = sampler.modalities();
        float[] x = new float[k * pv];
        float[] mask = new float[k];
        float[] y = new float[3 * pv];
        sampler.sample(firstStep + index / batchSize, index % batchSize, x, mask, y);
        put(out.modality(IMAGE), x);
        put(out.modality(AVAILABILITY), mask);
        put(out.modality(TARGETS), y);
        out.label(0);
    }

    private static void put(MemorySegment slot, float[] values) {
        MemorySegment.copy(values, 0, slot, ValueLayout.JAVA_FLOAT_UNALIGNED, 0, values.length);
    }
}
