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
import java.util.ArrayList;
import java.util.List;

/**
 * The hard-indicator C3 risk of Eq. 8 on a dataset, split into its two parts:
 * {@code sufficiencyRisk} = share of samples whose representation is not classified as y, and
 * {@code necessityRisk} = share whose one-step counterfactual is still classified as y. Lower is
 * better for both.
 *
 * <p>{@link #predictor} is <b>the</b> diagnostic, the same for every model with or without a
 * regulariser: it perturbs what the deployed predictor reads — the fused representation Z and the
 * model's own classifier W when the model has both, else the per-modality features through the
 * model's fusion and head (F&T) — along the direction in which the model's own loss rises
 * ({@link MultimodalModel#lossAscentDirection}), by the scale-invariant step
 * {@code η_rel·‖Z‖·G/‖G‖} (η_rel = {@link #DEFAULT_ETA_REL} unless given). Rescaling Z by 1/c and W by
 * c leaves every prediction and this score unchanged (C3ScoreTest). Reported as
 * {@code final.*.c3} with {@code "space": "predictor"}.
 *
 * <p>{@link #twin} is C3R's own view, kept for diagnosing training: its calibrator and auxiliary
 * head for models without a fused vector (a head that R_nec trains directly and that is not used for
 * prediction), with C3R's training step. It is reported as {@code c3r_twin}, never as the C3 score.
 */
public record C3Score(double sufficiencyRisk, double necessityRisk, int samples, String space, double etaRel) {

    /** Relative step of the diagnostic; the same as C3R's default training step. */
    public static final double DEFAULT_ETA_REL = C3RConfig.DEFAULT_ETA_REL;

    public C3Score {
        if (!(etaRel > 0) || !Double.isFinite(etaRel)) throw new IllegalArgumentException("C3 step eta must be finite and > 0, got " + etaRel);
    }

    /** The C3 diagnostic on the deployed predictor (see the class comment), at relative step {@code etaRel}. */
    public static C3Score predictor(MultimodalModel model, MultimodalDataset data, double etaRel, int batchSize, Device device) {
        if (!(etaRel > 0) || !Double.isFinite(etaRel)) throw new IllegalArgumentException("C3 step eta must be finite and > 0, got " + etaRel);
        boolean zSpace = model.fusedDim() > 0 && model.classifier() != null;
        double[] counts = count(model, data, batchSize, device,
                b -> zSpace ? representationBatch(model, b, etaRel) : featureBatch(model, b, etaRel));
        return new C3Score(counts[0] / data.size(), counts[1] / data.size(), data.size(), "predictor", etaRel);
    }

    /** C3R's twin view (its Ẑ and head, its training step): a training diagnostic, reported as {@code c3r_twin}. */
    public static C3Score twin(MultimodalModel model, C3R c3r, MultimodalDataset data, int batchSize, Device device) {
        double[] counts = count(model, data, batchSize, device, b -> twinBatch(model, c3r, b));
        return new C3Score(counts[0] / data.size(), counts[1] / data.size(), data.size(), "c3r_twin",
                c3r.config().effectiveEta());
    }

    private interface BatchCounter {
        double[] count(Batch b);
    }

    private static double[] count(MultimodalModel model, MultimodalDataset data, int batchSize, Device device, BatchCounter counter) {
        DataLoader loader = new DataLoader(data, DataLoader.Options.sequential(batchSize).withDevice(device));
        double[] total = new double[2];
        model.setTraining(false);
        try (var epoch = loader.epoch(0)) {
            while (epoch.hasNext()) {
                try (var s = TensorScope.open("c3-eval"); Batch b = epoch.next()) {
                    double[] r = counter.count(b);
                    total[0] += r[0];
                    total[1] += r[1];
                }
            }
        } finally {
            model.setTraining(true);
        }
        return total;
    }

    /** Z-space: Z̄ = Z + η_rel·‖Z‖·G/‖G‖, G = (ascent direction on the logits)·W, closed form. */
    private static double[] representationBatch(MultimodalModel model, Batch b, double etaRel) {
        ForwardOutput out;
        try (NoGrad ng = NoGrad.enter()) {
            out = model.forward(b.inputs(), b.maskOrNull());
        }
        Tensor direction = model.lossAscentDirection(out.logits(), b.labels());
        try (NoGrad ng = NoGrad.enter()) {
            Tensor z = out.fused();
            Tensor g = direction.matmul(model.classifier().weight());
            Tensor zBar = z.add(C3R.normalizedStep(z, g), etaRel);
            return indicators(out.logits(), model.classify(zBar), b.labels());
        }
    }

    /**
     * Feature space, for models without a fused vector and a linear classifier: the features of all
     * modalities, taken as one vector per sample, stepped along the autograd gradient of
     * {@code logits · direction} (the model's own loss ascent pulled back through F&T).
     */
    private static double[] featureBatch(MultimodalModel model, Batch b, double etaRel) {
        Tensor mask = b.maskOrNull();
        List<Tensor> h;
        try (NoGrad ng = NoGrad.enter()) {
            h = model.encode(b.inputs()).stream().map(Tensor::detach).toList();
        }
        h.forEach(t -> t.requiresGrad_(true));
        Tensor logits = model.fuseAndPredict(h, mask);
        Tensor direction = model.lossAscentDirection(logits, b.labels());
        logits.mul(direction).sum().backward();
        model.parameters().forEach(Tensor::clearGrad);
        try (NoGrad ng = NoGrad.enter()) {
            List<Tensor> x = new ArrayList<>(h.size());
            List<Tensor> g = new ArrayList<>(h.size());
            for (int m = 0; m < h.size(); m++) {
                Tensor hm = h.get(m).detach();
                Tensor gm = h.get(m).grad();
                if (gm == null) gm = hm.mul(0.0);
                if (mask != null) {
                    hm = hm.mul(mask.narrow(1, m, 1));
                    gm = gm.mul(mask.narrow(1, m, 1));
                }
                x.add(hm);
                g.add(gm);
            }
            Tensor step = C3R.normalizedStep(Tensor.cat(x, 1), Tensor.cat(g, 1));
            List<Tensor> bar = new ArrayList<>(h.size());
            long offset = 0;
            for (Tensor t : h) {
                long d = t.size(1);
                bar.add(t.detach().add(step.narrow(1, offset, d), etaRel));
                offset += d;
            }
            return indicators(logits.detach(), model.fuseAndPredict(bar, mask), b.labels());
        }
    }

    private static double[] twinBatch(MultimodalModel model, C3R rule, Batch b) {
        try (NoGrad ng = NoGrad.enter()) {
            ForwardOutput out = model.forward(b.inputs(), b.maskOrNull());
            C3R.Twin t = rule.representation(model, out);
            Tensor zBar = rule.counterfactual(t.zHat(), t.head().weight(), t.head().bias(), b.labels());
            return indicators(t.logits(), t.head().forward(zBar), b.labels());
        }
    }

    /** Counts (exact integers, so the score does not depend on the batch size): misclassified, still-correct counterfactual. */
    private static double[] indicators(Tensor logitsHat, Tensor logitsBar, Tensor labels) {
        double correct = logitsHat.argmax(1).eq(labels).sum().item();
        double stillCorrect = logitsBar.argmax(1).eq(labels).sum().item();
        return new double[] {labels.size(0) - correct, stillCorrect};
    }
}
