package dev.causalmm.train;

import dev.causalmm.io.UserInputException;

/**
 * The default training length and batch size, chosen from the training-set size so that every
 * dataset gets enough optimizer steps: a fixed 10 epochs at batch 256 gives a 280-row set (ORL)
 * 20 steps, after which TMC's annealing and late fusion's heads are nowhere near trained.
 *
 * <p>The rule ({@link #DEFAULT}): batch {@code = clamp(ceil(n_train / 32), 16, 256)} (about 32
 * steps per epoch; small batches train the many-class sets better per step: TMC on 100Leaves
 * reaches 0.90 at batch 32 and 0.68 at batch 138 in the same 1,000 steps), then epochs
 * {@code = clamp(ceil(2000 / stepsPerEpoch), 10, 100)}: at least 10 epochs and 2000 optimizer
 * steps (TMC on 100Leaves is still climbing at 1,000: 0.883), but at most 100 epochs, so sets
 * of at most 304 rows (ORL, 3-Sources) take fewer steps and stay within a minute on 2 cores. A
 * 1,100-row set trains 63 epochs of 32 steps at batch 35; from 50,945 rows on, the old 10 epochs
 * at batch 256 (then at least 2,000 steps) are kept. The chosen batch does not depend on the
 * number of data-parallel ranks, so a run resumed with another {@code --nproc} keeps its batch. An explicit epoch count or batch size always wins; a
 * value of 0 means "choose by this rule".
 *
 * @param minSteps       optimizer steps every default run takes at least
 * @param minEpochs      epochs every default run takes at least
 * @param maxEpochs      epochs a default run takes at most (a 16-row set would otherwise need 2000 epochs)
 * @param stepsPerEpoch  the batch is the training set over this many steps, when that lies in [minBatch, maxBatch]
 * @param minBatch       smallest default batch
 * @param maxBatch       largest default batch
 */
public record TrainingLength(long minSteps, int minEpochs, int maxEpochs, int stepsPerEpoch, int minBatch, int maxBatch) {
    /** The documented default rule (docs/methods.md, "Training length"). */
    public static final TrainingLength DEFAULT = new TrainingLength(2000, 10, 100, 32, 16, 256);

    public TrainingLength {
        if (minSteps < 1 || minEpochs < 1 || maxEpochs < minEpochs || stepsPerEpoch < 1 || minBatch < 1 || maxBatch < minBatch) {
            throw new IllegalArgumentException("training-length rule needs positive steps/epochs/batches with min <= max, got " + this);
        }
    }

    /**
     * The run's epochs and batch for {@code trainRows} training rows.
     *
     * @param epochs an explicit epoch count, or 0 to choose by the rule
     * @param batch  an explicit (global) batch size, or 0 to choose by the rule
     */
    public Resolved resolve(int trainRows, int epochs, int batch) {
        return resolve(trainRows, epochs, batch, 1);
    }

    /**
     * As {@link #resolve(int, int, int)} for {@code world} data-parallel ranks; the chosen global batch
     * is the same for every world size (the caller refuses one that does not split evenly).
     */
    public Resolved resolve(int trainRows, int epochs, int batch, int world) {
        if (trainRows < 1) throw new UserInputException("the training split is empty: nothing to train on");
        if (epochs < 0 || batch < 0) throw new UserInputException("epochs and batch size must be >= 0 (0 = default rule), got " + epochs + ", " + batch);
        int b = batch > 0 ? batch : batchFor(trainRows); // never by world: a resume under another --nproc keeps the batch
        long perEpoch = (trainRows + (long) b - 1) / b;
        int e = epochs > 0 ? epochs : epochsFor(perEpoch);
        return new Resolved(e, b, e * perEpoch, epochs == 0, batch == 0);
    }

    /** The default batch: the training set over {@code stepsPerEpoch} steps, clamped to [minBatch, maxBatch] and to the set. */
    public int batchFor(int trainRows) {
        int b = (int) Math.min(maxBatch, Math.max(minBatch, (trainRows + (long) stepsPerEpoch - 1) / stepsPerEpoch));
        return Math.min(b, trainRows);
    }

    private int epochsFor(long stepsPerEpochOfLoader) {
        long e = (minSteps + stepsPerEpochOfLoader - 1) / stepsPerEpochOfLoader;
        return (int) Math.min(maxEpochs, Math.max(minEpochs, e));
    }

    /**
     * A resolved length.
     *
     * @param steps       optimizer steps the run takes (epochs × batches per epoch, single process)
     * @param epochsChosen whether the epochs came from the rule (not the user)
     * @param batchChosen  whether the batch came from the rule
     */
    public record Resolved(int epochs, int batchSize, long steps, boolean epochsChosen, boolean batchChosen) {}
}
