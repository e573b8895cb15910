package dev.causalmm.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.causalmm.io.Json;

/**
 * The running state of an {@link LrSchedule}; saved in checkpoints so resume continues exactly.
 * Its unit is the epoch for the {@link Trainer} and the step for a step-by-step loop (segmentation).
 */
final class LrScheduler {
    private final LrSchedule schedule;
    private final double base;
    private final int epochs;
    private double current;
    private double best = Double.NEGATIVE_INFINITY;
    private int bad;

    /** @param epochs the run's length in the schedule's unit (epochs or steps) */
    public LrScheduler(LrSchedule schedule, double base, int epochs) {
        this.schedule = schedule;
        this.base = base;
        this.epochs = epochs;
        this.current = base;
    }

    /** The rate to use during {@code epoch} (0-based). */
    public double rateFor(int epoch) {
        return switch (schedule) {
            case LrSchedule.Constant c -> base;
            case LrSchedule.Cosine c -> {
                if (epoch < c.warmupEpochs()) yield base * (epoch + 1) / (c.warmupEpochs() + 1);
                int span = Math.max(1, epochs - c.warmupEpochs());
                double p = (double) (epoch - c.warmupEpochs()) / span;
                yield c.minLr() + (base - c.minLr()) * 0.5 * (1 + Math.cos(Math.PI * p));
            }
            case LrSchedule.Linear l -> base * (1 - (1 - l.endFactor()) * epoch / (double) epochs);
            case LrSchedule.Plateau p -> current;
        };
    }

    /** Reports the end-of-epoch validation metric (higher is better; NaN when there is none). */
    void observe(double metric) {
        if (!(schedule instanceof LrSchedule.Plateau p) || Double.isNaN(metric)) return;
        if (metric > best) {
            best = metric;
            bad = 0;
        } else if (++bad > p.patience()) {
            current = Math.max(p.minLr(), current * p.factor());
            bad = 0;
        }
    }

    ObjectNode state() {
        ObjectNode n = Json.object();
        n.put("current", current);
        Json.putNumber(n, "best", best);
        n.put("bad", bad);
        return n;
    }

    void restore(JsonNode n) {
        current = n.get("current").asDouble();
        best = n.get("best").isNull() ? Double.NEGATIVE_INFINITY : n.get("best").asDouble();
        bad = n.get("bad").asInt();
    }
}
