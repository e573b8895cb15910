package dev.causalmm.bench;

import dev.causalmm.baselines.Baselines;
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
 * One training step (forward, CE, backward, Adam) of the paper-sized models on MMLSynData-shaped
 * batches (2 modalities × 20 features, C3R-preset encoders). Score: samples per second
 * (one operation = one sample). {@code -p device=cuda} measures the GPU build.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class TrainStepBenchmark {
    @Param({"late-fusion", "concat"})
    public String model;

    @Param({"256"})
    public int batch;

    @Param({"cpu"})
    public String device;

    private MultimodalModel net;
    private Optimizer opt;
    private List<Tensor> inputs;
    private Tensor mask;
    private Tensor labels;

    @Setup
    public void setup() {
        Engine.init();
        Engine.seed(0);
        Device d = Device.parse(device);
        net = Baselines.create(model, new int[] {20, 20}, 2, EncoderConfig.c3rPaper());
        net.to(d);
        opt = new Optimizer(TrainConfig.adam(1e-3), net.parameters());
        inputs = List.of(Tensor.rand(DType.FLOAT32, d, batch, 20).unscoped(), Tensor.rand(DType.FLOAT32, d, batch, 20).unscoped());
        mask = Tensor.ones(DType.FLOAT32, d, batch, 2).unscoped();
        labels = Tensor.zeros(DType.INT64, d, batch).unscoped();
    }

    @Benchmark
    @OperationsPerInvocation(256)
    public void step() {
        try (var s = TensorScope.open("step")) {
            ForwardOutput out = net.forward(inputs, mask);
            net.loss(out, labels).backward();
            opt.step();
            opt.zeroGrad();
        }
        if (!"cpu".equals(device)) Engine.synchronize();
    }

    @TearDown
    public void tearDown() {
        opt.close();
        net.close();
        inputs.forEach(Tensor::close);
        mask.close();
        labels.close();
    }
}
