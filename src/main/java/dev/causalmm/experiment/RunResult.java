package dev.causalmm.experiment;

import dev.causalmm.data.MMLSynData;
import dev.causalmm.eval.C3Score;
import dev.causalmm.eval.EvalResult;
import dev.causalmm.eval.PatternAccuracy;
import dev.causalmm.train.CollapseCheck;
import dev.causalmm.train.TrainResult;
import dev.causalmm.train.TrainingLength;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One seed of an experiment: its training history, its final evaluations and its checkpoint.
 *
 * @param c3Val  hard-indicator C3 risk of the deployed predictor on the validation split (null without one)
 * @param c3rTwinTest C3R's own twin view of the C3 risk on the test split (null without C3R): a training diagnostic
 * @param dcor   distance correlation of the test representation with each factor (null unless asked)
 * @param noise  per noise level ε, the test accuracy under each evaluation seed (empty unless asked)
 * @param testPatterns test accuracy per missing-view pattern (empty when every sample has every view)
 * @param length the epochs and batch the run trained with, as given or chosen by {@link dev.causalmm.train.TrainingLength} (null: not recorded)
 */
public record RunResult(long seed, TrainResult training, EvalResult val, EvalResult test, C3Score c3Val, C3Score c3Test, C3Score c3rTwinTest,
                        Map<MMLSynData.Factor, Double> dcor, Map<Double, double[]> noise, Path checkpoint,
                        Map<String, PatternAccuracy.Group> testPatterns, TrainingLength.Resolved length) {
    public RunResult(long seed, TrainResult training, EvalResult val, EvalResult test, C3Score c3Val, C3Score c3Test, C3Score c3rTwinTest,
                     Map<MMLSynData.Factor, Double> dcor, Map<Double, double[]> noise, Path checkpoint,
                     Map<String, PatternAccuracy.Group> testPatterns) {
        this(seed, training, val, test, c3Val, c3Test, c3rTwinTest, dcor, noise, checkpoint, testPatterns, null);
    }

    /** Warnings about the run (a training collapse, {@link CollapseCheck}); empty when none. */
    public List<String> warnings() {
        return CollapseCheck.of(training.history()).stream().toList();
    }

    public RunResult(long seed, TrainResult training, EvalResult val, EvalResult test, C3Score c3Val, C3Score c3Test, C3Score c3rTwinTest,
                     Map<MMLSynData.Factor, Double> dcor, Map<Double, double[]> noise, Path checkpoint) {
        this(seed, training, val, test, c3Val, c3Test, c3rTwinTest, dcor, noise, checkpoint, Map.of());
    }
}
