package dev.causalmm.causal;

import dev.causalmm.engine.DType;
import dev.causalmm.engine.Functional;
import dev.causalmm.engine.NoGrad;
import dev.causalmm.engine.Tensor;
import dev.causalmm.nn.ForwardOutput;
import dev.causalmm.nn.MultimodalModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * PMR (Fan et al., CVPR 2023): prototypical modal rebalance. Each modality k keeps class
 * prototypes {@code P_k} (C×d_k, class means of its features {@code H_k}); its prototypical logits
 * are {@code −‖H_k − P_k[c]‖₂} and its prototypical cross-entropy {@code PCE_k} is their CE. The
 * per-batch score {@code s_k = Σ_i softmax(−dist_k)_i[y_i]} ranks the modalities
 * ({@code ρ = s_a/s_v} for two); each modality whose score is below the best gets
 * {@code α·PCE_k} added to the loss (the reference's β/λ switch). Prototypes: the class means of the
 * detached features of one epoch's batches, blended at the next epoch's first step as
 * {@code P ← (1−μ)·mean + μ·P} (the first epoch sets {@code P = mean}); during the first epoch the
 * class means of the batches seen so far stand in (the reference computes its first prototypes from
 * the untrained model before training).
 */
public final class PMR implements Regularizer {
    private final PMRConfig config;
    // running state, not checkpointed (the Regularizer seam saves parameters only): a resume restarts it
    private List<Tensor> prototypes;   // per modality C×d_k (unscoped), null before the first epoch ends
    private List<Tensor> sums;         // per modality C×d_k, this epoch's feature sums per class
    private Tensor counts;             // C×K, this epoch's rows per class where modality k is present
    private int epochSeen = -1;

    public PMR(PMRConfig config) {
        this.config = config;
    }

    @Override public String name() { return "pmr"; }

    public PMRConfig config() {
        return config;
    }

    /** The current prototypes per modality, or null before any epoch has finished. */
    public List<Tensor> prototypes() {
        return prototypes;
    }

    /** The prototypes, or during the first epoch the class means so far (for tests). */
    List<Tensor> prototypesOrRunningMeans() {
        return prototypes != null ? prototypes : runningMeans();
    }

    @Override
    public void bind(MultimodalModel model, long seed) {
        if (model.task() instanceof dev.causalmm.data.Task.Regression r) {
            throw new dev.causalmm.io.UserInputException("PMR is defined for classification (its prototypes are class means); the model is built for regression ("
                    + r.dims() + "-dimensional target, " + r.loss() + " loss). Use CmIR or no regulariser");
        }
    }

    @Override
    public Output compute(MultimodalModel model, ForwardOutput out, Tensor labels, int epoch) {
        if (epoch != epochSeen) {
            if (epochSeen >= 0) rollPrototypes();
            epochSeen = epoch;
        }
        accumulate(out.features(), labels, model.numClasses(), out.mask());
        if (epoch < config.modulationStarts() || epoch > config.modulationEnds()) return null;
        List<Tensor> protos = prototypes != null ? prototypes : runningMeans();
        List<Tensor> pce = new ArrayList<>();
        List<Tensor> scores = new ArrayList<>();
        for (int k = 0; k < protos.size(); k++) {
            Tensor sim = distances(out.features().get(k), protos.get(k)).neg();
            Tensor present = out.mask() == null ? null : out.mask().select(1, k).to(DType.FLOAT32); // absent views take no part
            pce.add(present == null ? Functional.crossEntropy(sim, labels)
                    : Functional.crossEntropyPerSample(sim, labels).to(DType.FLOAT32).mul(present).sum().div(present.sum().clampMin(1.0)));
            try (var ng = NoGrad.enter()) {
                Tensor p = Functional.softmax(sim.detach().to(DType.FLOAT32), 1).gather(1, labels.unsqueeze(1)).squeeze(1);
                scores.add((present == null ? p : p.mul(present)).sum());
            }
        }
        Tensor s = Tensor.stack(scores, 0);
        Tensor weights = weakerWeights(s, config.alpha());
        Tensor loss = Tensor.stack(pce, 0).to(DType.FLOAT32).mul(weights).sum();
        Map<String, Tensor> terms = new LinkedHashMap<>();
        for (int k = 0; k < pce.size(); k++) terms.put("pmr.pce" + k, pce.get(k).detach().to(DType.FLOAT32));
        if (s.size(0) == 2) terms.put("pmr.ratio", s.select(0, 0).div(s.select(0, 1)));
        return new Output(loss, terms);
    }

    /** Euclidean distances {@code B×C} between rows of {@code h} (B×d) and prototypes {@code p} (C×d). */
    static Tensor distances(Tensor h, Tensor p) {
        // the square root's gradient is infinite at 0: keep the squared distance off exact zero
        return h.unsqueeze(1).sub(p.unsqueeze(0).to(h.dtype())).square().sum(2, false).clampMin(1e-12).sqrt();
    }

    /** α for each modality whose score is below the highest (for two: the reference's ρ ≷ 1 switch), else 0. */
    static Tensor weakerWeights(Tensor scores, double alpha) {
        return scores.sub(scores.max()).lt(0.0).to(scores.dtype()).mul(alpha);
    }

    /** Adds the batch's per-class feature sums and counts, over the rows where each modality is present ({@code mask} B×K or null). */
    private void accumulate(List<Tensor> features, Tensor labels, int numClasses, Tensor mask) {
        try (var ng = NoGrad.enter()) {
            Tensor y = Functional.oneHot(labels, numClasses).to(DType.FLOAT32);                 // B×C
            int k = features.size();
            Tensor present = mask == null ? Tensor.ones(DType.FLOAT32, labels.device(), labels.size(0), k) : mask.to(DType.FLOAT32);
            if (sums == null) {
                sums = new ArrayList<>();
                for (Tensor h : features) sums.add(Tensor.zeros(DType.FLOAT32, h.device(), numClasses, h.size(1)).unscoped());
                counts = Tensor.zeros(DType.FLOAT32, labels.device(), numClasses, k).unscoped();
            }
            for (int m = 0; m < k; m++) {
                Tensor yk = y.mul(present.narrow(1, m, 1));
                sums.get(m).add_(yk.transpose(0, 1).matmul(features.get(m).detach().to(DType.FLOAT32)));
            }
            counts.add_(y.transpose(0, 1).matmul(present));
        }
    }

    /** Before the first epoch has ended: this epoch's class means so far (an unseen class sits at 0). */
    private List<Tensor> runningMeans() {
        try (var ng = NoGrad.enter()) {
            List<Tensor> means = new ArrayList<>();
            for (int k = 0; k < sums.size(); k++) means.add(sums.get(k).div(counts.narrow(1, k, 1).clampMin(1.0)));
            return means;
        }
    }

    /** Ends an epoch: {@code P ← (1−μ)·(sums/counts) + μ·P}; a class with no rows keeps its prototype. */
    void rollPrototypes() {
        if (sums == null) return;
        try (var ng = NoGrad.enter()) {
            List<Tensor> next = new ArrayList<>();
            for (int k = 0; k < sums.size(); k++) {
                Tensor n = counts.narrow(1, k, 1);
                Tensor seen = n.gt(0.5);
                Tensor mean = sums.get(k).div(n.clampMin(1.0));
                Tensor blended = prototypes == null ? mean
                        : mean.mul(1 - config.momentum()).add(prototypes.get(k), config.momentum());
                if (prototypes != null) blended = Tensor.where(seen, blended, prototypes.get(k));
                next.add(blended.unscoped());
            }
            closeAll(prototypes);
            prototypes = next;
            closeAll(sums);
            sums = null;
            counts.close();
            counts = null;
        }
    }

    private static void closeAll(List<Tensor> ts) {
        if (ts != null) ts.forEach(Tensor::close);
    }

    @Override
    public void close() {
        closeAll(prototypes);
        closeAll(sums);
        if (counts != null) counts.close();
        prototypes = null;
        sums = null;
        counts = null;
    }
}
