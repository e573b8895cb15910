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
import dev.causalmm.nn.MultimodalModel;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link Evaluator}'s pass over a regression dataset: the model's loss and its predictions, kept on
 * the device and read back once, then {@link RegressionMetrics} of the predictions (dataset order)
 * against the targets.
 */
final class RegressionEvaluation {
    private RegressionEvaluation() {}

    static EvalResult run(MultimodalModel model, MultimodalDataset data, DataLoader loader, Device device) {
        int dims = ((Task.Regression) data.task()).dims();
        float[] preds = new float[data.size() * dims];
        float[] targets = new float[data.size() * dims];
        double lossSum;
        model.setTraining(false);
        try (var all = TensorScope.open("eval-sums"); NoGrad ng = NoGrad.enter(); var epoch = loader.epoch(0)) {
            Tensor lossTotal = Tensor.zeros(DType.FLOAT64, device);
            List<Tensor> p = new ArrayList<>();
            List<Tensor> y = new ArrayList<>();
            List<int[]> rows = new ArrayList<>();
            while (epoch.hasNext()) {
                try (var s = TensorScope.open("eval"); Batch b = epoch.next()) {
                    var out = model.forward(b.inputs(), b.maskOrNull());
                    lossTotal.add_(model.loss(out, b.labels()).to(DType.FLOAT64).mul(b.size()));
                    p.add(s.keep(out.logits().to(DType.FLOAT32)));
                    y.add(s.keep(b.labels().clone_()));
                    rows.add(b.indices());
                }
            }
            float[] pv = p.isEmpty() ? new float[0] : Tensor.cat(p, 0).toFloatArray();
            float[] yv = y.isEmpty() ? new float[0] : Tensor.cat(y, 0).toFloatArray();
            int at = 0;
            for (int[] idx : rows) {
                for (int i : idx) {
                    System.arraycopy(pv, at, preds, i * dims, dims);
                    System.arraycopy(yv, at, targets, i * dims, dims);
                    at += dims;
                }
            }
            lossSum = lossTotal.item();
        } finally {
            model.setTraining(true);
        }
        return new EvalResult(lossSum / data.size(), Double.NaN, data.size(), new int[0], RegressionMetrics.of(preds, targets, RegressionMetrics.neutralPoint(targets)));
    }
}
