package dev.causalmm.cli;

import picocli.CommandLine.Option;

/** {@code --overwrite} of every command that writes: take over an output folder another run or command owns. */
final class OverwriteOption {
    @Option(names = "--overwrite") boolean overwrite;
}
