package dev.causalmm.eval;

import dev.causalmm.causal.C3R;
import dev.causalmm.causal.C3RConfig;
import dev.causalmm.data.Batch;
import dev.causalmm.data.DataLoader;
import dev.causalmm.data.MultimodalDataset;
import dev.causalmm.engine.Device;
import dev.causalmm.engine.NoGrad;
import dev.causalmm.engine.Tensor;
import dev.causalmm.engine.TensorScope;
import dev.causalmm.nn.ForwardOutput;
import dev.causalmm.nn.MultimodalModel;
import java.util.List;

/**
 * The hard-indicator C3 risk of Eq. 8 on a dataset, split into its two parts:
 * {@code sufficiencyRisk} = share of samples whose representation Ẑ is not classified as y, and
 * {@code necessityRisk} = share whose one-step counterfactual Z̄ (ascent, η = 1, or the settings
 * of the given C3R) is still classified as y. Lower is better for both.
 *
 * <p>Which Ẑ and W: those of a bound {@link C3R} when given (its calibrator and head for models
 * without a fused vector); else the model's fused vector and linear classifier; else (late fusion
 * without C3R) the per-modality features with the fusion+head function F&T, the counterfactual
 * gradient taken by autograd on the features.
 */
public record C3Score(double sufficiencyRisk, double necessityRisk, int samples) {

    public static C3Score evaluate(MultimodalModel model, C3R c3r, MultimodalDataset data, int batchSize, Device device) {
        DataLoader loader = new DataLoader(data, DataLoader.Options.sequential(batchSize).withDevice(device));
        C3R rule = c3r;
        C3RConfig cfg = rule != null ? rule.config() : C3RConfig.defaults();
        boolean featureSpace = rule == null && (model.fusedDim() == 0 || model.classifier() == null);
        double suff = 0;
        double nec = 0;
        model.setTraining(false);
        try (var epoch = loader.epoch(0)) {
            while (epoch.hasNext()) {
                try (var s = TensorScope.open("c3-eval"); Batch b = epoch.next()) {
                    double[] r = featureSpace ? featureSpaceBatch(model, b, cfg) : headBatch(model, rule, b);
                    suff += r[0];
                    nec += r[1];
                }
            }
        } finally {
            model.setTraining(true);
        }
        return new C3Score(suff / data.size(), nec / data.size(), data.size());
    }

    private static double[] headBatch(MultimodalModel model, C3R rule, Batch b) {
        try (NoGrad ng = NoGrad.enter()) {
            ForwardOutput out = model.forward(b.inputs(), b.maskOrNull());
            Tensor zHat;
            Tensor logits;
            dev.causalmm.nn.Linear head;
            if (rule != null) {
                C3R.Twin t = rule.representation(model, out);
                zHat = t.zHat();
                head = t.head();
                logits = t.logits();
            } else {
                zHat = out.fused();
                head = model.classifier();
                logits = out.logits();
            }
            Tensor zBar = rule != null ? rule.counterfactual(zHat, head.weight(), head.bias(), b.labels())
                    : zHat.add(C3R.counterfactualGradient(zHat, head.weight(), head.bias(), b.labels()));
            return indicators(logits, head.forward(zBar), b.labels());
        }
    }

    private static double[] featureSpaceBatch(MultimodalModel model, Batch b, C3RConfig cfg) {
        List<Tensor> h;
        try (NoGrad ng = NoGrad.enter()) {
            h = model.encode(b.inputs()).stream().map(Tensor::detach).toList();
        }
        h.forEach(t -> t.requiresGrad_(true));
        Tensor logits = model.fuseAndPredict(h, b.maskOrNull());
        // per-sample gradients: the batch-mean loss times B
        Tensor.crossEntropy(logits, b.labels()).mul(b.size()).backward();
        model.parameters().forEach(Tensor::clearGrad);
        try (NoGrad ng = NoGrad.enter()) {
            List<Tensor> bar = new java.util.ArrayList<>(h.size());
            for (Tensor t : h) bar.add(t.add(t.grad(), cfg.sign() * cfg.eta()));
            return indicators(logits.detach(), model.fuseAndPredict(bar, b.maskOrNull()), b.labels());
        }
    }

    /** Counts (exact integers, so the score does not depend on the batch size): misclassified Ẑ, still-correct Z̄. */
    private static double[] indicators(Tensor logitsHat, Tensor logitsBar, Tensor labels) {
        double correct = logitsHat.argmax(1).eq(labels).sum().item();
        double stillCorrect = logitsBar.argmax(1).eq(labels).sum().item();
        return new double[] {labels.size(0) - correct, stillCorrect};
    }
}
