package dev.causalmm.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.causalmm.causal.Regularizers;
import dev.causalmm.data.DataSplits;
import dev.causalmm.data.FeatureFileDatasets;
import dev.causalmm.engine.Device;
import dev.causalmm.engine.Precision;
import dev.causalmm.engine.Engine;
import dev.causalmm.engine.Optimizer;
import dev.causalmm.experiment.ExperimentRunner;
import dev.causalmm.experiment.ExperimentSpec;
import dev.causalmm.experiment.Report;
import dev.causalmm.experiment.Results;
import dev.causalmm.experiment.RunResult;
import dev.causalmm.io.AtomicFiles;
import dev.causalmm.io.Json;
import dev.causalmm.dist.DistEnv;
import dev.causalmm.dist.Distributed;
import dev.causalmm.dist.Launcher;
import dev.causalmm.train.GradientSync;
import dev.causalmm.train.LrSchedule;
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
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec commandSpec;

    /** Listed for --help only: Main splices the file's options into the arguments before parsing (ConfigFileArgs). */
    @Option(names = ConfigFileArgs.OPTION, paramLabel = "FILE.yaml",
            description = "Options from a YAML file: keys are long option names without the dashes (epochs: 5, seed: [1, 2],"
                    + " c3r: {eta: 0.2}); options given on the command line win.")
    java.nio.file.Path config;

    @Option(names = "--precision", defaultValue = "fp32", paramLabel = "fp32|tf32|bf16",
            description = "Math precision: fp32, tf32 (TF32 tensor cores for CUDA matmuls/convolutions) or bf16 (autocast around the"
                    + " forward pass, float32 master weights) (default: ${DEFAULT-VALUE}).")
    String precision;

    @Option(names = "--metrics", split = ",", defaultValue = "c3",
            description = "Extra metrics: c3 (hard C3 risks, always on), dcor (distance correlation of the representation"
                    + " with each MMLSynData factor). Default: ${DEFAULT-VALUE}.")
    java.util.Set<String> metrics;

    @Option(names = "--model", defaultValue = "late-fusion",
            description = "Model: late-fusion, concat, concatbow, tmc, qmf, mmbt (spec sizes), mmbt-small. Default: ${DEFAULT-VALUE}.")
    String model;

    @Option(names = "--epochs", defaultValue = "0",
            description = "Training epochs (default: chosen from the training-set size: 10 to 100 epochs, aiming at 2000 optimizer steps; see docs/methods.md).")
    int epochs;

    @Option(names = "--seed", split = ",", defaultValue = "1",
            description = "Training seed(s), comma-separated for several runs (default: ${DEFAULT-VALUE}).")
    List<Long> seeds;

    @Option(names = "--regularizer", defaultValue = "none", description = "none, c3r, imml, cmir, or an imbalance baseline ogm-ge, pmr, umt (default: ${DEFAULT-VALUE}).")
    String regularizer;

    @Option(names = "--optimizer", defaultValue = "adam", description = "adam, adamw, sgd (default: ${DEFAULT-VALUE}).")
    String optimizer;

    @Option(names = "--lr", defaultValue = "1e-3", description = "Learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--weight-decay", defaultValue = "1e-4", description = "Weight decay (default: ${DEFAULT-VALUE}).")
    double weightDecay;

    @Option(names = "--schedule", defaultValue = "constant", description = "constant, cosine, plateau (default: ${DEFAULT-VALUE}).")
    String schedule;

    @Option(names = "--early-stop", defaultValue = "0", description = "Early-stopping patience in epochs, 0 = off (default: ${DEFAULT-VALUE}).")
    int earlyStop;

    @Option(names = "--eval-noise", split = ",",
            description = "After training, evaluate the test set under the noise protocol at these levels ε (e.g. 0,5,10).")
    List<Double> evalNoise;

    @Option(names = "--eval-seeds", defaultValue = "0",
            description = "Evaluation seeds per training seed for --eval-noise (0: one, = the training seed; 5: QMF's 5×5 layout).")
    int evalSeeds;

    @Option(names = "--qmf-compat", description = "Noise protocol with the reference code's image quirks (one fixed noise field, uint8 wraparound).")
    boolean qmfCompat;

    @Option(names = "--nproc", defaultValue = "1",
            description = "Data-parallel worker processes to start on this machine (default: ${DEFAULT-VALUE}). --batch-size is per"
                    + " process: the global batch is batch × processes. Workers started by torchrun, srun or a Kubernetes job join"
                    + " through RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT instead (docs/distributed.md).")
    int nproc;

    @Option(names = "--dist-timeout", defaultValue = "60",
            description = "Seconds a data-parallel worker waits for the others (rendezvous and every collective) before it stops"
                    + " with an error (default: ${DEFAULT-VALUE}).")
    int distTimeout;

    @Option(names = "--progress", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Show a progress bar when attached to a terminal.")
    boolean progress;

    @Override
    public Integer call() throws Exception {
        long t0 = System.nanoTime();
        // everything is checked before any data is generated or any model trained
        java.nio.file.Path out = CliChecks.outFolder("--out", common.out);
        String dataset = common.dataset("mmlsyn");
        CliChecks.onlyWith(commandSpec, "--c3r.", regularizer.equals("c3r"), "--regularizer c3r", "--regularizer " + regularizer);
        CliChecks.onlyWith(commandSpec, "--imml.", regularizer.equals("imml"), "--regularizer imml", "--regularizer " + regularizer);
        CliChecks.onlyWith(commandSpec, "--cmir.", regularizer.equals("cmir"), "--regularizer cmir", "--regularizer " + regularizer);
        CliChecks.onlyWith(commandSpec, "--modalities", dataset.equals("mmlsyn"), "--dataset mmlsyn", "--dataset " + dataset);
        boolean manifest = dev.causalmm.data.ImageTextFolder.isManifest(dataset, folder.imageField);
        boolean file = !manifest && FeatureFileDatasets.isFileDataset(dataset);
        boolean generated = !manifest && !file;
        CliChecks.onlyWith(commandSpec, java.util.Set.of("--train-size", "--val-size", "--test-size", "--spurious-train", "--spurious-test"),
                generated, "--dataset mmlsyn|imagetext", "--dataset " + dataset);
        CliChecks.onlyWith(commandSpec, java.util.Set.of("--no-standardize", "--orientation", "--label-column"),
                file, "--dataset FEATURE-FILE", "--dataset " + dataset);
        CliChecks.onlyWith(commandSpec, java.util.Set.of("--split", "--skip-bad"), file || manifest,
                "--dataset FEATURE-FILE|MANIFEST", "--dataset " + dataset);
        CliChecks.onlyWith(commandSpec, java.util.Set.of("--text-field", "--image-field", "--label-field", "--split-field", "--val-manifest",
                "--test-manifest", "--image-size", "--resize", "--augment", "--text-length", "--tokenizer", "--min-count", "--max-vocab",
                "--lowercase"), manifest, "--dataset MANIFEST.jsonl|.csv", "--dataset " + dataset);
        boolean noise = evalNoise != null && !evalNoise.isEmpty();
        CliChecks.needs(commandSpec, "--eval-seeds", noise, "--eval-noise");
        if (qmfCompat && !noise) {
            throw new IllegalArgumentException("--qmf-compat changes the noise protocol: give --eval-noise too");
        }
        EvalCommand.checkMetrics(metrics);
        var loggers = logger.loggers();
        Regularizers.create(regularizer, new Regularizers.Settings(c3r.config(), imml.config(), cmir.config())).close();
        if (nproc < 1) throw new IllegalArgumentException("--nproc must be >= 1, got " + nproc);
        if (distTimeout < 1) throw new IllegalArgumentException("--dist-timeout must be >= 1 second, got " + distTimeout);
        java.util.Optional<DistEnv> distEnv = DistEnv.from(System.getenv());
        if (nproc > 1 && distEnv.isPresent()) {
            throw new IllegalArgumentException("--nproc " + nproc + " starts its own workers, but RANK/WORLD_SIZE are already set by a"
                    + " launcher: drop --nproc (the launcher decides the world size) or unset them");
        }
        Device device = Device.parse(common.device);
        if (distEnv.isPresent()) device = Distributed.deviceFor(distEnv.get(), device);
        // the spec (and results.json's config) holds the global batch, --batch-size × world: a checkpoint
        // resumes under another world size when the global batch stays the same
        int world = nproc > 1 ? nproc : distEnv.map(DistEnv::worldSize).orElse(1);
        // no --batch-size: 0, the batch is chosen from the training-set size (TrainingLength)
        int batch = commandSpec.commandLine().getParseResult().hasMatchedOption("--batch-size") ? common.batchSize : 0;
        ExperimentSpec spec = new ExperimentSpec(dataset, model, regularizer, epochs, Math.multiplyExact(batch, world),
                optimizerSettings(optimizer, lr, weightDecay), LrSchedule.parse(schedule), earlyStop, seeds, device,
                data.mmlsyn(), data.imagetext(), data.dataSeed, c3r.config(), imml.config(), cmir.config(), metrics.contains("dcor"),
                evalNoise, evalSeeds, qmfCompat,
                file ? featureFile.options(data.dataSeed) : null,
                manifest ? folder.folder(featureFile.split, data.dataSeed, featureFile.skipBad) : null, folder.encoders(),
                Precision.parse(precision));
        ExperimentRunner.checkResultsOwnership(out, spec);
        if (nproc > 1) {
            // everything is checked once, here; the workers run this command again without --nproc
            List<String> args = Launcher.withoutOption(commandSpec.root().commandLine().getParseResult().originalArgs(), "--nproc");
            return Launcher.run(nproc, Launcher.javaCommand(Main.class.getName(), args), System.out, System.err);
        }
        boolean root = distEnv.map(e -> e.rank() == 0).orElse(true);
        CliChecks.create(out);
        if (root) AtomicFiles.deleteStaleTemporaries(out);
        DataSplits splits = spec.generateData(out.resolve("feature-cache"));
        if (splits.featureFile() != null && root) System.out.println(splits.featureFile().describe());
        Engine.deterministic(true);
        GradientSync sync = GradientSync.LOCAL;
        if (distEnv.isPresent() && distEnv.get().worldSize() > 1) {
            sync = Distributed.join(distEnv.get(), device, java.time.Duration.ofSeconds(distTimeout));
        }
        List<RunResult> runs = ExperimentRunner.run(spec, splits, out, progress, sync, loggers);
        if (!root) {
            System.out.println("rank " + sync.rank() + " of " + sync.worldSize() + " done (rank 0 writes the results)");
            return 0;
        }
        ObjectNode results = Results.build("train", Json.MAPPER.valueToTree(spec), runs, (System.nanoTime() - t0) / 1e9);
        ObjectNode dist = results.putObject("distributed");
        dist.put("worldSize", sync.worldSize());
        dist.put("backend", sync.backend());
        dist.put("batchPerRank", common.batchSize);
        dist.put("globalBatch", (long) common.batchSize * sync.worldSize());
        if (splits.featureFile() != null) ((ObjectNode) results.get("config")).set("data", Json.MAPPER.valueToTree(splits.featureFile().summary()));
        var itf = dev.causalmm.data.ImageTextFolder.of(splits);
        if (itf != null) results.set("data", Json.MAPPER.valueToTree(itf.report()));
        AtomicFiles.writeString(out.resolve("results.json"), Json.MAPPER.writeValueAsString(results));
        System.out.print(Report.table(Report.rows(Map.of(spec.label(), runs))));
        results.at("/final/test/noise").properties().forEach(e -> System.out.printf(java.util.Locale.ROOT,
                "noise ε=%s: test accuracy avg %.4f, worst %.4f (%d evaluations)%n", e.getKey(), e.getValue().get("avg").asDouble(),
                e.getValue().get("worst").asDouble(), e.getValue().get("evaluations").asInt()));
        System.out.println("wrote " + out.resolve("results.json"));
        return 0;
    }

    static Optimizer.Settings optimizerSettings(String name, double lr, double wd) {
        Optimizer.Kind kind = switch (name) {
            case "adam" -> Optimizer.Kind.ADAM;
            case "adamw" -> Optimizer.Kind.ADAMW;
            case "sgd" -> Optimizer.Kind.SGD;
            default -> throw new IllegalArgumentException("unknown optimizer '" + name + "' (adam, adamw, sgd)");
        };
        return new Optimizer.Settings(kind, lr, wd, 0.9, 0.999, 1e-8, 0.9);
    }


}
