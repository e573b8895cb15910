package dev.causalmm.bench;

import dev.causalmm.causal.Regularizer;
import dev.causalmm.data.MultimodalDataset;
import dev.causalmm.engine.CudaGraph;
import dev.causalmm.engine.DType;
import dev.causalmm.engine.Device;
import dev.causalmm.engine.Engine;
import dev.causalmm.engine.GraphSafeAdam;
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
 *
 * <p>{@link Mode}: {@code eager} uses {@link Optimizer} (what the Trainer uses: the flat-buffer
 * Adam), {@code eager-libtorch} LibTorch's C++ Adam (one native call, ~10 kernels per parameter);
 * {@code eager-graphsafe} the device-side {@link GraphSafeAdam}, still eager (isolates the
 * optimizer's share); {@code graph} captures the whole step (with {@link GraphSafeAdam}) as one
 * {@link CudaGraph} after 3 warm-up steps and replays it: CUDA only, and refused with the reason for
 * steps that draw random numbers (CmIR, dropout) or read values back to the host.
 */
final class TrainingStep implements AutoCloseable {
    /** How the step runs; see the class comment. */
    enum Mode {
        EAGER, EAGER_LIBTORCH, EAGER_GRAPHSAFE, GRAPH;

        static Mode parse(String s) {
            return switch (s) {
                case "eager" -> EAGER;
                case "eager-libtorch" -> EAGER_LIBTORCH;
                case "eager-graphsafe" -> EAGER_GRAPHSAFE;
                case "graph" -> GRAPH;
                default -> throw new IllegalArgumentException("mode must be eager, eager-libtorch, eager-graphsafe or graph, got " + s);
            };
        }
    }

    /** Warm-up steps before a capture: Adam's first steps and cuBLAS workspaces settle by then. */
    private static final int GRAPH_WARMUP = 3;

    private final MultimodalModel net;
    private final Regularizer reg;
    private final Optimizer opt;
    private final GraphSafeAdam graphSafe;
    private final CudaGraph graph;
    private final List<Tensor> inputs;
    private final Tensor labels;
    private final Tensor indices;
    private final boolean sync;

    /** @param train, val data the regulariser may look at first (IMML's probe, CmIR's feature std) */
    TrainingStep(MultimodalModel net, Regularizer reg, MultimodalDataset train, MultimodalDataset val, List<Tensor> inputs, Device device) {
        this(net, reg, train, val, inputs, device, Mode.EAGER);
    }

    TrainingStep(MultimodalModel net, Regularizer reg, MultimodalDataset train, MultimodalDataset val, List<Tensor> inputs, Device device,
                 Mode mode) {
        this.net = net;
        this.reg = reg;
        net.to(device);
        reg.observeData(train, val);
        reg.bind(net, 0);
        reg.to(device);
        List<Tensor> params = new ArrayList<>(net.parameters());
        params.addAll(reg.parameters());
        opt = switch (mode) {
            case EAGER -> new Optimizer(TrainConfig.adam(1e-3), params);
            case EAGER_LIBTORCH -> Optimizer.libTorch(TrainConfig.adam(1e-3), params);
            default -> null;
        };
        graphSafe = opt != null ? null : new GraphSafeAdam(TrainConfig.adam(1e-3), params);
        this.inputs = inputs;
        long batch = inputs.get(0).size(0);
        labels = Tensor.zeros(DType.INT64, device, batch).unscoped();
        indices = Tensor.arange(batch, DType.INT64, device).unscoped();
        sync = device.isCuda();
        if (mode == Mode.GRAPH) {
            List<Tensor> statics = new ArrayList<>(inputs);
            statics.add(labels);
            statics.add(indices);
            try {
                graph = CudaGraph.capture(device, statics, GRAPH_WARMUP, () -> List.of(graphSafeStep()));
            } catch (RuntimeException e) {
                closeParts();
                throw e;
            }
        } else {
            graph = null;
        }
    }

    /** The step as a graph captures it: gradients dropped first, so backward writes into the graph's own buffers. */
    private Tensor graphSafeStep() {
        graphSafe.zeroGrad();
        Tensor loss = lossOf(net.forward(inputs, null));
        loss.backward();
        graphSafe.step();
        return loss;
    }

    private Tensor lossOf(ForwardOutput out) {
        Tensor loss = net.loss(out, labels, indices);
        Regularizer.Output r = reg.compute(net, out, labels, 0);
        return r != null ? loss.add(r.loss()) : loss;
    }

    int run() {
        if (graph != null) {
            graph.replay();
        } else {
            try (var s = TensorScope.open("step")) {
                if (opt != null) {
                    lossOf(net.forward(inputs, null)).backward();
                    opt.step();
                    opt.zeroGrad();
                } else {
                    graphSafeStep();
                }
            }
        }
        if (sync) Engine.synchronize();
        return (int) labels.size(0);
    }

    /**
     * One eager step as {@link #run()} does it, with the time of each phase added to {@code nanos}:
     * [0] forward + losses + regulariser, [1] backward, [2] optimizer step + zero-grad (StepProfile's
     * breakdown; CPU only, where every op has finished when its call returns).
     */
    void runPhased(long[] nanos) {
        if (opt == null || sync) throw new IllegalStateException("the phase breakdown is for eager CPU steps");
        try (var s = TensorScope.open("step")) {
            long t0 = System.nanoTime();
            Tensor loss = lossOf(net.forward(inputs, null));
            long t1 = System.nanoTime();
            loss.backward();
            long t2 = System.nanoTime();
            opt.step();
            opt.zeroGrad();
            long t3 = System.nanoTime();
            nanos[0] += t1 - t0;
            nanos[1] += t2 - t1;
            nanos[2] += t3 - t2;
        }
    }

    /**
     * One eager step on a loader's batch instead of the fixed inputs (LoaderBenchmark feeds the step
     * from the loader); the same work as {@link #run()} in {@code eager} mode.
     */
    int run(List<Tensor> inputs, Tensor mask, Tensor labels, Tensor indices) {
        if (opt == null) throw new IllegalStateException("a step on loader batches runs in eager mode only");
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
        if (graph != null) graph.close();
        closeParts();
    }

    private void closeParts() {
        if (opt != null) opt.close();
        if (graphSafe != null) graphSafe.close();
        reg.close();
        net.close();
        inputs.forEach(Tensor::close);
        labels.close();
        indices.close();
    }
}
