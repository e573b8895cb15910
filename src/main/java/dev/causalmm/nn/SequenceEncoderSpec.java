package dev.causalmm.nn;

/**
 * Which trunk turns a {@link dev.causalmm.data.ModalitySpec.Kind#SEQUENCE sequence} into one
 * vector before the modality's usual MLP (see docs/methods.md, "Sequence encoders").
 *
 * @param kind   the trunk
 * @param hidden width of the trunk's state (GRU) or model width (transformer)
 * @param heads  attention heads of the transformer trunk (must divide {@code hidden})
 */
public record SequenceEncoderSpec(Kind kind, int hidden, int heads) {
    /** The sequence trunks. */
    public enum Kind {
        /** One-layer GRU (LibTorch's fused kernel); the state after the last real step. */
        GRU,
        /** A learned step position, one pre-LN transformer block with padded keys hidden, then the mean of the real steps. */
        TRANSFORMER
    }

    public SequenceEncoderSpec {
        if (kind == null) throw new IllegalArgumentException("a sequence encoder needs a kind (gru or transformer)");
        if (hidden < 1) throw new IllegalArgumentException("sequence encoder width must be >= 1, got " + hidden);
        if (kind == Kind.TRANSFORMER && (heads < 1 || hidden % heads != 0)) {
            throw new IllegalArgumentException("transformer sequence encoder: " + heads + " heads do not divide width " + hidden);
        }
    }

    /** GRU of width 64: the default (docs/methods.md says why). */
    public static SequenceEncoderSpec defaults() {
        return new SequenceEncoderSpec(Kind.GRU, 64, 4);
    }
}
