package dev.causalmm.train;

import java.io.PrintStream;
import java.util.function.DoubleSupplier;

/**
 * A one-line progress bar on the terminal ({@code [=====>    ] 40/79 loss 0.4123 52k samples/s}).
 * It draws only when standard error is a terminal (or when forced), at most ten times a second.
 */
public final class ProgressBar implements TrainingListener {
    private final PrintStream out;
    private final boolean enabled;
    private final String label;
    private long lastDraw;
    private long epochStart;
    private int epochs;

    /** System property that turns every bar off, even on a terminal ({@code causalmm -q} sets it). */
    public static final String QUIET_PROPERTY = "causalmm.quiet";

    /** A bar on standard error, drawn when that is a terminal and {@link #QUIET_PROPERTY} is not true. */
    public ProgressBar(String label) {
        this(label, System.err, !Boolean.getBoolean(QUIET_PROPERTY) && System.console() != null && System.console().isTerminal());
    }

    public ProgressBar(String label, PrintStream out, boolean enabled) {
        this.label = label;
        this.out = out;
        this.enabled = enabled;
    }

    @Override
    public void onEpochStart(int epoch, int epochs) {
        this.epochs = epochs;
        epochStart = System.nanoTime();
        lastDraw = 0;
    }

    @Override
    public void onBatchEnd(int epoch, int step, int steps, long samplesSeen, DoubleSupplier runningLoss) {
        if (!enabled) return;
        long now = System.nanoTime();
        if (step + 1 < steps && now - lastDraw < 100_000_000L) return;
        lastDraw = now;
        out.print("\r" + render(epoch, step + 1, steps, samplesSeen, runningLoss.getAsDouble(), (now - epochStart) / 1e9));
        if (step + 1 == steps) out.print("\r\033[K");
        out.flush();
    }

    /** The bar's text for the given state (kept separate so it can be tested). */
    String render(int epoch, int done, int steps, long samples, double loss, double seconds) {
        int width = 24;
        int filled = (int) Math.round((double) done / steps * width);
        StringBuilder b = new StringBuilder();
        b.append(label).append(" epoch ").append(epoch + 1).append('/').append(epochs).append(" [");
        for (int i = 0; i < width; i++) b.append(i < filled ? '=' : (i == filled ? '>' : ' '));
        b.append("] ").append(done).append('/').append(steps);
        b.append(String.format(" loss %.4f", loss));
        if (seconds > 0) b.append(String.format(" %.0f samples/s", samples / seconds));
        return b.toString();
    }
}
