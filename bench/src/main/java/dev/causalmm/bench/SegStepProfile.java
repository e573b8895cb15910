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
import java.util.Locale;

/**
 * {@link SegmentationBenchmark}'s step in a plain loop with the time of each phase (upload,
 * forward, loss + read-back, backward, Adam + zero-grad), to see where a U-Net step goes; CPU
 * only (phases are not synchronised on CUDA). Not a JMH benchmark: a diagnosis tool, as
 * {@link StepProfile}.
 *
 * <pre>java -cp bench/target/causalmm-bench-0.1.0-SNAPSHOT.jar:bench/target/lib/* dev.causalmm.bench.SegStepProfile 32 1 20</pre>
 */
public final class SegStepProfile {
    private SegStepProfile() {}

    public static void main(String[] args) {
        int size = args.length > 0 ? Integer.parseInt(args[0]) : 32;
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        int steps = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        Engine.init();
        Engine.seed(0);
        UNetConfig uc = new UNetConfig(4, 3, 8, 64, 3, false, UNetConfig.Fusion.CHANNELS, 0.01);
        int v = size * size * size;
        float[] x = new float[batch * 4 * v], y = new float[batch * 3 * v], mask = new float[batch * 4];
        java.util.Arrays.fill(mask, 1f);
        java.util.SplittableRandom r = new java.util.SplittableRandom(1);
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble();
        for (int i = 0; i < y.length; i++) y[i] = r.nextDouble() < 0.1 ? 1 : 0;
        double[] t = new double[5];
        try (UNet3d model = new UNet3d(uc, Init.seeded(1));
             Optimizer opt = new Optimizer(new Optimizer.Settings(Optimizer.Kind.ADAM, 3e-3, 0, 0.9, 0.999, 1e-8, 0),
                     List.copyOf(model.parameters()))) {
            model.setTraining(true);
            for (int s = 0; s < steps; s++) {
                if (s == 3) java.util.Arrays.fill(t, 0);   // first steps are warm-up
                try (var scope = TensorScope.open("step")) {
                    long t0 = System.nanoTime();
                    Tensor xt = Tensor.of(x, batch, 4, size, size, size).to(Device.CPU);
                    Tensor mt = Tensor.of(mask, batch, 4);
                    Tensor yt = Tensor.of(y, batch, 3, size, size, size);
                    long t1 = System.nanoTime();
                    Tensor logits = model.forward(xt, mt).logits();
                    long t2 = System.nanoTime();
                    Tensor loss = SegLoss.diceBce(logits, yt);
                    loss.item();
                    long t3 = System.nanoTime();
                    loss.backward();
                    long t4 = System.nanoTime();
                    opt.step();
                    opt.zeroGrad();
                    long t5 = System.nanoTime();
                    t[0] += t1 - t0;
                    t[1] += t2 - t1;
                    t[2] += t3 - t2;
                    t[3] += t4 - t3;
                    t[4] += t5 - t4;
                }
            }
        }
        int n = steps - 3;
        System.out.printf(Locale.ROOT, "U-Net %d^3 x %d, %d threads, ms per step over %d steps: upload %.1f forward %.1f loss %.1f backward %.1f adam %.1f total %.1f%n",
                size, batch, Engine.threads(), n, t[0] / n / 1e6, t[1] / n / 1e6, t[2] / n / 1e6, t[3] / n / 1e6, t[4] / n / 1e6,
                (t[0] + t[1] + t[2] + t[3] + t[4]) / n / 1e6);
    }
}
