package dev.causalmm.cli;

import dev.causalmm.experiment.Failure;
import dev.causalmm.io.UserInputException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.ParameterException;

/**
 * Prints a failure as the user should see it: what the user can fix (exit 2, one line) apart from a
 * bug in causalmm (exit 1, a one-line summary, the stack trace with {@code --debug}). The library's
 * {@link Failure} tells them apart; picocli's {@link ParameterException} and every option→settings
 * step the commands run through {@link #userInput} are user input too.
 */
final class Failures {
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
        return ex instanceof ParameterException ? Failure.USER_INPUT.exitCode : Failure.of(ex).exitCode;
    }

    /** Prints {@code ex} as the user should see it (a bug with its stack trace when {@code debug}) and returns the exit status. */
    static int report(Throwable ex, PrintWriter err, boolean debug) {
        int code = exitCode(ex);
        boolean bug = code == Failure.INTERNAL.exitCode;
        err.println("causalmm: " + (bug ? Failure.internalError(ex, debug) : Failure.message(ex)));
        if (bug && debug) ex.printStackTrace(err);
        err.flush();
        return code;
    }
}
