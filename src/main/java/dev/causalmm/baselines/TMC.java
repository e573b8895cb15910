package dev.causalmm.baselines;

import dev.causalmm.engine.Functional;
import dev.causalmm.nn.Init;
import dev.causalmm.data.ModalitySpec;

import dev.causalmm.engine.Tensor;
import dev.causalmm.nn.EncoderConfig;
import dev.causalmm.nn.ForwardOutput;
import java.util.ArrayList;
import java.util.List;

/**
 * TMC, trusted multi-view classification (spec §5.5): each modality's head gives evidence
 * {@code e = softplus(logits)}, a Dirichlet {@code α = e + 1} and a subjective opinion (beliefs
 * {@code b = e/S}, uncertainty {@code u = C/S}); opinions are combined by Dempster–Shafer's rule,
 * folded left over the modalities, and turned back into a fused Dirichlet. The model's "logits"
 * are the fused Dirichlet parameters α (argmax α is the prediction). Loss: the evidential loss
 * {@code Σ_k y_k(ψ(S) − ψ(α_k)) + λ_t·KL(Dir(α̃) ‖ Dir(1))} of every modality's Dirichlet and of the
 * fused one, {@code λ_t = min(1, step/T_a)} with T_a the first {@value #ANNEAL_FRACTION} of the run's
 * optimizer steps (counted in steps it means the same at any data size and batch; the reference
 * anneals over a tenth of 4,000 steps at lr 3e-4, but a tenth of a 1,000-step run at lr 1e-3 ends
 * the ramp before a 100-class model has fitted: 100Leaves 0.68, against 0.90 over a third). A
 * positive {@code annealEpochs} keeps the earlier {@code λ_t = min(1, epoch/annealEpochs)}. A missing modality contributes the vacuous
 * opinion (b = 0, u = 1), which the combination rule leaves neutral, and its own loss term is left out.
 */
public final class TMC extends UnimodalHeadsModel {
    /** Share of the run's optimizer steps over which the KL weight ramps from 0 to 1 (docs/methods.md, "Training length"). */
    public static final double ANNEAL_FRACTION = 1.0 / 3;
    private final int annealEpochs;
    private int epoch;
    private long step;
    private long totalSteps;

    /** Over feature vectors of the given widths; {@code seed} seeds the initial weights. */
    public TMC(int[] inputDims, int numClasses, EncoderConfig encoder, int annealEpochs, long seed) {
        this(ModalitySpec.vectors(inputDims), numClasses, encoder, annealEpochs, seed);
    }

    /**
     * @param annealEpochs 0: the KL weight ramps over the first {@link #ANNEAL_FRACTION} of the run's
     *                     optimizer steps (the default); n > 0: over n epochs, as before
     * @param seed seed of the initial weights (the same seed builds the same model in every process)
     */
    public TMC(List<ModalitySpec> modalities, int numClasses, EncoderConfig encoder, int annealEpochs, long seed) {
        super("TMC", modalities, numClasses, encoder, Init.seeded(seed));
        this.annealEpochs = annealEpochs;
    }

    @Override
    public void startEpoch(int e) {
        epoch = e;
    }

    @Override
    public void startStep(long s, long total) {
        step = s;
        totalSteps = total;
    }

    /** Per-modality Dirichlet parameters α = softplus(head(h)) + 1 (vacuous α = 1 where missing). */
    private List<Tensor> alphas(List<Tensor> features, Tensor mask) {
        List<Tensor> logits = headLogits(features);
        List<Tensor> a = new ArrayList<>(features.size());
        for (int k = 0; k < features.size(); k++) {
            Tensor evidence = Functional.softplus(logits.get(k));
            if (mask != null) evidence = evidence.mul(mask.narrow(1, k, 1));
            a.add(evidence.add(1.0));
        }
        return a;
    }

    @Override
    public boolean modalityOutputsAreDirichlet() {
        return true;
    }

    @Override
    public Tensor fuseAndPredict(List<Tensor> features, Tensor mask) {
        return combineAll(alphas(features, mask), numClasses());
    }

    @Override
    public ForwardOutput forwardFeatures(List<Tensor> features, Tensor mask) {
        List<Tensor> a = alphas(features, mask);
        return new ForwardOutput(features, mask, null, combineAll(a, numClasses()), a);
    }

    /** Folds Dempster–Shafer combination over the modalities' Dirichlets: ((1⊕2)⊕3)… */
    public static Tensor combineAll(List<Tensor> alphas, int classes) {
        Tensor fused = alphas.get(0);
        for (int k = 1; k < alphas.size(); k++) fused = combine(fused, alphas.get(k), classes);
        return fused;
    }

    /** Dempster–Shafer combination of two Dirichlet opinions, returned as a Dirichlet (spec §5.5). */
    public static Tensor combine(Tensor alpha1, Tensor alpha2, int classes) {
        Tensor s1 = alpha1.sum(1, true);
        Tensor s2 = alpha2.sum(1, true);
        Tensor b1 = alpha1.sub(1.0).div(s1);
        Tensor b2 = alpha2.sub(1.0).div(s2);
        Tensor u1 = s1.pow(-1).mul(classes);                               // u = C / S
        Tensor u2 = s2.pow(-1).mul(classes);
        // conflict κ = Σ_{i≠j} b1_i b2_j = Σb1·Σb2 − Σ b1_i b2_i
        Tensor kappa = b1.sum(1, true).mul(b2.sum(1, true)).sub(b1.mul(b2).sum(1, true));
        Tensor norm = kappa.neg().add(1.0).clampMin(1e-8);
        Tensor b = b1.mul(b2).add(b1.mul(u2)).add(b2.mul(u1)).div(norm);
        Tensor u = u1.mul(u2).div(norm);
        Tensor s = u.pow(-1).mul(classes);                                  // S = C/u
        return b.mul(s).add(1.0);                                           // α = b·S + 1
    }

    /**
     * The evidential loss of one Dirichlet (batch mean):
     * {@code Σ_k y_k(ψ(S) − ψ(α_k)) + λ·KL(Dir(α̃) ‖ Dir(1))}, {@code α̃ = y + (1 − y)⊙α}.
     */
    public static Tensor evidentialLoss(Tensor alpha, Tensor labels, double klWeight) {
        return evidentialLossPerSample(alpha, labels, klWeight).mean();
    }

    /** {@link #evidentialLoss} per sample ({@code B}). */
    static Tensor evidentialLossPerSample(Tensor alpha, Tensor labels, double klWeight) {
        int classes = (int) alpha.size(1);
        Tensor y = Functional.oneHot(labels, classes);
        Tensor s = alpha.sum(1, true);
        Tensor fit = y.mul(s.digamma().sub(alpha.digamma())).sum(1, false);
        if (klWeight == 0) return fit;
        Tensor at = y.add(y.neg().add(1.0).mul(alpha));
        Tensor st = at.sum(1, true);
        Tensor kl = st.lgamma().squeeze(1).sub(at.lgamma().sum(1, false)).sub(logGamma(classes))
                .add(at.sub(1.0).mul(at.digamma().sub(st.digamma())).sum(1, false));
        return fit.add(kl, klWeight);
    }

    private static double logGamma(int n) {
        double s = 0;
        for (int i = 2; i < n; i++) s += Math.log(i);
        return s; // ln Γ(n) = ln (n−1)!
    }

    /** λ_t: over {@code annealEpochs} epochs when that is > 0, else over the first {@link #ANNEAL_FRACTION} of the steps. */
    double klWeight() {
        if (annealEpochs > 0) return Math.min(1.0, (double) epoch / annealEpochs);
        if (totalSteps > 0) return Math.min(1.0, step / Math.max(1.0, ANNEAL_FRACTION * totalSteps));
        return 1.0; // outside a trainer's run: the ramp is over
    }

    @Override
    public Tensor loss(ForwardOutput out, Tensor labels) {
        double w = klWeight();
        Tensor loss = evidentialLoss(out.logits(), labels, w);
        for (int k = 0; k < out.modalityLogits().size(); k++) {
            Tensor a = out.modalityLogits().get(k);
            if (out.mask() == null) {
                loss = loss.add(evidentialLoss(a, labels, w));
            } else { // an absent view's vacuous opinion is left out of the loss, not counted as a constant
                Tensor m = out.mask().narrow(1, k, 1).squeeze(1);
                loss = loss.add(evidentialLossPerSample(a, labels, w).mul(m).sum().div(m.sum().clampMin(1.0)));
            }
        }
        return loss;
    }

    /**
     * The gradient of the evidential fit term {@code Σ_k y_k(ψ(S) − ψ(α_k))} on the fused Dirichlet α
     * (autograd): TMC's own loss, not a cross-entropy of α as if it were logits. The KL term is left
     * out because its weight depends on the training epoch, which a diagnostic must not.
     */
    @Override
    public Tensor lossAscentDirection(Tensor alpha, Tensor labels) {
        Tensor a = alpha.detach().requiresGrad_(true);
        evidentialLoss(a, labels, 0).mul(alpha.size(0)).backward();
        return a.grad().detach();
    }

    @Override
    public Tensor fusedLoss(Tensor alpha, Tensor labels) {
        return evidentialLoss(alpha, labels, klWeight());
    }
}
