package dev.causalmm.cli;

import dev.causalmm.causal.CmIRConfig;
import dev.causalmm.causal.IMMLConfig;
import dev.causalmm.causal.OGMGEConfig;
import dev.causalmm.causal.PMRConfig;
import dev.causalmm.causal.RegularizerSpec;
import dev.causalmm.causal.Regularizers;
import dev.causalmm.causal.UMTConfig;
import dev.causalmm.cli.RecordOptions.Naming;
import dev.causalmm.cli.RecordOptions.Text;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** {@code --regularizer} and the options of each regulariser ({@code --c3r.*} … {@code --umt.*}): a {@link RegularizerSpec}. */
@Command(modelTransformer = RegularizerOptions.RecordSettings.class)
final class RegularizerOptions {
    /** The regularisers whose config records map onto options ({@link RecordOptions}), at their defaults. */
    private static final Map<String, Record> RECORD_SETTINGS = Map.of("imml", IMMLConfig.defaults(), "cmir", CmIRConfig.defaults(),
            "ogm-ge", OGMGEConfig.defaults(), "pmr", PMRConfig.defaults(), "umt", UMTConfig.defaults());

    /** Those not named {@code --NAME.<component>} throughout: internals kept at their defaults, shorter names, words for values. */
    private static final Map<String, Naming> NAMINGS = Map.of(
            "imml", new Naming("--imml.", Map.of(), Set.of("betaA", "betaB", "projHidden", "projDim", "seed"),
                    Map.of("predominant", new Text(IMMLConfig::parsePredominant, p -> IMMLConfig.predominantName((Integer) p)))),
            "cmir", new Naming("--cmir.", Map.of("alpha1", "--cmir.alpha=<alpha>", "wordBlankPerLevel", "--cmir.word-blank=<wordBlank>",
                    "assigned", "--cmir.pairing=<pairing>", "includeCleanEnv", "--cmir.include-clean=<includeClean>"),
                    Set.of("weightOnSquares", "decoderHidden", "absoluteNoise", "seed"),
                    Map.of("assigned", new Text(CmIRConfig::parseAssigned, a -> (Boolean) a ? "assigned" : "paired"))));

    @Option(names = "--regularizer", defaultValue = "none") String name;
    @Mixin C3ROptions c3r;

    /** Adds the {@link #RECORD_SETTINGS} options. */
    static final class RecordSettings implements IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec spec) {
            RECORD_SETTINGS.forEach((regularizer, defaults) -> RecordOptions.add(spec, naming(regularizer), defaults));
            return spec;
        }
    }

    /** The regulariser; refuses another regulariser's options (each group's prefix is {@code --NAME.}). */
    RegularizerSpec spec(CommandSpec command) {
        for (String n : Regularizers.NAMES) CliChecks.onlyWith(command, "--" + n + ".", name.equals(n), "--regularizer " + n, "--regularizer " + name);
        return RegularizerSpec.parse(name, new Regularizers.Settings(c3r.config(), read(command, "imml"), read(command, "cmir"),
                read(command, "ogm-ge"), read(command, "pmr"), read(command, "umt")));
    }

    private static Naming naming(String regularizer) {
        return NAMINGS.getOrDefault(regularizer, Naming.group(regularizer));
    }

    @SuppressWarnings("unchecked")
    private static <R extends Record> R read(CommandSpec command, String regularizer) {
        return (R) RecordOptions.read(command, naming(regularizer), RECORD_SETTINGS.get(regularizer));
    }
}
