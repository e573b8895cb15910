package dev.causalmm.experiment;

import dev.causalmm.data.DataLoadException;
import dev.causalmm.engine.ProcessGroup;
import dev.causalmm.io.AtomicFiles;
import dev.causalmm.io.UserInputException;
import dev.causalmm.train.NonFiniteLossException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Set;

/**
 * What kind of failure ended a run, for any caller that reports it (the command line's exit status
 * is {@link #exitCode}). User input, explicitly: {@link UserInputException} (the output-folder,
 * config-file, experiment-grid, checkpoint-evaluation and segmentation-recipe checks), unreadable
 * or malformed files ({@link IOException}, {@link DataLoadException}) and running out of heap. As a
 * fallback for the refusals not yet converted (the data readers' {@link IllegalArgumentException}s
 * among them), such an exception counts as user input when a check of a setting raised it
 * ({@code check*}, {@code require*}, {@code parse*}, a config record) or it came from outside the
 * packages that run models; any other one from inside a model run (engine, nn, baselines, causal,
 * train, eval), such as a shape mismatch, is a bug.
 */
public enum Failure {
    /** A bug in causalmm: worth a stack trace and a report. */
    INTERNAL(1),
    /** Something the user can fix (an option, a file, a config): one line says what. */
    USER_INPUT(2),
    /** The training loss became NaN or infinite. */
    DIVERGED(3),
    /** A data-parallel peer died, hung or never arrived (a c10d collective failed). */
    PEER_FAILED(4);

    private static final Set<String> MODEL_RUN = Set.of("engine", "nn", "baselines", "causal", "train", "eval");

    /** The exit status a process that ends this way returns. */
    public final int exitCode;

    Failure(int exitCode) {
        this.exitCode = exitCode;
    }

    /** The kind of {@code ex}. */
    public static Failure of(Throwable ex) {
        return switch (ex) {
            case NonFiniteLossException e -> DIVERGED;
            case ProcessGroup.CollectiveException e -> PEER_FAILED;
            case UserInputException e -> USER_INPUT;
            case IOException e -> USER_INPUT;
            case UncheckedIOException e -> USER_INPUT;
            case DataLoadException e -> USER_INPUT;
            case OutOfMemoryError e -> USER_INPUT;
            case IllegalArgumentException e -> thrownInModelRun(e) ? INTERNAL : USER_INPUT;
            default -> INTERNAL;
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

    /** Where a bug in causalmm is reported. */
    public static final String REPORT_AT = "https://github.com/causalmm/causalmm/issues";

    /**
     * The one line for an {@link #INTERNAL} failure, a bug: the exception, the frame that threw it and
     * where to report it; without {@code debug}, how to get the stack trace.
     */
    public static String internalError(Throwable ex, boolean debug) {
        StackTraceElement at = ex.getStackTrace().length > 0 ? ex.getStackTrace()[0] : null;
        return "internal error: " + ex.getClass().getSimpleName() + ": " + ex.getMessage() + (at == null ? "" : " (at " + at + ")")
                + (debug ? "" : "; rerun with --debug for the stack trace") + "; this is a bug in causalmm, please report it at " + REPORT_AT;
    }

    /** The one line that tells the user what went wrong, for a failure that is not {@link #INTERNAL}. */
    public static String message(Throwable ex) {
        return switch (ex) {
            case IOException e -> AtomicFiles.describe(e);
            case OutOfMemoryError e -> "out of memory (" + e.getMessage() + "): the data, --batch-size or the model needs more than the "
                    + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB Java heap; lower them or raise -Xmx";
            case UncheckedIOException e -> e.getMessage() != null && !e.getMessage().equals(String.valueOf(e.getCause()))
                    ? e.getMessage() : AtomicFiles.describe(e.getCause());
            default -> ex.getMessage();
        };
    }
}
