package dev.causalmm.experiment;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/**
 * For the runs that resume where they stopped (training, experiment grids): when the JVM stops
 * before the run finished (Ctrl-C, kill), a shutdown hook tells the user how to go on.
 */
public final class InterruptNotice {
    private InterruptNotice() {}

    /** Whether the command line runs a command that resumes where it stopped: {@code train} and {@code experiment}. */
    public static boolean appliesTo(String[] args) {
        String command = Arrays.stream(args).filter(a -> !a.startsWith("-")).findFirst().orElse(""); // after -q/-v
        return command.equals("train") || command.equals("experiment");
    }

    /** Runs {@code run} and returns its result, with the notice on {@code err} should the JVM stop before it ends. */
    public static int around(IntSupplier run, PrintStream err) {
        AtomicBoolean finished = new AtomicBoolean();
        Runtime.getRuntime().addShutdownHook(hook(finished::get, err));
        try {
            return run.getAsInt();
        } finally {
            finished.set(true); // whatever ended the run, it was not Ctrl-C or a kill
        }
    }

    /** The shutdown hook: prints the notice unless {@code finished}. */
    public static Thread hook(BooleanSupplier finished, PrintStream err) {
        return new Thread(() -> {
            if (!finished.getAsBoolean()) {
                err.println();
                err.println("causalmm: interrupted — rerun the same command to resume from the last finished epoch");
                err.flush();
            }
        }, "causalmm-interrupt-notice");
    }
}
