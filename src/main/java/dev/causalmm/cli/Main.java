package dev.causalmm.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code causalmm}: the command-line entry point. */
@Command(name = "causalmm", mixinStandardHelpOptions = true, version = "causalmm 0.1.0 (LibTorch 2.10.0, JavaCPP 1.5.13)",
        description = "Causal multimodal representation learning on LibTorch.",
        subcommands = {DemoCommand.class, TrainCommand.class, EvalCommand.class, ExperimentCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (ex instanceof IllegalArgumentException || ex instanceof dev.causalmm.data.DataLoadException || ex instanceof java.io.IOException || ex instanceof java.io.UncheckedIOException) {
                cmd.getErr().println("causalmm: " + ex.getMessage());
                return 2;
            }
            throw ex;
        });
        return cl.execute(args);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }
}
