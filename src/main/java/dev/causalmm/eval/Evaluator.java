package dev.causalmm.eval;

import dev.causalmm.data.Batch;
import dev.causalmm.data.DataLoader;
import dev.causalmm.data.MultimodalDataset;
import dev.causalmm.data.Task;
import dev.causalmm.engine.DType;
import dev.causalmm.engine.Device;
import dev.causalmm.engine.NoGrad;
import dev.causalmm.engine.Tensor;
import dev.causalmm.engine.TensorScope;
import dev.causalmm.nn.ForwardOutput;
import dev.causalmm.nn.MultimodalModel;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a model over a dataset without gradients and measures its loss and accuracy. Per-batch
 * values stay on the device (loss sum, correct count, predictions) and are read back once at the
 * end, so evaluation on a GPU does not wait for each batch.
 *
 * <p>An instance keeps one loader for its dataset, so evaluating every epoch reuses the same batch
 * buffers (pinned host memory on CUDA, which is freed only when the garbage collector drops its
 * buffers: a new loader per epoch would pile them up). The static
 * {@link #evaluate(MultimodalModel, MultimodalDataset, int, Device)} is for a one-off evaluation.
 */
public final class Evaluator {
    private final MultimodalDataset data;
    private final DataLoader loader;
    private final Device device;

    /** An evaluator of {@code data} in sequential batches of {@code batchSize} rows on {@code device}. */
    public Evaluator(MultimodalDataset data, int batchSize, Device device) {
        this.data = data;
        this.device = device;
        this.loader = new DataLoader(data, DataLoader.Options.sequential(batchSize).withDevice(device));
    }

    /** One evaluation with a loader made for it (its buffers are dropped afterwards). */
    public static EvalResult evaluate(MultimodalModel model, MultimodalDataset data, int batchSize, Device device) {
        return new Evaluator(data, batchSize, device).evaluate(model);
    }

    public MultimodalDataset dataset() {
        return data;
    }

    /** Evaluates {@code model} (switched to eval mode meanwhile) over the whole dataset, through this evaluator's loader. */
    public EvalResult evaluate(MultimodalModel model) {
        if (data.task() instanceof Task.Regression) return RegressionEvaluation.run(model, data, loader, device);
        model.setTraining(false);
        int[] predictions = new int[data.size()];
        double lossSum;
        long correct;
        try (var all = TensorScope.open("eval-sums"); NoGrad ng = NoGrad.enter(); var epoch = loader.epoch(0)) {
            Tensor lossTotal = Tensor.zeros(DType.FLOAT64, device); // a sum over the whole set: double, as before
            Tensor correctTotal = Tensor.zeros(DType.INT64, device);
            List<Tensor> preds = new ArrayList<>();
            List<int[]> rows = new ArrayList<>();
            while (epoch.hasNext()) {
                try (var s = TensorScope.open("eval"); Batch b = epoch.next()) {
                    ForwardOutput out = model.forward(b.inputs(), b.maskOrNull());
                    Tensor loss = model.loss(out, b.labels());
                    Tensor pred = out.logits().argmax(1);
                    correctTotal.add_(pred.eq(b.labels()).sum());
                    lossTotal.add_(loss.to(DType.FLOAT64).mul(b.size()));
                    preds.add(s.keep(pred));
                    rows.add(b.indices());
                }
            }
            // the one read-back: every prediction, the loss sum and the count
            long[] p = preds.isEmpty() ? new long[0] : Tensor.cat(preds, 0).toLongArray();
            int at = 0;
            for (int[] idx : rows) {
                for (int i : idx) predictions[i] = (int) p[at++];
            }
            lossSum = lossTotal.item();
            correct = (long) correctTotal.item();
        } finally {
            model.setTraining(true);
        }
        return new EvalResult(lossSum / data.size(), (double) correct / data.size(), data.size(), predictions);
    }
}
