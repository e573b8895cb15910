package dev.causalmm.cli;

import dev.causalmm.data.DataLoadException;
import dev.causalmm.engine.ProcessGroup;
import dev.causalmm.io.AtomicFiles;
import dev.causalmm.io.UserInputException;
import dev.causalmm.train.NonFiniteLossException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * Tells what the user can fix (exit 2, one line) from a bug in causalmm (exit 1, a one-line summary,
 * the stack trace with {@code --debug}). User input: {@link UserInputException}, unreadable or
 * malformed files ({@link IOException}, {@link DataLoadException}), and an
 * {@link IllegalArgumentException} raised while options become settings, by a check of a setting
 * or a resumed checkpoint ({@code check*}, {@code require*}, {@code parse*}, a config record), or
 * outside the packages that run models. Any other {@code IllegalArgumentException} from inside a
 * model run (engine, nn, baselines, causal, train, eval), such as a shape mismatch, is a bug.
 */
final class Failures {
    static final int EXIT_INTERNAL = 1;
    static final int EXIT_USER = 2;
    static final String REPORT_AT = "https://github.com/causalmm/causalmm/issues";
    private static final Set<String> MODEL_RUN = Set.of("engine", "nn", "baselines", "causal", "train", "eval");

    private Failures() {}

    /** Runs {@code step}, which turns options into settings: whatever it refuses is the user's input. */
    static <T> T userInput(Callable<T> step) throws Exception {
        try {
            return step.call();
        } catch (IllegalArgumentException e) {
            throw UserInputException.of(e);
        }
    }

    /** The exit status for {@code ex}. */
    static int exitCode(Throwable ex) {
        return switch (ex) {
            case NonFiniteLossException e -> Main.EXIT_DIVERGED;
            case ProcessGroup.CollectiveException e -> Main.EXIT_PEER_FAILED;
            default -> isUserInput(ex) ? EXIT_USER : EXIT_INTERNAL;
        };
    }

    static boolean isUserInput(Throwable ex) {
        return switch (ex) {
            case UserInputException e -> true;
            case IOException e -> true;
            case UncheckedIOException e -> true;
            case DataLoadException e -> true;
            case OutOfMemoryError e -> true;
            case IllegalArgumentException e -> !thrownInModelRun(e);
            default -> false;
        };
    }

    /**
     * Whether the throwing frame is model code, rather than the parsing or checking of a setting: a
     * {@code parse*}, {@code check*} or {@code require*} method, or a *Config/*Settings/*Options/*Spec record.
     */
    static boolean thrownInModelRun(Throwable e) {
        StackTraceElement[] st = e.getStackTrace();
        if (st.length == 0) return false;
        String cls = st[0].getClassName();
        if (!cls.startsWith("dev.causalmm.")) return false;
        String pkg = cls.substring("dev.causalmm.".length()).split("\\.")[0];
        String simple = cls.substring(cls.lastIndexOf('.') + 1);
        String method = st[0].getMethodName();
        boolean parsing = method.startsWith("parse") || method.startsWith("check") || method.startsWith("require")
                || simple.matches(".*(Config|Settings|Options|Spec)(\\$.*)?");
        return MODEL_RUN.contains(pkg) && !parsing;
    }

    /** The one line for an expected failure. */
    static String message(Throwable ex) {
        return switch (ex) {
            case IOException e -> AtomicFiles.describe(e);
            case OutOfMemoryError e -> "out of memory (" + e.getMessage() + "): the data, --batch-size or the model needs more than the "
                    + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB Java heap; lower them or raise -Xmx";
            case UncheckedIOException e -> e.getMessage() != null && !e.getMessage().equals(String.valueOf(e.getCause()))
                    ? e.getMessage() : AtomicFiles.describe(e.getCause());
            default -> ex.getMessage();
        };
    }

    /** Prints {@code ex} as the user should see it and returns the exit status. */
    static int report(Throwable ex, PrintWriter err, boolean debug) {
        int code = exitCode(ex);
        if (code != EXIT_INTERNAL) {
            err.println("causalmm: " + message(ex));
        } else {
            StackTraceElement at = ex.getStackTrace().length > 0 ? ex.getStackTrace()[0] : null;
            err.println("causalmm: internal error: " + ex.getClass().getSimpleName() + ": " + ex.getMessage()
                    + (at == null ? "" : " (at " + at + ")") + (debug ? "" : "; rerun with --debug for the stack trace")
                    + "; this is a bug in causalmm, please report it at " + REPORT_AT);
            if (debug) ex.printStackTrace(err);
        }
        err.flush();
        return code;
    }
}
