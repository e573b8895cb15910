package dev.causalmm.dist;

import dev.causalmm.baselines.LateFusion;
import dev.causalmm.causal.C3R;
import dev.causalmm.causal.C3RConfig;
import dev.causalmm.data.MMLSynConfig;
import dev.causalmm.data.MMLSynData;
import dev.causalmm.engine.Engine;
import dev.causalmm.engine.Tensor;
import dev.causalmm.engine.TensorScope;
import dev.causalmm.experiment.ExperimentRunner;
import dev.causalmm.nn.EncoderConfig;
import dev.causalmm.train.Checkpoint;
import dev.causalmm.train.GradientSync;
import dev.causalmm.train.TrainConfig;
import dev.causalmm.train.Trainer;
import dev.causalmm.train.TrainingListener;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;

/**
 * One rank of the tests' data-parallel run (or, without RANK/WORLD_SIZE, the single-process
 * reference): late fusion + C3R on a tiny MMLSynData sample (201 rows: the last global batch splits
 * unevenly), one intra-op thread. After every step
 * it checks, through the group, that every parameter is bit-identical on all ranks (element-wise
 * min = max over the ranks); rank 0 writes the final weights as a checkpoint. Ranks other than 0
 * shift their initial weights first, so the identity also proves the start-up broadcast.
 *
 * <p>Usage: {@code DistWorker OUT.ckpt EPOCHS BATCH_PER_RANK TIMEOUT_S [CHECKPOINT_DIR]}.
 */
public final class DistWorker {
    static final long SEED = 7;

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        int epochs = Integer.parseInt(args[1]);
        int batch = Integer.parseInt(args[2]);
        Duration timeout = Duration.ofSeconds(Long.parseLong(args[3]));
        Path ckDir = args.length > 4 ? Path.of(args[4]) : null;
        Engine.setThreads(1);
        var env = DistEnv.from(System.getenv());
        GradientSync sync = env.isPresent() ? Distributed.join(env.get(), dev.causalmm.engine.Device.CPU, timeout) : GradientSync.LOCAL;
        int[] steps = new int[1];
        train(sync, epochs, batch, ckDir, out, steps);
        System.out.println("rank " + sync.rank() + " finished after " + steps[0] + " identical steps");
        System.exit(0);
    }

    static MMLSynData.Splits data() {
        return MMLSynData.generate(MMLSynConfig.defaults(0).withSizes(201, 40, 40).withSpurious(0.7, 0.1));
    }

    /** Trains; with several ranks, checks after every step that all ranks hold the same parameters. */
    static void train(GradientSync sync, int epochs, int batch, Path ckDir, Path out, int[] identicalSteps) throws Exception {
        var data = data();
        try (var model = new LateFusion(new int[] {20, 20}, 2, EncoderConfig.c3rPaper(), false, SEED);
             var c3r = new C3R(C3RConfig.defaults())) {
            TrainConfig cfg = TrainConfig.defaults(epochs, SEED).withBatchSize(batch);
            if (ckDir != null) cfg = cfg.withCheckpoints(ckDir, true);
            Trainer trainer = new Trainer(cfg).gradientSync(sync);
            if (sync.worldSize() > 1) {
                trainer.addListener(new TrainingListener() {
                    @Override
                    public void onBatchEnd(int epoch, int step, int stepsPerEpoch, long seen, DoubleSupplier loss) {
                        requireIdentical(sync, ExperimentRunner.allParameters(model, c3r), epoch, step);
                        if (identicalSteps[0]++ == 0) System.out.println("rank " + sync.rank() + " started training");
                    }
                });
            }
            if (sync.rank() > 0) {
                // other ranks start from other weights: the trainer's broadcast from rank 0 must undo this
                try (var sc = TensorScope.open("perturb"); var ng = dev.causalmm.engine.NoGrad.enter()) {
                    for (Tensor p : model.namedParameters().values()) p.detach().add_(Tensor.full(0.01, p.dtype(), p.device(), p.shape()));
                }
            }
            trainer.fit(model, c3r, data.train().dataset(), data.val().dataset());
            if (sync.rank() == 0) Checkpoint.capture(ExperimentRunner.allParameters(model, c3r), null, dev.causalmm.io.Json.object()).write(out);
        }
    }

    static void requireIdentical(GradientSync sync, Map<String, Tensor> params, int epoch, int step) {
        try (var s = TensorScope.open("check")) {
            List<Tensor> flat = new ArrayList<>();
            for (Tensor p : params.values()) flat.add(p.detach().reshape(-1));
            Tensor all = Tensor.cat(flat, 0);
            Tensor min = all.clone_();
            Tensor negMax = all.neg();
            sync.minAcrossRanks(min);
            sync.minAcrossRanks(negMax);
            float[] a = all.toFloatArray(), lo = min.toFloatArray(), hi = negMax.toFloatArray();
            for (int i = 0; i < a.length; i++) {
                if (Float.floatToIntBits(lo[i]) != Float.floatToIntBits(-hi[i]) || Float.floatToIntBits(a[i]) != Float.floatToIntBits(lo[i])) {
                    System.err.println("rank " + sync.rank() + ": parameters differ across ranks after epoch " + epoch + " step " + step
                            + " at value " + i + ": min " + lo[i] + " max " + (-hi[i]));
                    System.exit(5);
                }
            }
        }
    }
}
