package dev.causalmm.cli;

import dev.causalmm.causal.RegularizerSpec;
import dev.causalmm.data.DataSource;
import dev.causalmm.dist.DataParallel;
import dev.causalmm.engine.Device;
import dev.causalmm.experiment.ExperimentRunner;
import dev.causalmm.experiment.ExperimentSpec;
import dev.causalmm.experiment.Report;
import dev.causalmm.experiment.TrainingRun;
import dev.causalmm.io.OutputFolder;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code causalmm train}: trains one model (optionally with a regulariser) over one or more seeds. */
@Command(name = "train", mixinStandardHelpOptions = true)
final class TrainCommand implements Callable<Integer> {
    @Mixin CommonOptions common;
    @Mixin DataOptions data;
    @Mixin RegularizerOptions regularizer;
    @Mixin FeatureFileCliOptions featureFile;
    @Mixin FolderOptions folder;
    @Mixin LoggerOption logger;
    @Mixin RecipeOptions recipe;
    @Mixin EvaluationOptions evaluation;
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec commandSpec;

    /** Listed for --help only: Main splices the file's options into the arguments before parsing (ConfigFileArgs). */
    @Option(names = ConfigFileArgs.OPTION, paramLabel = "FILE.yaml") java.nio.file.Path config;
    @Option(names = "--model", defaultValue = "late-fusion") String model;
    @Option(names = "--seed", split = ",", defaultValue = "1") List<Long> seeds;
    @Option(names = "--progress", negatable = true, defaultValue = "true", fallbackValue = "true") boolean progress;
    @Mixin OverwriteOption overwrite;
    @Option(names = "--nproc", defaultValue = "1") int nproc;
    @Option(names = "--dist-timeout", defaultValue = "60") int distTimeout;

    /** --nproc and --dist-timeout against this process's environment (local workers or a launcher's rendezvous); set by {@link #spec}. */
    private DataParallel dp;

    @Override
    public Integer call() throws Exception {
        long t0 = System.nanoTime();
        // everything is checked before any data is generated or any model trained
        java.nio.file.Path out = OutputFolder.requireFolder("--out", common.out);
        ExperimentSpec spec = Failures.userInput(this::spec);
        ExperimentRunner.checkResultsOwnership(out, spec, overwrite.overwrite);
        if (dp.launches()) {
            // everything is checked once, here; the workers run this command again without --nproc
            return dp.launch(Main.class.getName(), commandSpec.root().commandLine().getParseResult().originalArgs(), System.out, System.err);
        }
        var run = new TrainingRun(spec, out, dp.root(), dp::join, overwrite.overwrite)
                .train(progress, logger.loggers(), common.batchSize, t0, System.out);
        if (run.results() == null) {
            System.out.println("rank " + run.sync().rank() + " of " + run.sync().worldSize() + " done (rank 0 writes the results)");
            return 0;
        }
        System.out.print(Report.trainSummary(spec.label(), run.runs(), run.results()));
        System.out.println("wrote " + out.resolve("results.json"));
        return 0;
    }

    /** The options as an experiment; fails on any that do not fit together. */
    ExperimentSpec spec() {
        String dataset = common.dataset("mmlsyn");
        RegularizerSpec reg = regularizer.spec(commandSpec);
        CliChecks.onlyWith(commandSpec, "--modalities", dataset.equals("mmlsyn"), "--dataset mmlsyn", "--dataset " + dataset);
        boolean manifest = DataSource.isImageTextManifest(dataset, folder.imageField);
        boolean file = !manifest && DataSource.namesFile(dataset);
        DataOptions.checkApplies(commandSpec, dataset, manifest, file);
        var evaluation = this.evaluation.evaluation(commandSpec);
        logger.loggers();
        reg.create(0).close(); // fails fast on an unavailable regulariser
        dp = DataParallel.of(nproc, distTimeout, System.getenv());
        DataSource source = DataSource.parse(dataset, new DataSource.Settings(data.mmlsyn(), data.imagetext(),
                file ? featureFile.options(data.dataSeed) : null,
                manifest ? folder.folder(featureFile.split, data.dataSeed, featureFile.skipBad) : null, data.dataSeed));
        // the recipe (and results.json's config) holds the global batch, --batch-size × world: a checkpoint
        // resumes under another world size when the global batch stays the same
        var recipe = this.recipe.recipe(Math.multiplyExact(common.batchSize, dp.worldSize()));
        return new ExperimentSpec(source, model, reg, recipe, seeds, dp.device(Device.parse(common.device)), evaluation, folder.encoders(),
                data.dataSeed);
    }
}
