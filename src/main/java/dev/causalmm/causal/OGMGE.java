package dev.causalmm.causal;

import dev.causalmm.engine.DType;
import dev.causalmm.engine.Functional;
import dev.causalmm.engine.NoGrad;
import dev.causalmm.engine.Tensor;
import dev.causalmm.engine.TensorScope;
import dev.causalmm.nn.ForwardOutput;
import dev.causalmm.nn.MultimodalModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * OGM-GE (Peng et al., CVPR 2022): on-the-fly gradient modulation with generalisation enhancement.
 * Per batch, each modality's score {@code s_k = Σ_i softmax(l_k)_i[y_i]} ({@link ModalityLogits});
 * the dominant modality (highest score) has {@code ρ = s_dom / max_{j≠dom} s_j ≥ 1} and its
 * encoder's gradients are scaled by {@code 1 − tanh(α·ρ)}, the others by 1. GE then adds
 * {@code N(0, std(g)+1e-8)} to every modulated gradient (every modality's, as the reference does).
 * Both happen in {@link #afterBackward}, between backward and the optimizer step. The method adds
 * no loss: {@link #compute} only works out the coefficients. Modality k's encoder weights are the
 * parameters with ≥ 2 dimensions that feed its features alone ({@link #encoderWeights}; weights,
 * not biases or norms, as the reference takes its ResNets' 4-D convolution kernels).
 */
public final class OGMGE implements Regularizer {
    private final OGMGEConfig config;
    private List<List<Tensor>> encoderWeights;  // per modality, the parameters that get modulated
    private Tensor coefficients;                  // K, this step's; null when the step is not modulated

    public OGMGE(OGMGEConfig config) {
        this.config = config;
    }

    @Override public String name() { return "ogm-ge"; }

    public OGMGEConfig config() {
        return config;
    }

    /**
     * Per modality, the weights (≥ 2 dimensions) that feed modality k's features and no other's:
     * found by back-propagating each {@code Σ H_k} of a two-row probe through {@code model.encode}
     * (in eval mode) and noting which parameters receive a gradient. Works for any model behind the
     * seam; the gradients it leaves are cleared, so call it before the step's own backward.
     */
    static List<List<Tensor>> encoderWeights(MultimodalModel model, List<Tensor> inputs) {
        Map<String, Tensor> named = model.namedParameters();
        int k = model.numModalities();
        List<java.util.Set<String>> reached = new ArrayList<>();
        model.setTraining(false);
        try (var probe = TensorScope.open("ogm-ge-probe")) {
            List<Tensor> rows = new ArrayList<>();
            for (Tensor x : inputs) rows.add(x.narrow(0, 0, Math.min(2, x.size(0))));
            for (int m = 0; m < k; m++) {
                Tensor h = model.encode(rows).get(m);
                if (h.requiresGrad()) h.sum().backward(); // a frozen (pretrained) encoder has nothing to modulate
                java.util.Set<String> mine = new java.util.HashSet<>();
                named.forEach((n, p) -> { if (p.grad() != null) mine.add(n); });
                named.values().forEach(Tensor::clearGrad);
                reached.add(mine);
            }
        } finally {
            model.setTraining(true);
        }
        List<List<Tensor>> all = new ArrayList<>();
        for (int m = 0; m < k; m++) {
            List<Tensor> own = new ArrayList<>();
            for (var e : named.entrySet()) {
                boolean exclusive = reached.get(m).contains(e.getKey());
                for (int j = 0; j < k && exclusive; j++) if (j != m && reached.get(j).contains(e.getKey())) exclusive = false;
                if (exclusive && e.getValue().dim() >= 2) own.add(e.getValue());
            }
            if (own.isEmpty()) {
                throw new dev.causalmm.io.UserInputException("ogm-ge modulates each modality's encoder, but no trainable weight of this model feeds modality "
                        + m + "'s features alone (a frozen pretrained encoder?)");
            }
            all.add(own);
        }
        return all;
    }

    @Override
    public void bind(MultimodalModel model, long seed) {
        if (model.task() instanceof dev.causalmm.data.Task.Regression r) {
            throw new dev.causalmm.io.UserInputException("OGM-GE is defined for classification (its modality scores are the predicted probabilities of the true class); the model is built for regression ("
                    + r.dims() + "-dimensional target, " + r.loss() + " loss). Use CmIR or no regulariser");
        }
    }

    @Override
    public void replica(int rank, int worldSize) {
        throw new dev.causalmm.io.UserInputException("ogm-ge computes its coefficients and noise from each rank's own shard, "
                + "which would let the replicas drift apart; train it in one process");
    }

    @Override
    public Output compute(MultimodalModel model, ForwardOutput out, Tensor labels, int epoch) {
        closeCoefficients();
        if (encoderWeights == null) {
            if (out.inputs().isEmpty()) throw new IllegalArgumentException("ogm-ge needs the batch's raw inputs: call the model's full forward pass");
            encoderWeights = encoderWeights(model, out.inputs());
        }
        if (epoch < config.modulationStarts() || epoch > config.modulationEnds()) return null;
        try (var ng = NoGrad.enter()) {
            Tensor s = ModalityLogits.scores(ModalityLogits.of(model, out), labels, out.mask()).to(DType.FLOAT32);
            coefficients = coefficients(s, config.alpha()).unscoped();
            Map<String, Tensor> terms = new LinkedHashMap<>();
            for (int k = 0; k < coefficients.size(0); k++) terms.put("ogm.coeff" + k, coefficients.select(0, k));
            terms.put("ogm.ratio", ratios(s).max());
            return new Output(Tensor.zeros(DType.FLOAT32, labels.device()), terms);
        }
    }

    /**
     * {@code ρ_k = s_k / max_{j≠k} s_j} for K ≥ 2 scores (K = 2: the reference's
     * {@code ratio_v = score_v/score_a} and {@code ratio_a = 1/ratio_v}).
     */
    static Tensor ratios(Tensor scores) {
        int k = (int) scores.size(0);
        if (k < 2) throw new IllegalArgumentException("ogm-ge needs at least two modalities, got " + k);
        List<Tensor> r = new ArrayList<>(k);
        for (int m = 0; m < k; m++) {
            Tensor others = scores.maskedFill(Functional.oneHot(Tensor.of(new long[] {m}, 1).to(scores.device()), k)
                    .reshape(k).gt(0.5), Double.NEGATIVE_INFINITY);
            r.add(scores.select(0, m).div(others.max()));
        }
        return Tensor.stack(r, 0);
    }

    /**
     * Eq. 10: {@code k_u = 1 − tanh(α·ρ_u)} for the dominant modality u (the first with the highest
     * score, so {@code ρ_u ≥ 1}), 1 for the others. As in the reference, {@code relu(ρ) = ρ} there.
     */
    static Tensor coefficients(Tensor scores, double alpha) {
        int k = (int) scores.size(0);
        Tensor dominant = Functional.oneHot(scores.argmax(0).reshape(1), k).reshape(k).to(scores.dtype());
        Tensor damp = Functional.relu(ratios(scores)).mul(alpha).tanh();
        return dominant.mul(damp).neg().add(1.0);
    }

    /** The coefficients of the last modulated step (K), or null; for diagnostics and tests. */
    public Tensor lastCoefficients() {
        return coefficients;
    }

    @Override
    public void afterBackward(MultimodalModel model) {
        if (coefficients == null) return;
        try (var ng = NoGrad.enter()) {
            for (int k = 0; k < encoderWeights.size(); k++) {
                Tensor c = coefficients.select(0, k);
                for (Tensor p : encoderWeights.get(k)) {
                    Tensor g = p.grad();
                    if (g == null) continue;
                    Tensor sd = config.noise() ? g.std().add(1e-8) : null; // the reference: std of the unscaled gradient
                    g.mul_(c.to(g.dtype()));
                    if (sd != null) g.add_(Tensor.randn(g.dtype(), g.device(), g.shape()).mul(sd));
                }
            }
        }
    }

    private void closeCoefficients() {
        if (coefficients != null) coefficients.close();
        coefficients = null;
    }

    @Override
    public void close() {
        closeCoefficients();
    }
}
