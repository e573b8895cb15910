package dev.causalmm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.causalmm.causal.RegularizerSpec;
import dev.causalmm.causal.Regularizers;
import dev.causalmm.data.DataSource;
import dev.causalmm.data.DataSplits;
import dev.causalmm.dist.DataParallel;
import dev.causalmm.engine.Device;
import dev.causalmm.engine.Engine;
import dev.causalmm.experiment.ExperimentRunner;
import dev.causalmm.experiment.ExperimentSpec;
import dev.causalmm.experiment.Report;
import dev.causalmm.experiment.Results;
import dev.causalmm.experiment.RunResult;
import dev.causalmm.io.AtomicFiles;
import dev.causalmm.io.Json;
import dev.causalmm.train.GradientSync;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code causalmm train}: trains one model (optionally with a regulariser) over one or more seeds. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a model and write OUT/results.json and OUT/checkpoints/<model>-seed<N>/{last,best,model}.ckpt"
                + " (with metrics.csv and hparams.yaml, written as training goes)."
                + " Re-running with the same --out resumes an interrupted run from last.ckpt.")
final class TrainCommand implements Callable<Integer> {
    @Mixin CommonOptions common;
    @Mixin DataOptions data;
    @Mixin C3ROptions c3r;
    @Mixin IMMLOptions imml;
    @Mixin CmIROptions cmir;
    @Mixin FeatureFileCliOptions featureFile;
    @Mixin FolderOptions folder;
    @Mixin LoggerOption logger;
    @Mixin RecipeOptions recipe;
    @Mixin EvaluationOptions evaluation;
    @Mixin DistOptions dist;
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec commandSpec;

    /** Listed for --help only: Main splices the file's options into the arguments before parsing (ConfigFileArgs). */
    @Option(names = ConfigFileArgs.OPTION, paramLabel = "FILE.yaml",
            description = "Options from a YAML file: keys are long option names without the dashes (epochs: 5, seed: [1, 2],"
                    + " c3r: {eta: 0.2}); options given on the command line win.")
    java.nio.file.Path config;

    @Option(names = "--model", defaultValue = "late-fusion",
            description = "Model: late-fusion, concat, concatbow, tmc, qmf, mmbt (spec sizes), mmbt-small. Default: ${DEFAULT-VALUE}.")
    String model;

    @Option(names = "--seed", split = ",", defaultValue = "1",
            description = "Training seed(s), comma-separated for several runs (default: ${DEFAULT-VALUE}).")
    List<Long> seeds;

    @Option(names = "--regularizer", defaultValue = "none", description = "none, c3r, imml, cmir, or an imbalance baseline ogm-ge, pmr, umt (default: ${DEFAULT-VALUE}).")
    String regularizer;

    @Option(names = "--progress", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Show a progress bar when attached to a terminal.")
    boolean progress;

    @picocli.CommandLine.Mixin OverwriteOption overwrite;

    @Override
    public Integer call() throws Exception {
        long t0 = System.nanoTime();
        // everything is checked before any data is generated or any model trained
        java.nio.file.Path out = CliChecks.outFolder("--out", common.out);
        ExperimentSpec spec = Failures.userInput(this::spec);
        DataParallel dp = dist.dataParallel();
        ExperimentRunner.checkResultsOwnership(out, spec, overwrite.overwrite);
        if (dp.launches()) {
            // everything is checked once, here; the workers run this command again without --nproc
            return dp.launch(Main.class.getName(), commandSpec.root().commandLine().getParseResult().originalArgs(), System.out, System.err);
        }
        if (dp.root()) dev.causalmm.io.OutputFolder.check(out, ExperimentRunner.provenance(spec), overwrite.overwrite);
        CliChecks.create(out);
        if (dp.root()) AtomicFiles.deleteStaleTemporaries(out);
        DataSplits splits = spec.generateData(out.resolve("feature-cache"));
        // claimed once the data has opened: a data file that fails to read leaves no owner behind
        if (dp.root()) dev.causalmm.io.OutputFolder.claim(out, ExperimentRunner.provenance(spec), overwrite.overwrite);
        if (splits.featureFile() != null && dp.root()) System.out.println(splits.featureFile().describe());
        Engine.deterministic(true);
        GradientSync sync = dp.join(spec.device());
        List<RunResult> runs = ExperimentRunner.run(spec, splits, out, progress, sync, logger.loggers());
        if (!dp.root()) {
            System.out.println("rank " + sync.rank() + " of " + sync.worldSize() + " done (rank 0 writes the results)");
            return 0;
        }
        ObjectNode results = Results.train(spec, runs, splits, sync, common.batchSize, (System.nanoTime() - t0) / 1e9);
        AtomicFiles.writeString(out.resolve("results.json"), Json.MAPPER.writeValueAsString(results));
        System.out.print(Report.table(Report.rows(Map.of(spec.label(), runs))));
        results.at("/final/test/noise").properties().forEach(e -> System.out.printf(java.util.Locale.ROOT,
                "noise ε=%s: test %s avg %.4f, worst %.4f (%d evaluations)%n", e.getKey(), e.getValue().path("metric").asText("accuracy"), e.getValue().get("avg").asDouble(),
                e.getValue().get("worst").asDouble(), e.getValue().get("evaluations").asInt()));
        JsonNode reg = results.at("/final/test/regression");
        if (reg.isObject()) System.out.printf(java.util.Locale.ROOT, "test MAE %.4f, Pearson r %.4f (regression, mean over seeds)%n",
                reg.path("MAE").asDouble(), reg.path("Corr").asDouble(Double.NaN));
        System.out.println("wrote " + out.resolve("results.json"));
        return 0;
    }

    /** The options as an experiment; fails on any that do not fit together. */
    ExperimentSpec spec() {
        String dataset = common.dataset("mmlsyn");
        CliChecks.onlyWith(commandSpec, "--c3r.", regularizer.equals("c3r"), "--regularizer c3r", "--regularizer " + regularizer);
        CliChecks.onlyWith(commandSpec, "--imml.", regularizer.equals("imml"), "--regularizer imml", "--regularizer " + regularizer);
        CliChecks.onlyWith(commandSpec, "--cmir.", regularizer.equals("cmir"), "--regularizer cmir", "--regularizer " + regularizer);
        CliChecks.onlyWith(commandSpec, "--modalities", dataset.equals("mmlsyn"), "--dataset mmlsyn", "--dataset " + dataset);
        boolean manifest = DataSource.isImageTextManifest(dataset, folder.imageField);
        boolean file = !manifest && DataSource.namesFile(dataset);
        DataOptions.checkApplies(commandSpec, dataset, manifest, file);
        var evaluation = this.evaluation.evaluation(commandSpec);
        logger.loggers();
        RegularizerSpec reg = RegularizerSpec.parse(regularizer, new Regularizers.Settings(c3r.config(), imml.config(), cmir.config()));
        reg.create(0).close(); // fails fast on an unavailable regulariser
        DataParallel dp = dist.dataParallel();
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
