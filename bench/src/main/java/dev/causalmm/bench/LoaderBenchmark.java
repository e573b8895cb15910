package dev.causalmm.bench;

import dev.causalmm.data.ArrayDataset;
import dev.causalmm.data.Batch;
import dev.causalmm.data.DataLoader;
import dev.causalmm.data.MMLSynConfig;
import dev.causalmm.data.MMLSynData;
import dev.causalmm.engine.Engine;
import dev.causalmm.engine.TensorScope;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The data loader alone: one shuffled epoch of MMLSynData (20,000 samples) in batches of 256,
 * decoded on virtual threads into off-heap buffers and wrapped as tensors. Score: batches per
 * second (one operation = one batch).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class LoaderBenchmark {
    @Param({"4"})
    public int prefetch;

    /** Where batches are placed: {@code cuda} adds the pinned upload (loader + upload throughput). */
    @Param({"cpu"})
    public String device;

    private DataLoader loader;
    private int epoch;

    @Setup
    public void setup() {
        Engine.init();
        ArrayDataset data = MMLSynData.generate(MMLSynConfig.defaults(0)).train().dataset();
        loader = new DataLoader(data, new DataLoader.Options(256, true, false, prefetch, 1, dev.causalmm.engine.Device.parse(device)));
    }

    @Benchmark
    @OperationsPerInvocation(79)
    public void epoch(Blackhole bh) {
        try (var s = TensorScope.open("epoch"); var ep = loader.epoch(epoch++)) {
            while (ep.hasNext()) {
                try (Batch b = ep.next()) {
                    bh.consume(b.labels());
                }
            }
        }
    }
}
