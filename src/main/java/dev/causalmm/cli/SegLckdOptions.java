package dev.causalmm.cli;

import dev.causalmm.io.UserInputException;
import dev.causalmm.seg.LckdConfig;
import dev.causalmm.seg.SegRecipe;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** seg-train's {@code --lckd} and {@code --lckd.*}: LCKD's teacher election and distillation (defaults: {@link LckdConfig#defaults()}). */
final class SegLckdOptions {
    private static final LckdConfig D = LckdConfig.defaults();
    private static final List<String> SETTINGS = List.of("--lckd.weight", "--lckd.elect-every", "--lckd.election-patches");

    @Spec(Spec.Target.MIXEE) CommandSpec spec;
    @Option(names = "--lckd") boolean lckd;
    @Option(names = "--lckd.weight") double weight = D.weight();
    @Option(names = "--lckd.elect-every") int electEvery = D.electEvery();
    @Option(names = "--lckd.election-patches") int electionPatches = D.electionPatches();

    /** {@code recipe} with LCKD when {@code --lckd} is given; a {@code --lckd.*} setting without it is refused, not ignored. */
    SegRecipe apply(SegRecipe recipe) {
        if (!lckd) {
            for (String o : SETTINGS) {
                if (spec != null && spec.commandLine().getParseResult().hasMatchedOption(o)) {
                    throw new UserInputException(o + " is a setting of LCKD: give --lckd (with --fusion shared) to train with it");
                }
            }
            return recipe;
        }
        return recipe.withLckd(new LckdConfig(weight, electEvery, electionPatches));
    }
}
