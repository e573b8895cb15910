package dev.causalmm.bench;

import dev.causalmm.baselines.Baselines;
import dev.causalmm.causal.Regularizer;
import dev.causalmm.causal.Regularizers;
import dev.causalmm.data.DataSplits;
import dev.causalmm.data.ImageTextFolder;
import dev.causalmm.data.ImageTextFolderOptions;
import dev.causalmm.engine.DType;
import dev.causalmm.engine.Device;
import dev.causalmm.engine.Engine;
import dev.causalmm.engine.Tensor;
import dev.causalmm.engine.TensorScope;
import dev.causalmm.nn.EncoderConfig;
import dev.causalmm.nn.MultimodalModel;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;

/**
 * The training step the image+text folder loader feeds: batch 64 of {@code crop}×{@code crop}
 * images and 32-token texts (the folder's modalities), forward, CE, backward, Adam. Score:
 * microseconds per step — compare 64 / step time with {@link ImageFolderBenchmark}'s images/s.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class ImageFolderStepBenchmark {
    @Param({"late-fusion", "concatbow", "mmbt-small"})
    public String model;

    @Param({"64"})
    public int crop;

    private TrainingStep step;

    @Setup
    public void setup() throws Exception {
        Engine.init();
        Engine.seed(0);
        Path manifest = ImageFolderBenchmark.images(Path.of(System.getProperty("java.io.tmpdir"), "causalmm-bench-images"));
        DataSplits d = ImageTextFolder.open(manifest, ImageTextFolderOptions.defaults().withImage(crop, crop * 8 / 7, true)
                .withSplit(List.of(0.98, 0.01, 0.01), 0, null, null));
        Regularizer reg = Regularizers.create("none");
        MultimodalModel net = reg.adapt(Baselines.create(model, d.modalities(), d.numClasses(), EncoderConfig.c3rPaper(), 64, 0), 0);
        int len = (int) d.modalities().get(1).shape()[0];
        List<Tensor> inputs;
        try (var s = TensorScope.open("inputs")) {
            Tensor img = Tensor.rand(DType.FLOAT32, Device.CPU, 64, 3, crop, crop).mul(255);
            Tensor txt = Tensor.rand(DType.FLOAT32, Device.CPU, 64, len).mul(d.modalities().get(1).vocabSize() - 2).add(2).to(DType.INT64).to(DType.FLOAT32);
            inputs = List.of(s.keep(img).unscoped(), s.keep(txt).unscoped());
        }
        step = new TrainingStep(net, reg, d.train(), d.val(), inputs, Device.CPU);
    }

    @Benchmark
    public int step() {
        return step.run();
    }

    @TearDown
    public void tearDown() {
        step.close();
    }
}
