package dev.causalmm.bench;

import dev.causalmm.baselines.Baselines;
import dev.causalmm.causal.Regularizer;
import dev.causalmm.causal.Regularizers;
import dev.causalmm.data.ArrayDataset;
import dev.causalmm.data.Batch;
import dev.causalmm.data.DataLoader;
import dev.causalmm.data.MMLSynConfig;
import dev.causalmm.data.MMLSynData;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * The input path against the step it feeds, in samples per second, on one shuffled epoch of
 * MMLSynData (20,000 samples, 2 × 20 features) in batches of 256 (78 full batches, the tail dropped):
 * <ul>
 *   <li>{@code loader}: decode into the pooled batch buffers and hand out batches (on CUDA: the
 *       pinned upload on the side stream too, synchronised once at the end of the epoch);</li>
 *   <li>{@code step}: the paper-sized late-fusion training step alone, on fixed device inputs, as
 *       many steps as the epoch has batches;</li>
 *   <li>{@code loaderAndStep}: the step fed by the loader, batch by batch (what training sees).</li>
 * </ul>
 * The goal (issue 12): {@code loader} at least 2× {@code step}, and {@code loaderAndStep} close to
 * {@code step} (the loader hidden behind the step). {@code -p device=cuda} with the GPU build.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class LoaderBenchmark {
    /** Rows of one epoch: 78 batches of 256 (the 32-row tail is dropped). */
    static final int SAMPLES = 78 * 256;

    @Param({"4"})
    public int prefetch;

    /** Where batches are placed: {@code cuda} adds the pinned upload on the side stream. */
    @Param({"cpu"})
    public String device;

    private DataLoader loader;
    private TrainingStep step;
    private Device target;
    private int epoch;

    @Setup
    public void setup() {
        Engine.init();
        Engine.seed(0);
        target = Device.parse(device);
        var data = MMLSynData.generate(MMLSynConfig.defaults(0));
        ArrayDataset train = data.train().dataset();
        loader = new DataLoader(train, new DataLoader.Options(256, true, true, prefetch, 1, target));
        if (loader.batchesPerEpoch() * 256 != SAMPLES) {
            throw new IllegalStateException("expected " + SAMPLES + " rows per epoch, the loader has " + loader.batchesPerEpoch() * 256);
        }
        Regularizer none = Regularizers.create("none");
        MultimodalModel net = none.adapt(Baselines.create("late-fusion", new int[] {20, 20}, 2, EncoderConfig.c3rPaper(), 256, 0), 0);
        List<Tensor> inputs = List.of(Tensor.rand(DType.FLOAT32, target, 256, 20).unscoped(),
                Tensor.rand(DType.FLOAT32, target, 256, 20).unscoped());
        step = new TrainingStep(net, none, train, data.val().dataset(), inputs, target);
    }

    @Benchmark
    @OperationsPerInvocation(SAMPLES)
    public void loader(Blackhole bh) {
        try (var s = TensorScope.open("epoch"); var ep = loader.epoch(epoch++)) {
            while (ep.hasNext()) {
                try (Batch b = ep.next()) {
                    bh.consume(b.labels());
                }
            }
        }
        Engine.synchronize(); // the uploads of the epoch have finished (no-op on CPU)
    }

    @Benchmark
    @OperationsPerInvocation(SAMPLES)
    public int step() {
        int rows = 0;
        for (int i = 0; i < SAMPLES / 256; i++) rows += step.run();
        return rows;
    }

    @Benchmark
    @OperationsPerInvocation(SAMPLES)
    public int loaderAndStep() {
        int rows = 0;
        try (var s = TensorScope.open("epoch"); var ep = loader.epoch(epoch++)) {
            while (ep.hasNext()) {
                try (Batch b = ep.next()) {
                    rows += step.run(b.inputs(), b.maskOrNull(), b.labels(), b.indexTensor());
                }
            }
        }
        return rows;
    }

    @TearDown
    public void tearDown() {
        step.close();
    }
}
