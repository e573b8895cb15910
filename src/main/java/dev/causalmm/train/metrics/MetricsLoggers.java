package dev.causalmm.train.metrics;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which metric files a training run writes ({@code --logger csv,tensorboard}): {@code metrics.csv},
 * TensorBoard event files, both, or none. {@code hparams.yaml} comes with any of them.
 */
public record MetricsLoggers(Set<Kind> kinds) {
    /** The default as an option value (a constant, so CLI help can show it). */
    public static final String DEFAULT_OPTION = "csv";
    /** csv alone: readable by anything, no TensorBoard needed. */
    public static final MetricsLoggers DEFAULT = parse("default", DEFAULT_OPTION);
    public static final MetricsLoggers NONE = new MetricsLoggers(Set.of());

    public enum Kind {
        CSV, TENSORBOARD;

        String optionName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public MetricsLoggers {
        kinds = Set.copyOf(kinds);
    }

    public boolean has(Kind k) {
        return kinds.contains(k);
    }

    public boolean isEmpty() {
        return kinds.isEmpty();
    }

    /**
     * Parses a comma-separated list of {@code csv}, {@code tensorboard}, or {@code none} alone.
     *
     * @param option the option's name for error messages, e.g. {@code --logger}
     */
    public static MetricsLoggers parse(String option, String text) {
        String known = " (csv, tensorboard, or none)";
        Set<Kind> kinds = EnumSet.noneOf(Kind.class);
        boolean none = false;
        for (String part : text.split(",", -1)) {
            String p = part.strip().toLowerCase(Locale.ROOT);
            if (p.equals("none")) {
                none = true;
                continue;
            }
            Kind k = switch (p) {
                case "csv" -> Kind.CSV;
                case "tensorboard" -> Kind.TENSORBOARD;
                default -> throw new IllegalArgumentException(option + ": unknown logger '" + part.strip() + "'" + known);
            };
            kinds.add(k);
        }
        if (none && !kinds.isEmpty()) throw new IllegalArgumentException(option + ": 'none' cannot be combined with other loggers, got '" + text + "'");
        return new MetricsLoggers(kinds);
    }

    @Override
    public String toString() {
        return kinds.isEmpty() ? "none"
                : EnumSet.copyOf(kinds).stream().map(Kind::optionName).collect(Collectors.joining(","));
    }
}
