package dev.causalmm.cli;

import picocli.CommandLine.Option;

/** {@code --overwrite} of every command that writes: take over an output folder another run or command owns. */
final class OverwriteOption {
    @Option(names = "--overwrite", description = "Write into --out even when it holds the outputs of another run, model or command"
            + " (they are removed first); without it such a folder is refused before any work.")
    boolean overwrite;
}
