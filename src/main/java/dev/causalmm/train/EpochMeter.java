package dev.causalmm.train;

import dev.causalmm.engine.DType;
import dev.causalmm.engine.Device;
import dev.causalmm.engine.NoGrad;
import dev.causalmm.engine.Tensor;
import dev.causalmm.engine.TensorScope;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An epoch's sums, kept on the device so the step loop never waits for it: the loss × rows, the
 * correct predictions, the regulariser's terms, and the steps before the first non-finite loss.
 * {@link #totals} reads them back once, at the end of the epoch ({@link #runningLoss} only when a
 * progress bar asks).
 */
final class EpochMeter {
    /** What the epoch measured, read back from the device. */
    record Totals(double loss, double accuracy, long seen, int steps, int finiteSteps, Map<String, Double> terms) {
        boolean finite() {
            return finiteSteps >= steps && Double.isFinite(loss);
        }
    }

    private final Device device;
    private final Tensor lossSum;
    private final Tensor correct;
    /** Non-finite losses so far, and the steps taken while it was 0: the finite prefix, with no per-step read-back. */
    private final Tensor nonFiniteSoFar;
    private final Tensor finitePrefix;
    private List<String> termNames;
    private Tensor termSums;
    private long seen;
    private int steps;
    /** Whether any step gave class logits with int64 labels: accuracy is NaN for a task without classes (segmentation, regression). */
    private boolean scored;

    /** Creates the sums in the current (epoch) scope. */
    EpochMeter(Device device) {
        this.device = device;
        lossSum = Tensor.zeros(DType.FLOAT32, device);
        correct = Tensor.zeros(DType.INT64, device);
        nonFiniteSoFar = Tensor.zeros(DType.INT64, device);
        finitePrefix = Tensor.zeros(DType.INT64, device);
    }

    /** Adds a step's regulariser terms, weighted by this rank's {@code share} of the batch: all in one vector, two native calls. */
    void addTerms(Map<String, Tensor> terms, double share, TensorScope stepScope) {
        if (terms.isEmpty()) return;
        try (var ng = NoGrad.enter()) {
            Tensor values = Tensor.stack(List.copyOf(terms.values()), 0);
            if (share != 1.0) values = values.mul(share);
            if (termSums == null) {
                termNames = List.copyOf(terms.keySet());
                termSums = stepScope.keep(values);
            } else {
                termSums.add_(values);
            }
        }
    }

    /** Adds a step's loss (the mean over its {@code rows}) and, when {@code logits} is given, its hits. */
    void addStep(Tensor loss, Tensor logits, Tensor labels, int rows) {
        lossSum.add_(loss.detach().mul(rows));
        nonFiniteSoFar.add_(loss.detach().abs().lt(Double.POSITIVE_INFINITY).eq(0).to(DType.INT64));
        finitePrefix.add_(nonFiniteSoFar.eq(0).to(DType.INT64));
        if (logits != null && labels.dtype() == DType.INT64) { // float targets (regression): no accuracy
            correct.add_(logits.argmax(1).eq(labels).sum());
            scored = true;
        }
        seen += rows;
        steps++;
    }

    long seen() {
        return seen;
    }

    int steps() {
        return steps;
    }

    /** The epoch's mean loss so far; waits for the device. */
    double runningLoss() {
        return lossSum.item() / seen;
    }

    /** Replaces every sum by its total over all ranks (the finite prefix by the shortest one). */
    void sumAcrossRanks(GradientSync sync) {
        Tensor rows = Tensor.full(seen, DType.FLOAT64, device, 1);
        Tensor sums = Tensor.cat(termSums == null
                ? List.of(lossSum.to(DType.FLOAT64).reshape(1), correct.to(DType.FLOAT64).reshape(1), rows)
                : List.of(lossSum.to(DType.FLOAT64).reshape(1), correct.to(DType.FLOAT64).reshape(1), rows,
                        termSums.to(DType.FLOAT64).reshape(-1)), 0);
        sync.sumAcrossRanks(sums);
        double[] all = sums.toDoubleArray();
        lossSum.fill_(all[0]);
        correct.fill_(all[1]);
        seen = Math.round(all[2]);
        if (termSums != null) {
            for (int i = 0; i < termSums.numel(); i++) termSums.select(0, i).fill_(all[3 + i]);
        }
        sync.minAcrossRanks(finitePrefix);
    }

    /** Reads the sums back: mean loss and accuracy per row, mean terms per step. */
    Totals totals() {
        double loss = lossSum.item() / seen;
        int finite = (int) finitePrefix.item();
        double acc = scored ? correct.item() / seen : Double.NaN;
        Map<String, Double> terms = new TreeMap<>();
        if (termSums != null) {
            double[] sums = termSums.toDoubleArray();
            for (int i = 0; i < sums.length; i++) terms.put(termNames.get(i), sums[i] / steps);
        }
        return new Totals(loss, acc, seen, steps, finite, terms);
    }
}
