package dev.causalmm.causal;

import dev.causalmm.engine.Functional;
import dev.causalmm.nn.Init;
import dev.causalmm.engine.DType;
import dev.causalmm.engine.Tensor;
import dev.causalmm.nn.ForwardOutput;
import dev.causalmm.nn.Linear;
import dev.causalmm.nn.Module;
import dev.causalmm.nn.MultimodalModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * C3R, causal complete cause regularisation (Wang et al., ICML 2025), as specified in spec §2.4.
 * The paper's indicator risk has no gradient and its code never ran, so this is the spec's
 * differentiable version:
 * <ol>
 *   <li>Representation Ẑ and linear classifier W: the model's fused vector and classifier, or — for
 *       models without one (late fusion) — a calibrator {@code Linear(K·d → dz)} on the
 *       concatenated features with an auxiliary head trained by its own CE (step 1).</li>
 *   <li>Instrument (Eq. 6): attention over the K modality vectors,
 *       {@code S_ij = q_i·k_j/√d − α‖q_i − k_j‖²}, missing modalities masked, averaged over the
 *       available queries, projected to dz when needed.</li>
 *   <li>{@code L_v = mean KLf(v ‖ Ẑ)} over softmax-normalised feature vectors.</li>
 *   <li>Counterfactual {@code Z̄ = Ẑ + s·η_rel·‖Ẑ‖·G/‖G‖} (default), {@code G} the direction of
 *       {@code ∇_Z CE(ẐWᵀ+b, y)} in closed form (no {@code autograd::grad}); s = +1 ascends the loss
 *       (default), s = −1 is the literal Eq. 7. <b>Deviation from spec §2.4 step 4</b>, whose default
 *       is the plain step {@code η·(softmax(ẐWᵀ+b) − e_y)W} (still available as
 *       {@code normalizedStep = false}): the plain step is not invariant to rescaling — Ẑ → Ẑ/c with
 *       W → c·W leaves every prediction unchanged but multiplies the step's effect on the logits by
 *       c², so R_nec can be minimised by rescaling alone — and it vanishes once a model is confident
 *       ({@code softmax − e_y ≈ 0}). The normalised step moves Ẑ by a fixed fraction of its own
 *       length, which is unchanged by such a rescaling; its direction is computed as
 *       {@code (q − e_y)W}, q the softmax over the classes other than y, which is the CE gradient's
 *       direction without the cancellation that makes {@code p − e_y} exactly 0 in float32.</li>
 *   <li>Risk {@code R_suff + R_nec} (expected-indicator relaxation), {@code L_fe = mean KLf(Ẑ ‖ Z̄)},
 *       total {@code w_s R_suff + w_n R_nec + λ_v L_v + λ_fe L_fe}.</li>
 * </ol>
 * The hard indicators of Eq. 8 are reported as {@code c3.sufficiency_risk} (pred(Ẑ) ≠ y) and
 * {@code c3.necessity_risk} (pred(Z̄) = y). Inference is unchanged: everything here is training-only.
 */
public final class C3R extends Module implements Regularizer {
    private final C3RConfig config;
    private boolean bound;
    private int d;
    private int k;
    private boolean modelHead;
    private final List<Linear> projections = new ArrayList<>();
    private Linear wqkv;
    private Linear pv;
    private Linear calibrator;
    private Linear auxHead;

    public C3R(C3RConfig config) {
        this.config = config;
    }

    public C3RConfig config() {
        return config;
    }

    @Override
    public String name() {
        return "c3r";
    }

    @Override
    public void bind(MultimodalModel model, long seed) {
        if (model.task() instanceof dev.causalmm.data.Task.Regression r) {
            // C3's sufficiency/necessity risks compare class predictions; no regression form is defined here
            throw new dev.causalmm.io.UserInputException("C3R is defined for classification (its C3 risks compare predicted classes); the model "
                    + "is built for regression (" + r.dims() + "-dimensional target, " + r.loss() + " loss). Use CmIR or no regulariser");
        }
        if (bound) return;
        bound = true;
        Init init = Init.seeded(seed, "c3r");
        k = model.numModalities();
        int first = model.featureDim(0);
        boolean same = true;
        for (int m = 1; m < k; m++) same &= model.featureDim(m) == first;
        d = same ? first : config.calibratorDim();
        if (!same) {
            for (int m = 0; m < k; m++) projections.add(registerModule("project" + m, new Linear(model.featureDim(m), d, init)));
        }
        // W_Q, W_K, W_V stacked into one d → 3d map: one matrix product instead of three
        wqkv = registerModule("wqkv", new Linear(d, 3 * d, false, init));
        modelHead = model.fusedDim() > 0 && model.classifier() != null;
        int dz = modelHead ? model.fusedDim() : config.calibratorDim();
        if (!modelHead) {
            int in = 0;
            for (int m = 0; m < k; m++) in += model.featureDim(m);
            calibrator = registerModule("calibrator", new Linear(in, dz, init));
            auxHead = registerModule("head", new Linear(dz, model.numClasses(), init));
        }
        if (dz != d) pv = registerModule("pv", new Linear(d, dz, init));
    }

    /** Whether this C3R uses the model's own classifier (true) or its calibrator and auxiliary head. */
    public boolean usesModelHead() {
        return modelHead;
    }

    /** The representation Ẑ, the classifier used on it, and its logits, as C3R sees a forward pass. */
    public record Twin(Tensor zHat, Linear head, Tensor logits) {}

    /** Resolves Ẑ and W for a forward output (spec §2.4 step 1). */
    public Twin representation(MultimodalModel model, ForwardOutput out) {
        requireBound();
        if (modelHead) return new Twin(out.fused(), model.classifier(), out.logits());
        Tensor z = calibrator.forward(maskedConcat(out.features(), out.mask()));
        return new Twin(z, auxHead, auxHead.forward(z));
    }

    @Override
    public Output compute(MultimodalModel model, ForwardOutput out, Tensor labels, int epoch) {
        requireBound();
        Twin twin = representation(model, out);
        Tensor zHat = twin.zHat();
        Linear head = twin.head();

        Tensor v = instrument(out.features(), out.mask());
        if (config.detachInstrument()) v = v.detach();
        Tensor lv = klf(v, zHat);

        Tensor zBar = counterfactual(zHat, head.weight(), head.bias(), labels);
        Tensor logitsBar = head.forward(zBar);
        Tensor yCol = labels.unsqueeze(1);
        Tensor pHat = Functional.softmax(twin.logits(), 1).gather(1, yCol);
        Tensor pBar = Functional.softmax(logitsBar, 1).gather(1, yCol);
        Tensor rSuff;
        Tensor rNec;
        if (config.risk() == C3RConfig.Risk.EXPECTED) {
            rSuff = pHat.neg().add(1.0).mean();
            rNec = pBar.mean();
        } else {
            rSuff = Functional.crossEntropy(twin.logits(), labels);
            rNec = pBar.neg().add(1.0 + 1e-6).log().neg().mean();
        }
        Tensor lfe = klf(zHat, zBar);
        double wNec = epoch < config.necessityWarmupEpochs() ? 0 : config.weightNecessity();
        Tensor loss = rSuff.mul(config.weightSufficiency()).add(rNec, wNec).add(lv, config.lambdaV()).add(lfe, config.lambdaFe());
        if (!modelHead) loss = loss.add(Functional.crossEntropy(twin.logits(), labels));

        Map<String, Tensor> terms = new LinkedHashMap<>();
        terms.put("c3.L_v", lv);
        terms.put("c3.L_fe", lfe);
        terms.put("c3.R_suff", rSuff);
        terms.put("c3.R_nec", rNec);
        terms.put("c3.sufficiency_risk", hardSufficiency(twin.logits(), labels));
        terms.put("c3.necessity_risk", hardNecessity(logitsBar, labels));
        return new Output(loss, terms);
    }

    /** Mean of 1{pred ≠ y}. */
    static Tensor hardSufficiency(Tensor logits, Tensor labels) {
        return logits.argmax(1).eq(labels).to(DType.FLOAT32).mean().neg().add(1.0);
    }

    /** Mean of 1{pred = y}. */
    static Tensor hardNecessity(Tensor logits, Tensor labels) {
        return logits.argmax(1).eq(labels).to(DType.FLOAT32).mean();
    }

    /** Z̄ = Ẑ + s·η_rel·‖Ẑ‖·G/‖G‖ (or the plain step Ẑ + s·η·G), first or second order per the config. */
    public Tensor counterfactual(Tensor zHat, Tensor weight, Tensor bias, Tensor labels) {
        Tensor g;
        if (config.secondOrder()) {
            g = step(zHat, weight, bias, labels);
        } else {
            // first order: the step is a constant, computed without recording autograd nodes
            try (var ng = dev.causalmm.engine.NoGrad.enter()) {
                g = step(zHat, weight, bias, labels);
            }
        }
        return zHat.add(g, config.sign() * config.effectiveEta());
    }

    private Tensor step(Tensor zHat, Tensor weight, Tensor bias, Tensor labels) {
        if (!config.normalizedStep()) return counterfactualGradient(zHat, weight, bias, labels);
        Tensor direction = Functional.crossEntropyAscent(Functional.linear(zHat, weight, bias), labels).matmul(weight);
        return normalizedStep(zHat, direction);
    }

    /**
     * {@code ‖x‖·g/‖g‖} per row: a step as long as the row itself, along g. Rescaling x by 1/c and
     * g by c (what Ẑ → Ẑ/c, W → c·W does to the representation and its gradient) scales the step
     * by 1/c, so its effect on the prediction is unchanged.
     */
    public static Tensor normalizedStep(Tensor x, Tensor g) {
        return g.mul(rowNorm(x).div(rowNorm(g).clampMin(1e-30)));
    }

    /**
     * Per-sample gradient of {@code CE(zWᵀ + b, y)} with respect to z, in closed form:
     * {@code (softmax(zWᵀ + b) − e_y) W = softmax(zWᵀ + b) W − W_y} ({@code B×dz}); spec §1.2.
     * The row lookup {@code W_y} replaces a one-hot product (LibTorch's {@code one_hot} validates
     * its input with two reductions and a device-to-host read).
     */
    public static Tensor counterfactualGradient(Tensor z, Tensor weight, Tensor bias, Tensor labels) {
        Tensor logits = Functional.linear(z, weight, bias);
        return Functional.softmax(logits, 1).matmul(weight).sub(weight.indexSelect(0, labels));
    }

    /**
     * The instrument v (B×dz): Eq. 6 attention over the modality vectors, masked, averaged over the
     * available query modalities, projected to dz when d ≠ dz.
     */
    public Tensor instrument(List<Tensor> features, Tensor mask) {
        requireBound();
        List<Tensor> h = features;
        if (!projections.isEmpty()) {
            h = new ArrayList<>(k);
            for (int m = 0; m < k; m++) h.add(projections.get(m).forward(features.get(m)));
        }
        Tensor stacked = Tensor.stack(h, 1);                             // B×K×d
        Tensor qkv = wqkv.forward(stacked);                              // B×K×3d
        Tensor v = attend(qkv.narrow(2, 0, d), qkv.narrow(2, d, d), qkv.narrow(2, 2 * d, d), mask, config.alphaFor(d));
        return pv == null ? v : pv.forward(v);
    }

    /**
     * Eq. 6 on projected tokens: {@code S_ij = q_i·k_j/√d − α‖q_i − k_j‖²}, {@code S_ij = −∞} for a
     * missing key modality j, softmax over j, values averaged over the available queries i.
     * Expanding {@code ‖q_i − k_j‖² = ‖q_i‖² + ‖k_j‖² − 2 q_i·k_j}, the {@code ‖q_i‖²} part is the
     * same for every j of row i and cancels in the softmax, so it is not computed: the attention
     * weights are exactly those of the printed formula (checked by C3RTest).
     *
     * @param q    B×K×d queries, {@code kt} keys, {@code u} values
     * @param mask B×K availability (1 = present), or null for all present
     */
    public static Tensor attend(Tensor q, Tensor kt, Tensor u, Tensor mask, double alpha) {
        double d = q.size(2);
        Tensor dot = q.matmul(kt.transpose(1, 2));                      // B×K×K
        Tensor scores = dot.mul(1.0 / Math.sqrt(d) + 2 * alpha);
        if (alpha != 0) {
            Tensor kn = kt.square().sum(2, true).transpose(1, 2);       // B×1×K
            scores = scores.sub(kn.mul(alpha));
        }
        if (mask != null) scores = scores.maskedFill(mask.eq(0.0).unsqueeze(1), -1e9);
        Tensor att = Functional.softmax(scores, 2);
        Tensor vtok = att.matmul(u);                                    // B×K×d
        if (mask == null) return vtok.mean(1, false);
        Tensor m = mask.unsqueeze(2);
        return vtok.mul(m).sum(1, false).div(mask.sum(1, true).clampMin(1.0));
    }

    /** {@code mean_b Σ_k softmax(u)_k (log softmax(u)_k − log softmax(w)_k)}: KL between softmax-normalised vectors. */
    public static Tensor klf(Tensor u, Tensor w) {
        return Functional.klDivLogSum(Functional.logSoftmax(w, 1), Functional.logSoftmax(u, 1)).div(u.size(0));
    }

    private static Tensor rowNorm(Tensor x) {
        return x.rowNorms();
    }

    private static Tensor maskedConcat(List<Tensor> features, Tensor mask) {
        if (mask == null) return Tensor.cat(features, 1);
        List<Tensor> masked = new ArrayList<>(features.size());
        for (int m = 0; m < features.size(); m++) masked.add(features.get(m).mul(mask.narrow(1, m, 1)));
        return Tensor.cat(masked, 1);
    }

    private void requireBound() {
        if (!bound) throw new IllegalStateException("C3R is not bound to a model yet: call bind(model, seed) first");
    }
}
