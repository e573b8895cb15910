package dev.causalmm.cli;

import dev.causalmm.io.AtomicFiles;
import dev.causalmm.train.NonFiniteLossException;
import java.io.IOException;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code causalmm}: the command-line entry point. Exit status 0: done; 1: an unexpected failure
 * (a bug: the stack trace is printed); 2: bad input (options, files, configs), reported in one line
 * before any work starts; 3: training diverged (a NaN or infinite loss); 4: a data-parallel peer died,
 * hung or never arrived.
 */
@Command(name = "causalmm", mixinStandardHelpOptions = true, version = "causalmm 0.1.0 (LibTorch 2.10.0, JavaCPP 1.5.13)",
        description = "Causal multimodal representation learning on LibTorch.",
        subcommands = {DemoCommand.class, TrainCommand.class, EvalCommand.class, ExportCommand.class, ExperimentCommand.class,
                SegTrainCommand.class, SegEvalCommand.class, SegPredictCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    /** Exit status of a training run whose loss became NaN or infinite. */
    public static final int EXIT_DIVERGED = 3;
    /** Exit status of a data-parallel worker whose peers died, hung or never arrived (a c10d collective failed). */
    public static final int EXIT_PEER_FAILED = 4;

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setParameterExceptionHandler((ex, badArgs) -> {
            // one line and a hint, not the full usage that would push the error off the screen
            CommandLine cmd = ex.getCommandLine();
            var err = cmd.getErr();
            err.println("causalmm: " + ex.getMessage());
            if (ex instanceof CommandLine.UnmatchedArgumentException u) CommandLine.UnmatchedArgumentException.printSuggestions(u, err);
            err.println("see '" + cmd.getCommandSpec().qualifiedName() + " --help'");
            err.flush();
            return cmd.getCommandSpec().exitCodeOnInvalidInput();
        });
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            String message = message(ex);
            if (message == null) throw ex;
            cmd.getErr().println("causalmm: " + message);
            cmd.getErr().flush();
            return switch (ex) {
                case NonFiniteLossException e -> EXIT_DIVERGED;
                case dev.causalmm.engine.ProcessGroup.CollectiveException e -> EXIT_PEER_FAILED;
                default -> 2;
            };
        });
        return cl.execute(args);
    }

    /** The one-line message for an expected failure, or null for a bug (which keeps its stack trace). */
    static String message(Exception ex) {
        return switch (ex) {
            case NonFiniteLossException e -> e.getMessage();
            case dev.causalmm.engine.ProcessGroup.CollectiveException e -> e.getMessage();
            case IllegalArgumentException e -> e.getMessage();
            case dev.causalmm.data.DataLoadException e -> e.getMessage();
            case IOException e -> AtomicFiles.describe(e);
            case UncheckedIOException e -> e.getMessage() != null && !e.getMessage().equals(String.valueOf(e.getCause()))
                    ? e.getMessage() : AtomicFiles.describe(e.getCause());
            default -> null;
        };
    }

    public static void main(String[] args) {
        // train and experiment resume where they stopped: say so when Ctrl-C (or a kill) stops them
        java.util.concurrent.atomic.AtomicBoolean finished = new java.util.concurrent.atomic.AtomicBoolean();
        Thread notice = interruptNotice(args, finished::get, System.err);
        if (notice != null) Runtime.getRuntime().addShutdownHook(notice);
        int code = execute(args);
        finished.set(true);
        System.exit(code);
    }

    /**
     * For the commands that resume ({@code train}, {@code experiment}): a shutdown hook that, when
     * the JVM stops before the command finished (Ctrl-C, kill), tells the user how to go on.
     * Null for the other commands.
     */
    static Thread interruptNotice(String[] args, java.util.function.BooleanSupplier finished, java.io.PrintStream err) {
        boolean resumable = args.length > 0 && (args[0].equals("train") || args[0].equals("experiment"));
        if (!resumable) return null;
        return new Thread(() -> {
            if (!finished.getAsBoolean()) {
                err.println();
                err.println("causalmm: interrupted — rerun the same command to resume from the last finished epoch");
                err.flush();
            }
        }, "causalmm-interrupt-notice");
    }
}
