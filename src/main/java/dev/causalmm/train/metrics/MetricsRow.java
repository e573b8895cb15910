package dev.causalmm.train.metrics;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.OptionalInt;
import java.util.SequencedMap;

/**
 * One logged point: the global optimizer step, the epoch (classification only; segmentation trains
 * on a step budget), named scalars in column order (NaN = not measured, e.g. no validation set) and
 * the Unix time in seconds at which it was measured.
 */
public record MetricsRow(long step, OptionalInt epoch, SequencedMap<String, Double> values, double wallTime) {
    public MetricsRow {
        if (step < 0) throw new IllegalArgumentException("step must be >= 0, got " + step);
        values = Collections.unmodifiableSequencedMap(new LinkedHashMap<>(values));
    }

    /** The current wall-clock time as TensorBoard records it: Unix seconds. */
    public static double now() {
        return System.currentTimeMillis() / 1000.0;
    }
}
