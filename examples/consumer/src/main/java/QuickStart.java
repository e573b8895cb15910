import dev.causalmm.baselines.LateFusion;
import dev.causalmm.data.MMLSynConfig;
import dev.causalmm.data.MMLSynData;
import dev.causalmm.engine.Device;
import dev.causalmm.eval.Evaluator;
import dev.causalmm.nn.EncoderConfig;
import dev.causalmm.train.LoggingListener;
import dev.causalmm.train.ProgressBar;
import dev.causalmm.train.TrainConfig;
import dev.causalmm.train.TrainResult;
import dev.causalmm.train.Trainer;

public class QuickStart {
    public static void main(String[] args) {
        // two modalities whose spurious factor is strong in training (s=0.7) and weak at test (s=0.1)
        var data = MMLSynData.generate(MMLSynConfig.defaults(0).withSpurious(0.7, 0.1));
        long seed = 42; // initial weights, batch order and dropout: the same seed gives the same numbers in every run
        try (var model = new LateFusion(new int[] {20, 20}, 2, EncoderConfig.c3rPaper(), false, seed)) {
            var trainer = new Trainer(TrainConfig.defaults(5, seed))
                    .addListener(new ProgressBar("late-fusion"))
                    .addListener(new LoggingListener("late-fusion"));
            TrainResult result = trainer.fit(model, data.train().dataset(), data.val().dataset());
            double test = Evaluator.evaluate(model, data.test().dataset(), 512, Device.CPU).accuracy();
            System.out.printf("best epoch %d, test accuracy %.3f%n", result.bestEpoch() + 1, test);
        }
    }
}
