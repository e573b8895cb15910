package dev.causalmm.experiment;

import dev.causalmm.eval.EvalResult;
import dev.causalmm.train.TrainResult;
import java.nio.file.Path;

/** One seed of an experiment: its training history, its final evaluations and its checkpoint. */
public record RunResult(long seed, TrainResult training, EvalResult val, EvalResult test, Path checkpoint) {}
