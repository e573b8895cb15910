package dev.causalmm.train;

import java.util.Locale;

/**
 * The training loss became NaN or infinite: the run diverged, and every later step would only
 * spread the NaN through the weights. The {@link Trainer} stops at the end of that epoch, before
 * writing its checkpoint, so {@code last.ckpt} keeps the last finite epoch and no result is saved.
 *
 * @param epoch 0-based epoch of the first non-finite loss
 * @param step  0-based step within that epoch
 */
public final class NonFiniteLossException extends IllegalStateException {
    private final int epoch;
    private final int step;

    public NonFiniteLossException(int epoch, int step, int steps, double epochLoss, double lr, long seed) {
        this(String.format(Locale.ROOT, "training diverged: the loss became %s at epoch %d, step %d of %d (seed %d, learning rate %s);"
                        + " the run was stopped and nothing of that epoch was saved. Try a lower --lr or check the settings",
                Double.isNaN(epochLoss) ? "NaN" : "non-finite", epoch + 1, step + 1, steps, seed, fmt(lr)), epoch, step, null);
    }

    private NonFiniteLossException(String message, int epoch, int step, Throwable cause) {
        super(message, cause);
        this.epoch = epoch;
        this.step = step;
    }

    /** The same failure with the run it happened in ({@code "late-fusion+c3r seed 2"}) in front of the message. */
    public NonFiniteLossException in(String run) {
        return new NonFiniteLossException(run + ": " + getMessage(), epoch, step, this);
    }

    private static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e6 ? String.valueOf((long) v) : String.valueOf(v);
    }

    public int epoch() {
        return epoch;
    }

    public int step() {
        return step;
    }
}
