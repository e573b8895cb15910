package dev.causalmm.cli;

import dev.causalmm.cli.RecordOptions.Naming;
import dev.causalmm.seg.CasesManifest;
import dev.causalmm.seg.LckdConfig;
import dev.causalmm.seg.SegDataOptions;
import dev.causalmm.seg.SegPipeline;
import dev.causalmm.seg.SegRecipe;
import dev.causalmm.seg.SegTrainer;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code causalmm seg-train}: trains a 3-D U-Net on a folder of BraTS-style cases. Defaults: {@link SegRecipe#defaults()}. */
@Command(name = "seg-train", mixinStandardHelpOptions = true, modelTransformer = SegTrainCommand.RecipeOptions.class)
final class SegTrainCommand implements Callable<Integer> {
    /** The recipe's options ({@link RecordOptions}): {@code --steps} … {@code --device}, three of them under shorter names. */
    static final Naming RECIPE = new Naming("--", Map.of("batchSize", "--batch-size=<batch>", "learningRate", "--lr=<lr>",
            "timeLimitSeconds", "--time-limit=<timeLimit>"), Set.of("logEvery"), Map.of());
    /** LCKD's settings {@code --lckd.*}, used with {@code --lckd}. */
    static final Naming LCKD = Naming.group("lckd");

    @Spec CommandSpec spec;
    @Option(names = "--data") Path data;
    @Option(names = "--cases", paramLabel = "FILE") Path cases;
    @Option(names = "--out", required = true) Path out;
    @Mixin SegDataCliOptions dataOptions;
    @Mixin LoggerOption logger;
    @Option(names = "--resume") boolean resume;
    @Option(names = "--regularizer") String regularizer = "none";
    @Option(names = "--lckd") boolean lckd;
    @Mixin OverwriteOption overwrite;

    /** Adds the {@link #RECIPE} options. */
    static final class RecipeOptions implements IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec command) {
            RecordOptions.add(command, RECIPE, SegRecipe.defaults());
            RecordOptions.add(command, LCKD, LckdConfig.defaults());
            return command;
        }
    }

    @Override
    public Integer call() throws Exception {
        CliChecks.onlyWith(spec, "--lckd.", lckd, "--lckd (with --fusion shared)", "no --lckd");
        SegRecipe recipe = Failures.userInput(() -> RecordOptions.read(spec, RECIPE, SegRecipe.defaults()).withRegularizer(regularizer)
                .withLckd(lckd ? RecordOptions.read(spec, LCKD, LckdConfig.defaults()) : null));
        SegTrainer.Result r;
        if (dataOptions.useCases(data, cases)) {
            r = SegPipeline.train(CasesManifest.read(cases), Optional.ofNullable(dataOptions.cache), recipe, out, resume, logger.loggers(),
                    overwrite.overwrite);
        } else {
            r = SegPipeline.train(data, dataOptions.apply(SegDataOptions.defaults()), recipe, out, resume, logger.loggers(), overwrite.overwrite);
        }
        System.out.println(r.summary(out));
        return 0;
    }
}
