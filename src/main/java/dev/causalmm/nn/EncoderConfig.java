package dev.causalmm.nn;

import java.util.List;

/**
 * Shape of a per-modality MLP encoder.
 *
 * @param hidden      widths of the layers after the input
 * @param activation  non-linearity between layers
 * @param meanHalf    use only the first half of the last layer as the feature (the CaSN/C3R
 *                    encoder emits (μ, log σ²) and uses μ as the representation)
 */
public record EncoderConfig(List<Integer> hidden, Activation activation, boolean meanHalf) {
    public EncoderConfig {
        hidden = List.copyOf(hidden);
        if (hidden.isEmpty()) throw new IllegalArgumentException("encoder needs at least one layer");
        if (meanHalf && hidden.getLast() % 2 != 0) throw new IllegalArgumentException("meanHalf needs an even last width: " + hidden);
    }

    /** The C3R paper's synthetic-data learner (spec §2.6): in→64→ELU→32→ELU→128, μ = first 64. */
    public static EncoderConfig c3rPaper() {
        return new EncoderConfig(List.of(64, 32, 128), Activation.ELU, true);
    }

    /** Width of the feature the encoder hands to fusion. */
    public int featureDim() {
        return meanHalf ? hidden.getLast() / 2 : hidden.getLast();
    }
}
