package dev.causalmm.bench;

import dev.causalmm.baselines.Baselines;
import dev.causalmm.causal.Regularizer;
import dev.causalmm.causal.Regularizers;
import dev.causalmm.data.MMLSynConfig;
import dev.causalmm.data.MMLSynData;
import dev.causalmm.engine.DType;
import dev.causalmm.engine.Device;
import dev.causalmm.engine.Engine;
import dev.causalmm.engine.Tensor;
import dev.causalmm.nn.EncoderConfig;
import dev.causalmm.nn.MultimodalModel;
import java.util.List;

/**
 * A paper-sized TrainStep in a plain loop, for profiling outside JMH (run with
 * {@code -XX:StartFlightRecording=filename=step.jfr} and read it with {@code jfr print}/{@code jfr view}).
 * Prints the mean step time of each of five blocks of steps, then where a step's time goes (forward
 * with the losses, backward, optimizer) over one more block.
 *
 * <pre>java -cp ... dev.causalmm.bench.StepProfile MODEL REGULARISER [STEPS [MODE]]</pre>
 * (MODE as TrainStepBenchmark's: eager, eager-libtorch)
 */
public final class StepProfile {
    private StepProfile() {}

    public static void main(String[] args) {
        String model = args.length > 0 ? args[0] : "late-fusion";
        String regName = args.length > 1 ? args[1] : "imml";
        int steps = args.length > 2 ? Integer.parseInt(args[2]) : 2000;
        TrainingStep.Mode mode = TrainingStep.Mode.parse(args.length > 3 ? args[3] : "eager");
        Engine.init();
        Engine.seed(0);
        Regularizer reg = Regularizers.create(regName);
        MultimodalModel net = reg.adapt(Baselines.create(model, new int[] {20, 20}, 2, EncoderConfig.c3rPaper(), 256, 0), 0);
        var sample = MMLSynData.generate(MMLSynConfig.defaults(0).withSizes(512, 64, 8));
        List<Tensor> inputs = List.of(Tensor.rand(DType.FLOAT32, Device.CPU, 256, 20).unscoped(),
                Tensor.rand(DType.FLOAT32, Device.CPU, 256, 20).unscoped());
        try (TrainingStep step = new TrainingStep(net, reg, sample.train().dataset(), sample.val().dataset(), inputs, Device.CPU, mode)) {
            for (int block = 0; block < 5; block++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < steps / 5; i++) step.run();
                System.out.printf("%s %s: %.1f us/step%n", model, regName, (System.nanoTime() - t0) / 1e3 / (steps / 5));
            }
            long[] nanos = new long[3];
            int n = steps / 5;
            for (int i = 0; i < n; i++) step.runPhased(nanos);
            System.out.printf("%s %s phases: forward+loss %.1f us, backward %.1f us, optimizer %.1f us%n", model, regName,
                    nanos[0] / 1e3 / n, nanos[1] / 1e3 / n, nanos[2] / 1e3 / n);
        }
    }
}
