package dev.causalmm.bench;

import dev.causalmm.baselines.Baselines;
import dev.causalmm.causal.Regularizer;
import dev.causalmm.causal.Regularizers;
import dev.causalmm.data.ImageTextConfig;
import dev.causalmm.data.ImageTextData;
import dev.causalmm.engine.DType;
import dev.causalmm.engine.Device;
import dev.causalmm.engine.Engine;
import dev.causalmm.engine.Tensor;
import dev.causalmm.engine.TensorScope;
import dev.causalmm.nn.EncoderConfig;
import dev.causalmm.nn.MultimodalModel;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;

/**
 * One training step on image+text batches of the synthetic task (3×16×16 images, 12-word texts,
 * 4 classes) at batch 64: every model that takes images and texts, with and without C3R. Score:
 * microseconds per step. {@code mmbt} is the spec's size (L 4, H 256, A 4, FFN 1024), {@code mmbt-small}
 * the CPU-sized one the bundled experiments use.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class ImageTextStepBenchmark {
    @Param({"late-fusion", "concatbow", "tmc", "qmf", "mmbt-small", "mmbt"})
    public String model;

    @Param({"none", "c3r"})
    public String regularizer;

    @Param({"cpu"})
    public String device;

    /** eager, eager-graphsafe or graph (CUDA only; MMBT's dropout makes its capture refused), as in TrainStepBenchmark. */
    @Param({"eager"})
    public String mode;

    private static final int BATCH = 64;
    private TrainingStep step;

    @Setup
    public void setup() {
        Engine.init();
        Engine.seed(0);
        Device d = Device.parse(device);
        var data = ImageTextData.generate(ImageTextConfig.defaults(0).withSizes(256, 64, 8));
        Regularizer reg = Regularizers.create(regularizer);
        MultimodalModel net = reg.adapt(Baselines.create(model, data.modalities(), data.numClasses(), EncoderConfig.c3rPaper(), BATCH, 0), 0);
        List<Tensor> inputs;
        try (var s = TensorScope.open("inputs")) {
            Tensor img = Tensor.rand(DType.FLOAT32, d, BATCH, 3, 16, 16).mul(255);
            Tensor txt = Tensor.rand(DType.FLOAT32, d, BATCH, 12).mul(60).add(2).to(DType.INT64).to(DType.FLOAT32);
            inputs = List.of(s.keep(img).unscoped(), s.keep(txt).unscoped());
        }
        step = new TrainingStep(net, reg, data.train(), data.val(), inputs, d, TrainingStep.Mode.parse(mode));
    }

    @Benchmark
    public int step() {
        return step.run();
    }

    @TearDown
    public void tearDown() {
        if (step != null) step.close(); // null when the setup was refused (a graph of a step with dropout)
    }
}
