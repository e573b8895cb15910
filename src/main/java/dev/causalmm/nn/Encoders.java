package dev.causalmm.nn;

import dev.causalmm.data.ModalitySpec;

/** Picks the encoder a modality's kind calls for. */
public final class Encoders {
    private Encoders() {}

    /**
     * Features: the MLP of {@code config}; images: {@link ImageEncoder}; tokens:
     * {@link BagOfWordsEncoder}; sequences: a {@link SequenceEncoderSpec} trunk — the latter three end in the same MLP, so every fusion model and
     * regulariser sees features of {@code config.featureDim()} whatever the modality.
     */
    public static ModalityEncoder create(ModalitySpec spec, EncoderConfig config, Init init) {
        PretrainedEncoderSpec p = pretrained(spec);
        if (p != null) return new PretrainedEncoder(new ScriptEncoder(spec, p), config, init);
        return switch (spec.kind()) {
            case FEATURES -> new MlpEncoder((int) spec.elementCount(), config, init);
            case IMAGE -> new ImageEncoder((int) spec.shape()[0], config, init);
            case TOKENS -> new BagOfWordsEncoder(spec.vocabSize(), BagOfWordsEncoder.DEFAULT_DIM, config, init);
            case SEQUENCE -> sequence(spec, config, init);
        };
    }

    /**
     * The raw representation ConcatBow concatenates (spec §5.3): features as they are, an image's
     * pooled CNN regions, a text's summed word embeddings — no MLP.
     */
    public static ModalityEncoder raw(ModalitySpec spec, Init init) {
        PretrainedEncoderSpec p = pretrained(spec);
        if (p != null) return new PretrainedEncoder(new ScriptEncoder(spec, p), null, init);
        return switch (spec.kind()) {
            case FEATURES -> new IdentityEncoder((int) spec.elementCount());
            case IMAGE -> new ImageEncoder((int) spec.shape()[0], null, init);
            case TOKENS -> new BagOfWordsEncoder(spec.vocabSize(), BagOfWordsEncoder.DEFAULT_DIM, null, init);
            case SEQUENCE -> sequence(spec, null, init);
        };
    }

    /** The sequence trunk for the models built inside {@link #withSequenceEncoder}; {@link SequenceEncoderSpec#defaults()} elsewhere. */
    private static final ScopedValue<SequenceEncoderSpec> SEQUENCE_ENCODER = ScopedValue.newInstance();

    /** Runs {@code build} so that every sequence modality's encoder made in it is {@code spec}'s trunk. */
    public static <T> T withSequenceEncoder(SequenceEncoderSpec spec, java.util.function.Supplier<T> build) {
        return ScopedValue.where(SEQUENCE_ENCODER, java.util.Objects.requireNonNull(spec, "spec")).call(build::get);
    }

    /** The sequence trunk models built here get: {@link #withSequenceEncoder}'s, or the default (what a checkpoint records). */
    public static SequenceEncoderSpec sequenceEncoder() {
        return SEQUENCE_ENCODER.isBound() ? SEQUENCE_ENCODER.get() : SequenceEncoderSpec.defaults();
    }

    /** A sequence's trunk (GRU or transformer), then {@code config}'s MLP unless it is null. */
    private static ModalityEncoder sequence(ModalitySpec spec, EncoderConfig config, Init init) {
        SequenceEncoderSpec s = SEQUENCE_ENCODER.isBound() ? SEQUENCE_ENCODER.get() : SequenceEncoderSpec.defaults();
        return switch (s.kind()) {
            case GRU -> new GruSequenceEncoder(spec, s.hidden(), config, init);
            case TRANSFORMER -> new TransformerSequenceEncoder(spec, s.hidden(), s.heads(), config, init);
        };
    }

    /** Pretrained TorchScript encoders by modality name, for the models built inside {@link #withPretrained}. */
    private static final ScopedValue<java.util.Map<String, PretrainedEncoderSpec>> PRETRAINED = ScopedValue.newInstance();

    /**
     * Runs {@code build} (typically a model's construction) so that every encoder {@link #create}
     * or {@link #raw} makes for a modality named in {@code encoders} is that TorchScript module
     * (followed by the usual MLP in {@code create}): how a pretrained encoder plugs into late fusion,
     * concat, ConcatBow, TMC and QMF without changing their constructors. Cached encoders
     * ({@code mode=cache}) are not built here: their modality is already a feature vector.
     */
    public static <T> T withPretrained(java.util.List<PretrainedEncoderSpec> encoders, java.util.function.Supplier<T> build) {
        java.util.Map<String, PretrainedEncoderSpec> m = new java.util.LinkedHashMap<>();
        if (encoders != null) for (PretrainedEncoderSpec p : encoders) if (!p.cached()) m.put(p.modality(), p);
        if (m.isEmpty()) return build.get();
        return ScopedValue.where(PRETRAINED, java.util.Map.copyOf(m)).call(build::get);
    }

    private static PretrainedEncoderSpec pretrained(ModalitySpec spec) {
        return PRETRAINED.isBound() ? PRETRAINED.get().get(spec.name()) : null;
    }

    /** A TorchScript trunk, then (unless {@code config} is null) the per-modality MLP. */
    static final class PretrainedEncoder extends ModalityEncoder {
        private final ScriptEncoder trunk;
        private final MlpEncoder head;

        PretrainedEncoder(ScriptEncoder trunk, EncoderConfig config, Init init) {
            this.trunk = registerModule("pretrained", trunk);
            this.head = config == null ? null : registerModule("mlp", new MlpEncoder(trunk.featureDim(), config, init));
        }

        @Override
        public dev.causalmm.engine.Tensor forward(dev.causalmm.engine.Tensor x) {
            dev.causalmm.engine.Tensor h = trunk.forward(x);
            return head == null ? h : head.forward(h);
        }

        @Override
        public int featureDim() {
            return head == null ? trunk.featureDim() : head.featureDim();
        }
    }

    /** Passes a flat feature vector through unchanged. */
    static final class IdentityEncoder extends ModalityEncoder {
        private final int dim;

        IdentityEncoder(int dim) {
            this.dim = dim;
        }

        @Override
        public dev.causalmm.engine.Tensor forward(dev.causalmm.engine.Tensor x) {
            return x.reshape(x.size(0), dim);
        }

        @Override
        public int featureDim() {
            return dim;
        }
    }
}
