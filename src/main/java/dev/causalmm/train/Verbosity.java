package dev.causalmm.train;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * How much the library logs: the command line's global {@code -q} / {@code -v} / {@code -vv} switches. They work by setting slf4j-simple's
 * system properties, which it reads once, when the first logger is created: so {@link #apply} must
 * run before any other causalmm code (the command line does it right after parsing). The launcher's
 * {@code CAUSALMM_LOG_LEVEL} / {@code CAUSALMM_TRAIN_LOG_LEVEL} set the same properties on the
 * java command line; a -q or -v given to the command wins over them.
 */
public enum Verbosity {
    /** Warnings and errors only, and no progress bar. */
    QUIET,
    /** The launcher's defaults: warnings, plus the training log (epoch lines) at info. */
    NORMAL,
    /** Every causalmm logger at info. */
    VERBOSE,
    /** Every causalmm logger at debug. */
    DEBUG;

    private static final String LOG_PREFIX = "org.slf4j.simpleLogger.";

    /** From the counts of -q and -v on the command line; both at once is an error. */
    public static Verbosity of(int quiet, int verbose) {
        if (quiet > 0 && verbose > 0) throw new IllegalArgumentException("-q/--quiet and -v/--verbose exclude each other: give one");
        if (quiet > 0) return QUIET;
        return switch (verbose) {
            case 0 -> NORMAL;
            case 1 -> VERBOSE;
            default -> DEBUG;
        };
    }

    /** The system properties this level sets (none for NORMAL: the launcher's or the user's own settings stay). */
    public Map<String, String> properties() {
        Map<String, String> p = new LinkedHashMap<>();
        String level = switch (this) {
            case QUIET -> "warn";
            case NORMAL -> null;
            case VERBOSE -> "info";
            case DEBUG -> "debug";
        };
        if (level == null) return p;
        if (this == QUIET) p.put(LOG_PREFIX + "defaultLogLevel", "warn");
        // the class loggers (dev.causalmm.engine.Engine, ...) and the named ones (causalmm.train, causalmm.dist);
        // causalmm.train is named too because the launcher sets it, and a more specific key wins in slf4j-simple
        for (String logger : new String[] {"dev.causalmm", "causalmm", "causalmm.train"}) p.put(LOG_PREFIX + "log." + logger, level);
        if (this == QUIET) p.put(ProgressBar.QUIET_PROPERTY, "true");
        return p;
    }

    /** Sets {@link #properties} and returns the previous values (null: was unset), so a caller in a test can restore them. */
    public Map<String, String> apply() {
        Map<String, String> previous = new LinkedHashMap<>();
        properties().forEach((k, v) -> {
            previous.put(k, System.getProperty(k));
            System.setProperty(k, v);
        });
        return previous;
    }

    /** Runs {@code work} at this level and restores the previous one after it, for callers that run several commands in one JVM (tests). */
    public <T> T during(Supplier<T> work) {
        Map<String, String> previous = apply();
        try {
            return work.get();
        } finally {
            restore(previous);
        }
    }

    public static void restore(Map<String, String> previous) {
        previous.forEach((k, v) -> {
            if (v == null) System.clearProperty(k);
            else System.setProperty(k, v);
        });
    }
}
