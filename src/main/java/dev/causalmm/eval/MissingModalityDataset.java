package dev.causalmm.eval;

import dev.causalmm.data.ModalitySpec;
import dev.causalmm.data.MultimodalDataset;
import dev.causalmm.data.SampleWriter;
import dev.causalmm.data.Task;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;

/**
 * A view of a dataset in which the chosen modalities are missing at test time, for each sample
 * independently with probability {@code rate} (1 = always): the sample's slot is zeroed and marked
 * missing, so models see it through the availability mask (late fusion averages the present heads,
 * TMC's opinion becomes vacuous, concat and MMBT see zeros). Decisions come from (seed, sample,
 * modality), like {@link NoiseProtocol}'s, so they do not depend on the loader's timing.
 */
public final class MissingModalityDataset implements MultimodalDataset {
    private final MultimodalDataset inner;
    private final int[] modalities;
    private final double rate;
    private final NoiseProtocol draws;

    public MissingModalityDataset(MultimodalDataset inner, int[] modalities, double rate, long seed) {
        if (!(rate >= 0 && rate <= 1)) throw new IllegalArgumentException("missing rate must be in [0, 1], got " + rate);
        if (modalities == null || modalities.length == 0) throw new IllegalArgumentException("name at least one modality to drop");
        modalities = Arrays.stream(modalities).distinct().toArray();
        int k = inner.modalities().size();
        for (int m : modalities) {
            if (m < 0 || m >= k) throw new IllegalArgumentException("missing modality " + m + " does not exist in '" + inner.name() + "' (" + k + " modalities)");
        }
        if (modalities.length == k && rate == 1) {
            throw new IllegalArgumentException("dropping every modality of every sample leaves nothing to predict from");
        }
        this.inner = inner;
        this.modalities = modalities.clone();
        this.rate = rate;
        // the same well-mixed (seed, sample, modality) decisions as the noise protocol, with p = rate
        this.draws = new NoiseProtocol(1, rate, 0, 0, 0, false, modalities, seed ^ 0x5DEECE66DL);
    }

    @Override public String name() { return inner.name() + "-missing" + Arrays.toString(modalities); }
    @Override public int size() { return inner.size(); }
    @Override public List<ModalitySpec> modalities() { return inner.modalities(); }
    @Override public int numClasses() { return inner.numClasses(); }
    @Override public Task task() { return inner.task(); }

    /** Whether modality {@code m} of sample {@code i} is dropped. */
    public boolean drops(int i, int m) {
        return rate == 1 ? draws.appliesTo(m) : draws.corrupts(i, m);
    }

    @Override
    public void read(int index, SampleWriter out) throws IOException {
        inner.read(index, out);
        for (int m : modalities) {
            if (!drops(index, m)) continue;
            MemorySegment row = out.modality(m);
            row.fill((byte) 0);
            out.missing(m);
        }
    }
}
