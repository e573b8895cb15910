package dev.causalmm.data;

import java.util.List;
import java.util.SplittableRandom;

/**
 * A small two-modality sequence task of varying lengths for tests: each modality is {@code T×d}
 * steps, 1 to T of them real, the rest zero padding; the class is whether the real steps' first
 * channel, averaged and summed over both modalities, is positive (each modality alone: ~75 %).
 */
public final class SequenceData {
    private SequenceData() {}

    public static ArrayDataset generate(String name, int n, int steps, int features, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] raw = {new double[n * steps * features], new double[n * steps * features]};
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            double score = 0;
            for (int k = 0; k < 2; k++) {
                int len = 1 + r.nextInt(steps);
                double mean = Gaussian.draw(r), sum = 0;
                for (int t = 0; t < len; t++) {
                    for (int j = 0; j < features; j++) {
                        double v = (j == 0 ? mean : 0) + 0.5 * Gaussian.draw(r);
                        raw[k][(i * steps + t) * features + j] = v;
                        if (j == 0) sum += v;
                    }
                }
                score += sum / len;
            }
            labels[i] = score > 0 ? 1 : 0;
        }
        List<ModalitySpec> specs = List.of(ModalitySpec.sequence("a", steps, features), ModalitySpec.sequence("b", steps, features));
        float[][] values = {Sequences.pack(raw[0], n, steps, features, true), Sequences.pack(raw[1], n, steps, features, true)};
        return new ArrayDataset(name, specs, values, labels, null, 2);
    }
}
