package dev.causalmm.bench;

import dev.causalmm.engine.Device;
import dev.causalmm.engine.Engine;
import dev.causalmm.engine.Optimizer;
import dev.causalmm.engine.Tensor;
import dev.causalmm.engine.TensorScope;
import dev.causalmm.nn.Init;
import dev.causalmm.nn.UNet3d;
import dev.causalmm.nn.UNetConfig;
import dev.causalmm.seg.SegLoss;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;

/**
 * One 3-D U-Net training step as {@code seg-train} takes it (forward, soft Dice + BCE on the
 * WT/TC/ET sigmoids, backward, Adam; the loss stays on the device, as seg-train reads it back only
 * to log) on a
 * {@code size}³ patch, batch {@code batch}: 4 modalities (zero-fill + mask channels), the seg-train
 * defaults width 8, depth 3 (channels 8-16-32-64), plain blocks. The input is a planted tumour in
 * noise; speed does not depend on the values. Score: milliseconds per step (voxels/s = batch ×
 * size³ / step time). A 128³ step on the 2-core CPU takes seconds: run it with few iterations
 * ({@code -f 1 -wi 1 -i 3}). {@code -p device=cuda} measures the GPU build.
 *
 * <p>The same work as its twin ({@code twins.py --bench unet}): the patch, mask and targets are
 * tensors on the device made once in the setup (no host copy in the timed step; the loader's upload
 * is LoaderBenchmark's business), no value is read back, and a CUDA step ends with one synchronize.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xmx4g"})
public class SegmentationBenchmark {
    @Param({"64", "128"})
    public int size;

    @Param({"1"})
    public int batch;

    @Param({"8"})
    public int width;

    @Param({"3"})
    public int depth;

    @Param({"cpu"})
    public String device;

    private UNet3d model;
    private Optimizer optimizer;
    private Tensor xt;
    private Tensor mt;
    private Tensor yt;
    private Device d;

    @Setup
    public void setup() {
        Engine.init();
        Engine.seed(0);
        d = Device.parse(device);
        int k = 4;
        // as SegPipeline.train builds it from seg-train's options
        UNetConfig uc = new UNetConfig(k, 3, width, Math.max(width, width * 8), depth, false, UNetConfig.Fusion.CHANNELS, 0.01);
        model = new UNet3d(uc, Init.seeded(1));
        model.to(d);
        model.setTraining(true);
        optimizer = new Optimizer(new Optimizer.Settings(Optimizer.Kind.ADAM, 3e-3, 0, 0.9, 0.999, 1e-8, 0), List.copyOf(model.parameters()));
        int v = size * size * size;
        float[] x = new float[batch * k * v];
        float[] y = new float[batch * 3 * v];
        float[] mask = new float[batch * k];
        SplittableRandom r = new SplittableRandom(2);
        double rw = size * 0.2, c = size / 2.0;
        for (int b = 0; b < batch; b++) {
            for (int m = 0; m < k; m++) mask[b * k + m] = m == 1 ? 0 : 1;   // one modality missing, as under modality dropout
            for (int z = 0, i = 0; z < size; z++) for (int yy = 0; yy < size; yy++) for (int xx = 0; xx < size; xx++, i++) {
                double dist = Math.sqrt((xx - c) * (xx - c) + (yy - c) * (yy - c) + (z - c) * (z - c));
                boolean wt = dist <= rw, tc = dist <= 0.55 * rw, et = tc && dist > 0.55 * rw - 1.6;
                for (int m = 0; m < k; m++) {
                    if (mask[b * k + m] != 0) x[(b * k + m) * v + i] = (float) ((wt ? 1.5 : 0) + 0.35 * (r.nextDouble() * 2 - 1));
                }
                y[(b * 3) * v + i] = wt ? 1 : 0;
                y[(b * 3 + 1) * v + i] = tc ? 1 : 0;
                y[(b * 3 + 2) * v + i] = et ? 1 : 0;
            }
        }
        xt = Tensor.of(x, batch, 4, size, size, size).to(d).unscoped();
        mt = Tensor.of(mask, batch, 4).to(d).unscoped();
        yt = Tensor.of(y, batch, 3, size, size, size).to(d).unscoped();
        System.out.printf("[bench] U-Net %s, %d parameters, patch %d^3 x batch %d on %s%n", uc, model.parameterCount(), size, batch, d);
    }

    /** One step; the score is ms per step. */
    @Benchmark
    public int step() {
        try (var scope = TensorScope.open("seg-step")) {
            Tensor loss = SegLoss.diceBce(model.forward(xt, mt).logits(), yt);
            loss.backward();
            optimizer.step();
            optimizer.zeroGrad();
        }
        if (d.isCuda()) Engine.synchronize();
        return batch;
    }

    @TearDown
    public void tearDown() {
        optimizer.close();
        model.close();
        xt.close();
        mt.close();
        yt.close();
    }
}
