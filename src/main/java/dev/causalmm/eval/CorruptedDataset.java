package dev.causalmm.eval;

import dev.causalmm.data.ModalitySpec;
import dev.causalmm.data.MultimodalDataset;
import dev.causalmm.data.SampleWriter;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A view of a dataset with {@link NoiseProtocol} corruption applied as samples are read (on the
 * loader's threads, into the batch buffer: no copy of the data set). The per-dimension std that
 * scales the noise is measured once over the wrapped data.
 */
public final class CorruptedDataset implements MultimodalDataset {
    private final MultimodalDataset inner;
    private final NoiseProtocol protocol;
    private final float[][] std;

    public CorruptedDataset(MultimodalDataset inner, NoiseProtocol protocol) {
        this.inner = inner;
        this.protocol = protocol;
        this.std = new float[inner.modalities().size()][];
        for (int m = 0; m < std.length; m++) {
            if (protocol.appliesTo(m)) std[m] = dev.causalmm.data.SampleReader.perDimensionStd(inner, m, 20_000);
        }
        for (int m : protocol.modalities()) {
            if (m < 0 || m >= std.length) {
                throw new IllegalArgumentException("noise modality " + m + " does not exist in '" + inner.name() + "' (" + std.length + " modalities)");
            }
        }
    }

    @Override public String name() { return inner.name() + "+noise" + protocol.eps(); }
    @Override public int size() { return inner.size(); }
    @Override public List<ModalitySpec> modalities() { return inner.modalities(); }
    @Override public int numClasses() { return inner.numClasses(); }

    @Override
    public void read(int index, SampleWriter out) throws IOException {
        inner.read(index, out);
        for (int m = 0; m < std.length; m++) {
            if (!protocol.corrupts(index, m)) continue;
            MemorySegment row = out.modality(m);
            SplittableRandom r = new SplittableRandom(protocol.mix(index, m, 2));
            double scale = protocol.eps() * protocol.sigmaPerEps();
            for (int j = 0; j < std[m].length; j++) {
                float v = row.getAtIndex(ValueLayout.JAVA_FLOAT, j);
                row.setAtIndex(ValueLayout.JAVA_FLOAT, j, (float) (v + scale * std[m][j] * gaussian(r)));
            }
        }
    }

    private static double gaussian(SplittableRandom r) {
        return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
    }
}
