package dev.causalmm.cli;

import dev.causalmm.causal.RegularizerSpec;
import dev.causalmm.causal.Regularizers;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** {@code --regularizer} and the options of each regulariser ({@code --c3r.*} … {@code --umt.*}): a {@link RegularizerSpec}. */
final class RegularizerOptions {
    @Option(names = "--regularizer", defaultValue = "none") String name;
    @Mixin C3ROptions c3r;
    @Mixin IMMLOptions imml;
    @Mixin CmIROptions cmir;
    @Mixin OgmGeOptions ogmge;
    @Mixin PMROptions pmr;
    @Mixin UMTOptions umt;

    /** The regulariser; refuses another regulariser's options (each group's prefix is {@code --NAME.}). */
    RegularizerSpec spec(CommandSpec command) {
        for (String n : Regularizers.NAMES) CliChecks.onlyWith(command, "--" + n + ".", name.equals(n), "--regularizer " + n, "--regularizer " + name);
        return RegularizerSpec.parse(name, new Regularizers.Settings(c3r.config(), imml.config(), cmir.config(), ogmge.config(), pmr.config(),
                umt.config()));
    }
}
