package dev.causalmm.example;

import dev.causalmm.baselines.LateFusion;
import dev.causalmm.causal.C3R;
import dev.causalmm.causal.C3RConfig;
import dev.causalmm.data.Batch;
import dev.causalmm.data.DataLoader;
import dev.causalmm.data.MMLSynConfig;
import dev.causalmm.data.MMLSynData;
import dev.causalmm.engine.Device;
import dev.causalmm.engine.NoGrad;
import dev.causalmm.engine.Tensor;
import dev.causalmm.engine.TensorScope;
import dev.causalmm.eval.EvalResult;
import dev.causalmm.eval.Evaluator;
import dev.causalmm.nn.EncoderConfig;
import dev.causalmm.train.EpochMetrics;
import dev.causalmm.train.TrainConfig;
import dev.causalmm.train.TrainResult;
import dev.causalmm.train.Trainer;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32;

/**
 * A small Java program as a user would write it: late fusion built with seed S, C3R, two epochs of
 * training with trainer seed S. It prints, at full precision (hexadecimal floating point), the
 * parameter checksums before and after training, every epoch's metrics, the test loss and
 * accuracy and the logits of the first test batch. {@code ReproducibilityTest} runs it in two
 * processes and compares the outputs. Usage: {@code SeededRun SEED}.
 */
public final class SeededRun {
    public static void main(String[] args) {
        long seed = Long.parseLong(args[0]);
        var data = MMLSynData.generate(MMLSynConfig.defaults(0).withSizes(1024, 256, 256).withSpurious(0.7, 0.1));
        try (var model = new LateFusion(new int[] {20, 20}, 2, EncoderConfig.c3rPaper(), false, seed);
             var c3r = new C3R(C3RConfig.defaults())) {
            System.out.println("init model " + checksum(model.namedParameters()));
            TrainResult r = new Trainer(TrainConfig.defaults(2, seed).withBatchSize(64))
                    .fit(model, c3r, data.train().dataset(), data.val().dataset());
            System.out.println("trained model " + checksum(model.namedParameters()));
            System.out.println("trained c3r " + checksum(c3r.namedParameters()));
            for (EpochMetrics m : r.history()) {
                System.out.println("epoch " + m.epoch() + " train loss " + Double.toHexString(m.trainLoss()) + " accuracy "
                        + Double.toHexString(m.trainAccuracy()) + " val loss " + Double.toHexString(m.valLoss()) + " accuracy "
                        + Double.toHexString(m.valAccuracy()) + " terms " + hex(m.terms()));
            }
            EvalResult test = Evaluator.evaluate(model, data.test().dataset(), 128, Device.CPU);
            System.out.println("test loss " + Double.toHexString(test.loss()) + " accuracy " + test.accuracy()
                    + " predictions " + Arrays.hashCode(test.predictions()));
            model.setTraining(false);
            var loader = new DataLoader(data.test().dataset(), DataLoader.Options.sequential(8));
            try (var s = TensorScope.open("logits"); var ng = NoGrad.enter(); var epoch = loader.epoch(0); Batch b = epoch.next()) {
                float[] logits = model.forward(b.inputs(), b.maskOrNull()).logits().toFloatArray();
                StringBuilder line = new StringBuilder("logits");
                for (float f : logits) line.append(' ').append(Float.toHexString(f));
                System.out.println(line);
            }
        }
    }

    /** CRC-32 of every parameter's raw float bits, in name order, and the sum of all values. */
    static String checksum(Map<String, Tensor> params) {
        CRC32 crc = new CRC32();
        double sum = 0;
        long count = 0;
        for (var e : params.entrySet()) {
            crc.update(e.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            for (float f : e.getValue().toFloatArray()) {
                int bits = Float.floatToRawIntBits(f);
                crc.update(new byte[] {(byte) bits, (byte) (bits >> 8), (byte) (bits >> 16), (byte) (bits >> 24)});
                sum += f;
                count++;
            }
        }
        return params.size() + " tensors, " + count + " values, crc " + Long.toHexString(crc.getValue()) + ", sum " + Double.toHexString(sum);
    }

    private static String hex(Map<String, Double> terms) {
        Map<String, String> h = new TreeMap<>(); // Map.copyOf's order differs between processes
        terms.forEach((k, v) -> h.put(k, Double.toHexString(v)));
        return h.toString();
    }
}
