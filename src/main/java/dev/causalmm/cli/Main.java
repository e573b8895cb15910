package dev.causalmm.cli;

import dev.causalmm.engine.EnvironmentReport;
import dev.causalmm.io.UserInputException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code causalmm}: the command-line entry point. Exit status 0: done; 1: an internal error (a bug:
 * a one-line summary, the stack trace with {@code --debug}); 2: bad input (options, files, configs),
 * reported in one line; 3: training diverged (a NaN or infinite loss); 4: a data-parallel peer died,
 * hung or never arrived. {@link Failures} tells them apart.
 */
@Command(name = "causalmm", mixinStandardHelpOptions = true, versionProvider = Main.BuildVersion.class,
        description = "Causal multimodal representation learning on LibTorch.",
        subcommands = {DemoCommand.class, TrainCommand.class, EvalCommand.class, ExportCommand.class, ExperimentCommand.class,
                SegTrainCommand.class, SegEvalCommand.class, SegPredictCommand.class, EnvCommand.class,
                picocli.AutoComplete.GenerateCompletion.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    /** Exit status of a training run whose loss became NaN or infinite. */
    public static final int EXIT_DIVERGED = 3;
    /** Exit status of a data-parallel worker whose peers died, hung or never arrived (a c10d collective failed). */
    public static final int EXIT_PEER_FAILED = 4;

    private int quiet;
    private int verbose;

    @Option(names = "--debug", scope = ScopeType.INHERIT,
            description = "On an internal error, print the stack trace (for a bug report).")
    boolean debug;

    @Option(names = {"-q", "--quiet"}, scope = ScopeType.INHERIT,
            description = "Warnings and errors only, and no progress bar.")
    void quiet(boolean[] flags) {
        quiet = flags.length;
    }

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
            description = "More log output: -v logs every causalmm component at info, -vv at debug.")
    void verbose(boolean[] flags) {
        verbose = flags.length;
    }

    /** {@code --version}: the version Maven wrote into the jar, and the LibTorch and presets versions of the class path. */
    static final class BuildVersion implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {EnvironmentReport.versionLine()};
        }
    }

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
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> Failures.report(ex, cmd.getErr(), cl.<Main>getCommand().debug));
        Main main = cl.getCommand();
        cl.setExecutionStrategy(parsed -> {
            // before any command code: slf4j-simple reads its levels once, when the first logger is created
            Verbosity level;
            try {
                level = Verbosity.of(main.quiet, main.verbose);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(parsed.subcommands().isEmpty() ? cl : parsed.asCommandLineList().getLast(), e.getMessage());
            }
            Map<String, String> previous = level.apply();
            try {
                return new CommandLine.RunLast().execute(parsed);
            } finally {
                Verbosity.restore(previous); // for callers that run several commands in one JVM (tests)
            }
        });
        try {
            return cl.execute(expandConfig(cl, args));
        } catch (OutOfMemoryError e) {
            return Failures.report(e, cl.getErr(), main.debug); // picocli hands Errors on; an OOM is not an interruption
        } catch (IllegalArgumentException | IOException e) {
            // the --config file: user input
            return Failures.report(e instanceof IllegalArgumentException iae ? UserInputException.of(iae) : e, cl.getErr(), false);
        }
    }

    /** {@code train --config FILE.yaml}: the file's options spliced into the arguments (see {@link ConfigFileArgs}). */
    static String[] expandConfig(CommandLine cl, String[] args) throws IOException {
        for (int i = 0; i < args.length; i++) {
            CommandLine sub = cl.getSubcommands().get(args[i]);
            if (sub == null) continue;
            if (!(sub.getCommand() instanceof TrainCommand)) return args;
            List<String> out = new ArrayList<>(Arrays.asList(args).subList(0, i + 1));
            out.addAll(ConfigFileArgs.expand(sub.getCommandSpec(), Arrays.asList(args).subList(i + 1, args.length)));
            return out.toArray(String[]::new);
        }
        return args;
    }

    public static void main(String[] args) {
        // train and experiment resume where they stopped: say so when Ctrl-C (or a kill) stops them
        java.util.concurrent.atomic.AtomicBoolean finished = new java.util.concurrent.atomic.AtomicBoolean();
        Thread notice = interruptNotice(args, finished::get, System.err);
        if (notice != null) Runtime.getRuntime().addShutdownHook(notice);
        int code;
        try {
            code = execute(args);
        } finally {
            finished.set(true); // whatever ended the command, it was not Ctrl-C or a kill
        }
        System.exit(code);
    }

    /**
     * For the commands that resume ({@code train}, {@code experiment}): a shutdown hook that, when
     * the JVM stops before the command finished (Ctrl-C, kill), tells the user how to go on.
     * Null for the other commands.
     */
    static Thread interruptNotice(String[] args, java.util.function.BooleanSupplier finished, java.io.PrintStream err) {
        String command = java.util.Arrays.stream(args).filter(a -> !a.startsWith("-")).findFirst().orElse(""); // after -q/-v
        boolean resumable = command.equals("train") || command.equals("experiment");
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
