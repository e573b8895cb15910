package dev.causalmm.cli;

import dev.causalmm.engine.EnvironmentReport;
import dev.causalmm.experiment.Failure;
import dev.causalmm.experiment.InterruptNotice;
import dev.causalmm.io.UserInputException;
import dev.causalmm.train.Verbosity;
import java.io.IOException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code causalmm}: the command-line entry point. Exit status 0: done; 1: an internal error (a bug:
 * a one-line summary, the stack trace with {@code --debug}); 2: bad input (options, files, configs),
 * reported in one line; 3: training diverged (a NaN or infinite loss); 4: a data-parallel peer died,
 * hung or never arrived. {@link Failure} tells them apart; {@link Failures} prints them.
 */
@Command(name = "causalmm", mixinStandardHelpOptions = true, versionProvider = Main.BuildVersion.class, resourceBundle = "dev.causalmm.cli.Help",
        subcommands = {DemoCommand.class, TrainCommand.class, EvalCommand.class, ExportCommand.class, ExperimentCommand.class,
                SegTrainCommand.class, SegEvalCommand.class, SegPredictCommand.class, EnvCommand.class,
                picocli.AutoComplete.GenerateCompletion.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    private int quiet;
    private int verbose;

    @Option(names = "--debug", scope = ScopeType.INHERIT) boolean debug;

    @Option(names = {"-q", "--quiet"}, scope = ScopeType.INHERIT)
    void quiet(boolean[] flags) {
        quiet = flags.length;
    }

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT)
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
            return level.during(() -> new CommandLine.RunLast().execute(parsed));
        });
        try {
            return cl.execute(ConfigFileArgs.expand(cl, args));
        } catch (OutOfMemoryError e) {
            return Failures.report(e, cl.getErr(), main.debug); // picocli hands Errors on; an OOM is not an interruption
        } catch (IllegalArgumentException | IOException e) {
            // the --config file: user input
            return Failures.report(e instanceof IllegalArgumentException iae ? UserInputException.of(iae) : e, cl.getErr(), false);
        }
    }

    public static void main(String[] args) {
        // train and experiment resume where they stopped: say so when Ctrl-C (or a kill) stops them
        System.exit(InterruptNotice.appliesTo(args) ? InterruptNotice.around(() -> execute(args), System.err) : execute(args));
    }
}
