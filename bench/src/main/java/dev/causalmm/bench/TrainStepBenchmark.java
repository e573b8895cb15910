package dev.causalmm.bench;

import dev.causalmm.baselines.Baselines;
import dev.causalmm.causal.Regularizer;
import dev.causalmm.causal.Regularizers;
import dev.causalmm.engine.DType;
import dev.causalmm.engine.Device;
import dev.causalmm.engine.Engine;
import dev.causalmm.engine.Tensor;
import dev.causalmm.nn.EncoderConfig;
import dev.causalmm.nn.MultimodalModel;
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

    /**
     * {@code eager} (the Trainer's {@code Optimizer}: flat-buffer Adam), {@code eager-libtorch}
     * (LibTorch's C++ Adam, the optimizer before issue 22), {@code eager-graphsafe} (the device-side GraphSafeAdam, eager)
     * or {@code graph} (the whole step captured once as a CUDA graph and replayed; CUDA only, refused
     * for steps with random ops such as CmIR). See TrainingStep and docs/cuda-graphs.md.
     */
    @Param({"eager"})
    public String mode;

    /** Batch size; 0 = the size's own (256 paper, 1024 large). The GPU check adds 4096. */
    @Param({"0"})
    public int batch;

    private TrainingStep step;

    @Setup
    public void setup() {
        Engine.init();
        Engine.seed(0);
        Device d = Device.parse(device);
        int batch = this.batch > 0 ? this.batch : size.equals("paper") ? 256 : 1024;
        EncoderConfig enc = size.equals("paper") ? EncoderConfig.c3rPaper()
                : new EncoderConfig(List.of(512, 256, 1024), dev.causalmm.nn.Activation.ELU, true);
        Regularizer reg = Regularizers.create(regularizer);
        MultimodalModel net = reg.adapt(Baselines.create(model, new int[] {20, 20}, 2, enc, batch, 0), 0);
        var sample = dev.causalmm.data.MMLSynData.generate(dev.causalmm.data.MMLSynConfig.defaults(0).withSizes(512, 64, 8));
        List<Tensor> inputs = List.of(Tensor.rand(DType.FLOAT32, d, batch, 20).unscoped(),
                Tensor.rand(DType.FLOAT32, d, batch, 20).unscoped());
        step = new TrainingStep(net, reg, sample.train().dataset(), sample.val().dataset(), inputs, d, TrainingStep.Mode.parse(mode));
    }

    /** One step: the score is µs per step; samples/s = batch / step time. */
    @Benchmark
    public int step() {
        return step.run();
    }

    @TearDown
    public void tearDown() {
        if (step != null) step.close(); // null when the setup was refused (a graph of a step with random ops)
    }
}
