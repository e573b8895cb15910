package dev.causalmm.bench;

import dev.causalmm.baselines.Baselines;
import dev.causalmm.causal.Regularizer;
import dev.causalmm.causal.Regularizers;
import dev.causalmm.engine.DType;
import dev.causalmm.engine.Device;
import dev.causalmm.engine.Engine;
import dev.causalmm.engine.Optimizer;
import dev.causalmm.engine.Tensor;
import dev.causalmm.engine.TensorScope;
import dev.causalmm.nn.EncoderConfig;
import dev.causalmm.nn.ForwardOutput;
import dev.causalmm.nn.MultimodalModel;
import dev.causalmm.train.TrainConfig;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;

/**
 * One training step (forward, CE, optional regulariser, backward, Adam) on MMLSynData-shaped
 * batches (2 modalities × 20 features). {@code size=paper}: the C3R paper's encoders
 * (in→64→32→128, μ = 64) at batch 256; {@code size=large}: in→512→256→1024 (μ = 512) at batch
 * 1024. Score: microseconds per step (samples/s = batch / time); a regulariser's overhead ratio is
 * {@code time(reg) / time(none)} at the same size. {@code -p device=cuda} measures the GPU build.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class TrainStepBenchmark {
    @Param({"late-fusion", "concat", "tmc", "qmf"})
    public String model;

    @Param({"none", "c3r", "imml", "cmir"})
    public String regularizer;

    @Param({"paper", "large"})
    public String size;

    @Param({"cpu"})
    public String device;

    private int batch;
    private MultimodalModel net;
    private Regularizer reg;
    private Optimizer opt;
    private List<Tensor> inputs;
    private Tensor mask;
    private Tensor labels;
    private Tensor indices;

    @Setup
    public void setup() {
        Engine.init();
        Engine.seed(0);
        Device d = Device.parse(device);
        batch = size.equals("paper") ? 256 : 1024;
        EncoderConfig enc = size.equals("paper") ? EncoderConfig.c3rPaper()
                : new EncoderConfig(List.of(512, 256, 1024), dev.causalmm.nn.Activation.ELU, true);
        reg = Regularizers.create(regularizer);
        net = reg.adapt(Baselines.create(model, new int[] {20, 20}, 2, enc, batch));
        net.to(d);
        var sample = dev.causalmm.data.MMLSynData.generate(dev.causalmm.data.MMLSynConfig.defaults(0).withSizes(512, 64, 8));
        reg.observeData(sample.train().dataset(), sample.val().dataset());
        reg.bind(net);
        reg.to(d);
        List<Tensor> params = new java.util.ArrayList<>(net.parameters());
        params.addAll(reg.parameters());
        opt = new Optimizer(TrainConfig.adam(1e-3), params);
        inputs = List.of(Tensor.rand(DType.FLOAT32, d, batch, 20).unscoped(), Tensor.rand(DType.FLOAT32, d, batch, 20).unscoped());
        mask = null; // every modality present: what the loader hands over for MMLSynData (Batch.maskOrNull)
        labels = Tensor.zeros(DType.INT64, d, batch).unscoped();
        indices = Tensor.arange(batch, DType.INT64, d).unscoped();
    }

    /** One step: the score is µs per step; samples/s = batch / step time. */
    @Benchmark
    public int step() {
        try (var s = TensorScope.open("step")) {
            ForwardOutput out = net.forward(inputs, mask);
            Tensor loss = net.loss(out, labels, indices);
            Regularizer.Output r = reg.compute(net, out, labels, 0);
            if (r != null) loss = loss.add(r.loss());
            loss.backward();
            opt.step();
            opt.zeroGrad();
        }
        if (!"cpu".equals(device)) Engine.synchronize();
        return batch;
    }

    @TearDown
    public void tearDown() {
        opt.close();
        reg.close();
        net.close();
        inputs.forEach(Tensor::close);
        labels.close();
        indices.close();
    }
}
