package dev.causalmm.eval;

import dev.causalmm.data.Batch;
import dev.causalmm.data.DataLoader;
import dev.causalmm.data.MultimodalDataset;
import dev.causalmm.engine.Device;
import dev.causalmm.engine.NoGrad;
import dev.causalmm.engine.Tensor;
import dev.causalmm.engine.TensorScope;
import dev.causalmm.nn.ForwardOutput;
import dev.causalmm.nn.MultimodalModel;

/** Runs a model over a dataset without gradients and measures its loss and accuracy. */
public final class Evaluator {
    private Evaluator() {}

    public static EvalResult evaluate(MultimodalModel model, MultimodalDataset data, int batchSize, Device device) {
        DataLoader loader = new DataLoader(data, DataLoader.Options.sequential(batchSize).withDevice(device));
        model.setTraining(false);
        int[] predictions = new int[data.size()];
        double lossSum = 0;
        long correct = 0;
        try (NoGrad ng = NoGrad.enter(); var epoch = loader.epoch(0)) {
            while (epoch.hasNext()) {
                try (var s = TensorScope.open("eval"); Batch b = epoch.next()) {
                    ForwardOutput out = model.forward(b.inputs(), b.maskOrNull());
                    Tensor loss = model.loss(out, b.labels());
                    long[] pred = out.logits().argmax(1).toLongArray();
                    long[] labels = b.labels().toLongArray();
                    int[] idx = b.indices();
                    for (int i = 0; i < pred.length; i++) {
                        predictions[idx[i]] = (int) pred[i];
                        if (pred[i] == labels[i]) correct++;
                    }
                    lossSum += loss.item() * b.size();
                }
            }
        } finally {
            model.setTraining(true);
        }
        return new EvalResult(lossSum / data.size(), (double) correct / data.size(), data.size(), predictions);
    }
}
