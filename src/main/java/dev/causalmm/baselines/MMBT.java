package dev.causalmm.baselines;

import dev.causalmm.engine.Functional;
import dev.causalmm.nn.Init;
import dev.causalmm.data.ModalitySpec;
import dev.causalmm.engine.DType;
import dev.causalmm.engine.Tensor;
import dev.causalmm.nn.Embedding;
import dev.causalmm.nn.ImageTrunk;
import dev.causalmm.nn.LayerNorm;
import dev.causalmm.nn.Linear;
import dev.causalmm.nn.Module;
import dev.causalmm.nn.TransformerBlock;
import java.util.ArrayList;
import java.util.List;

/**
 * A small supervised multimodal bitransformer in the layout of MMBT (spec §5.4), trained from
 * scratch. One sequence goes through one pre-LN transformer:
 * {@code [CLS] img_1 … img_N [SEP]} (type 0, positions 0…N+1) followed by each text's word
 * embeddings (type 1, positions restarting at 0, no [CLS]/[SEP]). Image tokens are the
 * {@link ImageTrunk}'s region vectors projected to H; a feature-vector modality becomes one token
 * the same way. Output: the pooler {@code tanh(Linear(first position))} is the fused
 * representation Z, and a linear classifier maps Z to logits (loss: CE).
 *
 * <p>The {@link dev.causalmm.nn.MultimodalModel} seam: a modality's feature is its token embeddings before the
 * transformer, flattened ({@code B × n_k·H}); fusion is the transformer plus pooler, so C3R, IMML
 * and CmIR all act on MMBT. Padded words get no attention, as with BERT's attention mask: the
 * padding row of the word table is zero and stays zero (no gradient reaches it), so a text
 * position whose feature is all zeros is padding (under CmIR, whose invariant head maps the whole
 * flattened text, padding is no longer zero and is attended to). Deviations from the reference: no pretrained
 * BERT/ResNet (so no freeze schedule), and [CLS]/[SEP] come from a two-row table of their own
 * rather than the word table.
 */
public final class MMBT extends FusedHeadModel {
    private final MMBTConfig config;
    private final List<ModalitySpec> modalities;
    private final List<Module> tokenizers = new ArrayList<>();
    private final List<Linear> projections = new ArrayList<>();
    /** Tokens each modality contributes to the sequence. */
    private final int[] tokensPerModality;
    private final int imageSegment;
    private final Embedding special;
    private final Embedding positions;
    private final Embedding types;
    private final LayerNorm embedNorm;
    private final List<TransformerBlock> blocks = new ArrayList<>();
    private final LayerNorm finalNorm;
    private final Linear pooler;
    private final Linear classifier;

    /**
     * @param seed seed of the initial weights (the same seed builds the same model in every process)
     */
    public MMBT(List<ModalitySpec> modalities, int numClasses, MMBTConfig config, long seed) {
        this(modalities, numClasses, config, Init.seeded(seed));
    }

    private MMBT(List<ModalitySpec> modalities, int numClasses, MMBTConfig config, Init init) {
        super(numClasses);
        if (modalities.isEmpty()) throw new IllegalArgumentException("MMBT needs at least one modality");
        this.config = config;
        this.modalities = List.copyOf(modalities);
        int h = config.hidden();
        tokensPerModality = new int[modalities.size()];
        int seg0 = 0, longestText = 0;
        for (int k = 0; k < modalities.size(); k++) {
            ModalitySpec s = modalities.get(k);
            switch (s.kind()) {
                case IMAGE -> {
                    ImageTrunk t = registerModule("image" + k, new ImageTrunk((int) s.shape()[0], 32, config.imageTokens(), init));
                    tokenizers.add(t);
                    projections.add(registerModule("project" + k, new Linear(t.width(), h, init)));
                    tokensPerModality[k] = t.tokens();
                    seg0 += t.tokens();
                }
                case FEATURES, SEQUENCE -> { // a sequence (with its mask channel) is one flattened token
                    tokenizers.add(null);
                    projections.add(registerModule("project" + k, new Linear((int) s.elementCount(), h, init)));
                    tokensPerModality[k] = 1;
                    seg0 += 1;
                }
                case TOKENS -> {
                    tokenizers.add(registerModule("words" + k, new Embedding(s.vocabSize(), h, 0.02, true, init)));
                    projections.add(null);
                    tokensPerModality[k] = (int) s.shape()[0];
                    longestText = Math.max(longestText, tokensPerModality[k]);
                }
            }
        }
        imageSegment = seg0 + 2;
        special = registerModule("special", new Embedding(2, h, 0.02, false, init));
        positions = registerModule("positions", new Embedding(Math.max(imageSegment, longestText), h, 0.02, false, init));
        types = registerModule("types", new Embedding(2, h, 0.02, false, init));
        embedNorm = registerModule("embedNorm", new LayerNorm(h));
        for (int i = 0; i < config.layers(); i++) {
            blocks.add(registerModule("block" + i, new TransformerBlock(h, config.heads(), config.ffn(), config.dropout(), init)));
        }
        finalNorm = registerModule("finalNorm", new LayerNorm(h));
        pooler = registerModule("pooler", new Linear(h, h, init));
        classifier = registerModule("classifier", new Linear(h, numClasses, init));
    }

    @Override public int numModalities() { return modalities.size(); }
    @Override public int featureDim(int k) { return tokensPerModality[k] * config.hidden(); }
    @Override public int fusedDim() { return config.hidden(); }
    @Override public Linear classifier() { return classifier; }

    public MMBTConfig config() {
        return config;
    }

    @Override
    public List<Tensor> encode(List<Tensor> inputs) {
        if (inputs.size() != modalities.size()) {
            throw new IllegalArgumentException("MMBT built for " + modalities.size() + " modalities, got " + inputs.size() + " inputs");
        }
        List<Tensor> f = new ArrayList<>(inputs.size());
        for (int k = 0; k < inputs.size(); k++) {
            Tensor x = inputs.get(k);
            long b = x.size(0);
            Tensor tokens = switch (modalities.get(k).kind()) {
                case IMAGE -> projections.get(k).forward(((ImageTrunk) tokenizers.get(k)).forward(x));
                case FEATURES, SEQUENCE -> projections.get(k).forward(x.reshape(b, modalities.get(k).elementCount()));
                case TOKENS -> ((Embedding) tokenizers.get(k)).forward(x.to(DType.INT64));
            };
            f.add(tokens.reshape(b, (long) featureDim(k)));
        }
        return f;
    }

    @Override
    public Tensor fuse(List<Tensor> features, Tensor mask) {
        long b = features.get(0).size(0);
        int h = config.hidden();
        List<Tensor> imagePart = new ArrayList<>();
        List<Tensor> textParts = new ArrayList<>();
        List<Tensor> imageKeep = new ArrayList<>(); // an absent image/feature view's tokens get no attention
        Tensor specials = special.weight();
        imagePart.add(specials.narrow(0, 0, 1).unsqueeze(0).expand(b, 1, h));
        for (int k = 0; k < features.size(); k++) {
            Tensor f = features.get(k);
            if (mask != null) f = f.mul(mask.narrow(1, k, 1));
            Tensor seq = f.reshape(b, tokensPerModality[k], h);
            if (modalities.get(k).kind() == ModalitySpec.Kind.TOKENS) textParts.add(seq);
            else imagePart.add(seq);
            if (mask != null && modalities.get(k).kind() != ModalitySpec.Kind.TOKENS) {
                imageKeep.add(mask.narrow(1, k, 1).gt(0).expand(b, tokensPerModality[k]));
            }
        }
        imagePart.add(specials.narrow(0, 1, 1).unsqueeze(0).expand(b, 1, h));
        Tensor pos = positions.weight();
        Tensor type = types.weight();
        List<Tensor> segments = new ArrayList<>();
        segments.add(Tensor.cat(imagePart, 1).add(pos.narrow(0, 0, imageSegment).add(type.narrow(0, 0, 1))));
        List<Tensor> keep = new ArrayList<>();
        for (Tensor t : textParts) {
            segments.add(t.add(pos.narrow(0, 0, t.size(1)).add(type.narrow(0, 1, 1))));
            keep.add(t.abs().sum(2, false).gt(0));                                 // B×L: false at padding
        }
        Tensor x = (segments.size() == 1 ? segments.get(0) : Tensor.cat(segments, 1));
        Tensor keyMask = null;
        if (!keep.isEmpty() || mask != null) {
            if (mask == null) keep.addFirst(Tensor.ones(DType.BOOL, x.device(), b, imageSegment));
            else keep.addAll(0, imageSegmentKeep(imageKeep, b, x.device()));
            keyMask = Tensor.cat(keep, 1).reshape(b, 1, 1, x.size(1));
        }
        x = Functional.dropout(embedNorm.forward(x), config.dropout(), isTraining());
        for (TransformerBlock block : blocks) x = block.forward(x, keyMask);
        return pooler.forward(finalNorm.forward(x.select(1, 0))).tanh();
    }

    /** The image segment's key mask: [CLS], each image/feature view's tokens (false where absent), [SEP]. */
    private static List<Tensor> imageSegmentKeep(List<Tensor> viewKeep, long b, dev.causalmm.engine.Device device) {
        List<Tensor> out = new ArrayList<>();
        out.add(Tensor.ones(DType.BOOL, device, b, 1));
        out.addAll(viewKeep);
        out.add(Tensor.ones(DType.BOOL, device, b, 1));
        return out;
    }
}
