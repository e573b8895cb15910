package dev.causalmm.bench;

import dev.causalmm.causal.Regularizer;
import dev.causalmm.data.MultimodalDataset;
import dev.causalmm.engine.DType;
import dev.causalmm.engine.Device;
import dev.causalmm.engine.Engine;
import dev.causalmm.engine.Optimizer;
import dev.causalmm.engine.Tensor;
import dev.causalmm.engine.TensorScope;
import dev.causalmm.nn.ForwardOutput;
import dev.causalmm.nn.MultimodalModel;
import dev.causalmm.train.TrainConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * What every step benchmark times: forward, the model's loss, the regulariser, backward and one
 * Adam step, on fixed inputs (every modality present, as the loader hands over complete data).
 * Owns the model, the regulariser, the optimizer and the inputs.
 */
final class TrainingStep implements AutoCloseable {
    private final MultimodalModel net;
    private final Regularizer reg;
    private final Optimizer opt;
    private final List<Tensor> inputs;
    private final Tensor labels;
    private final Tensor indices;
    private final boolean sync;

    /** @param train, val data the regulariser may look at first (IMML's probe, CmIR's feature std) */
    TrainingStep(MultimodalModel net, Regularizer reg, MultimodalDataset train, MultimodalDataset val, List<Tensor> inputs, Device device) {
        this.net = net;
        this.reg = reg;
        net.to(device);
        reg.observeData(train, val);
        reg.bind(net, 0);
        reg.to(device);
        List<Tensor> params = new ArrayList<>(net.parameters());
        params.addAll(reg.parameters());
        opt = new Optimizer(TrainConfig.adam(1e-3), params);
        this.inputs = inputs;
        long batch = inputs.get(0).size(0);
        labels = Tensor.zeros(DType.INT64, device, batch).unscoped();
        indices = Tensor.arange(batch, DType.INT64, device).unscoped();
        sync = device.isCuda();
    }

    int run() {
        return run(inputs, null, labels, indices);
    }

    /** One step on given inputs (a loader's batch: LoaderBenchmark feeds the step from the loader). */
    int run(List<Tensor> inputs, Tensor mask, Tensor labels, Tensor indices) {
        try (var s = TensorScope.open("step")) {
            ForwardOutput out = net.forward(inputs, mask);
            Tensor loss = net.loss(out, labels, indices);
            Regularizer.Output r = reg.compute(net, out, labels, 0);
            if (r != null) loss = loss.add(r.loss());
            loss.backward();
            opt.step();
            opt.zeroGrad();
        }
        if (sync) Engine.synchronize();
        return (int) labels.size(0);
    }

    @Override
    public void close() {
        opt.close();
        reg.close();
        net.close();
        inputs.forEach(Tensor::close);
        labels.close();
        indices.close();
    }
}
