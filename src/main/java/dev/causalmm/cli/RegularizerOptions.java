package dev.causalmm.cli;

import dev.causalmm.causal.OGMGEConfig;
import dev.causalmm.causal.PMRConfig;
import dev.causalmm.causal.RegularizerSpec;
import dev.causalmm.causal.Regularizers;
import dev.causalmm.causal.UMTConfig;
import dev.causalmm.cli.RecordOptions.Naming;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** {@code --regularizer} and the options of each regulariser ({@code --c3r.*} … {@code --umt.*}): a {@link RegularizerSpec}. */
@Command(modelTransformer = RegularizerOptions.RecordSettings.class)
final class RegularizerOptions {
    /** The regularisers whose config records map one to one onto options ({@link RecordOptions}), at their defaults. */
    private static final Map<String, Record> RECORD_SETTINGS = Map.of("ogm-ge", OGMGEConfig.defaults(), "pmr", PMRConfig.defaults(),
            "umt", UMTConfig.defaults());

    @Option(names = "--regularizer", defaultValue = "none") String name;
    @Mixin C3ROptions c3r;
    @Mixin IMMLOptions imml;
    @Mixin CmIROptions cmir;

    /** Adds the {@link #RECORD_SETTINGS} options. */
    static final class RecordSettings implements IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec spec) {
            RECORD_SETTINGS.forEach((regularizer, defaults) -> RecordOptions.add(spec, Naming.group(regularizer), defaults));
            return spec;
        }
    }

    /** The regulariser; refuses another regulariser's options (each group's prefix is {@code --NAME.}). */
    RegularizerSpec spec(CommandSpec command) {
        for (String n : Regularizers.NAMES) CliChecks.onlyWith(command, "--" + n + ".", name.equals(n), "--regularizer " + n, "--regularizer " + name);
        return RegularizerSpec.parse(name, new Regularizers.Settings(c3r.config(), imml.config(), cmir.config(),
                RecordOptions.read(command, Naming.group("ogm-ge"), OGMGEConfig.defaults()),
                RecordOptions.read(command, Naming.group("pmr"), PMRConfig.defaults()), RecordOptions.read(command, Naming.group("umt"), UMTConfig.defaults())));
    }
}
