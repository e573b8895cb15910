package dev.causalmm.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.causalmm.causal.C3R;
import dev.causalmm.causal.Regularizer;
import dev.causalmm.data.MultimodalDataset;
import dev.causalmm.eval.C3Score;
import dev.causalmm.eval.CorruptedDataset;
import dev.causalmm.eval.MissingModalityDataset;
import dev.causalmm.eval.NoiseProtocol;
import dev.causalmm.eval.Representations;
import dev.causalmm.data.MMLSynConfig;
import dev.causalmm.data.MMLSynData;
import dev.causalmm.data.DataSplits;
import dev.causalmm.data.FeatureFileDatasets;
import dev.causalmm.data.FeatureFileInfo;
import dev.causalmm.data.ImageTextConfig;
import dev.causalmm.data.ImageTextData;
import dev.causalmm.data.ModalitySpec;
import dev.causalmm.data.ImageTextFolder;
import dev.causalmm.data.ImageTextFolderOptions;
import dev.causalmm.nn.FeatureCache;
import dev.causalmm.nn.PretrainedEncoderSpec;
import java.util.List;
import dev.causalmm.engine.Device;
import dev.causalmm.eval.EvalResult;
import dev.causalmm.eval.Evaluator;
import dev.causalmm.experiment.Results;
import dev.causalmm.io.AtomicFiles;
import dev.causalmm.io.Json;
import dev.causalmm.nn.MultimodalModel;
import dev.causalmm.train.Checkpoint;
import dev.causalmm.interop.TrainedModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code causalmm eval}: evaluates a trained model checkpoint on a dataset's validation and test splits. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate a model.ckpt written by 'train' and write OUT/results.json. Data options default to"
                + " those recorded in the checkpoint; give them to evaluate under another setting (e.g. --spurious-test 0.9).")
final class EvalCommand implements Callable<Integer> {
    @Mixin CommonOptions common;
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec commandSpec;

    @Option(names = "--checkpoint", required = true, description = "A model.ckpt written by 'causalmm train'.")
    Path checkpoint;


    @Option(names = "--data-file", description = "Feature-file checkpoints: where the dataset file (or manifest) is now, if it"
            + " moved since training (its SHA-256 must match the one recorded).")
    Path dataFile;

    @Option(names = "--model", description = "Expected model name; checked against the checkpoint when given.")
    String model;

    @Option(names = "--spurious-test", description = "Override the checkpoint's test spurious degree s (mmlsyn's spurious"
            + " factor, imagetext's corner badge; for an imagetext model trained without badges, its validation images then"
            + " carry random badges too).")
    Double spuriousTest;

    @Option(names = "--test-size", description = "Override the checkpoint's mmlsyn test size.")
    Integer testSize;

    @Option(names = "--metrics", split = ",", defaultValue = "c3",
            description = "Metrics beside accuracy and loss: c3 (hard C3 sufficiency and necessity risks), dcor"
                    + " (distance correlation of the representation with each MMLSynData factor). Default: ${DEFAULT-VALUE}.")
    Set<String> metrics;

    @Option(names = "--c3-eta", description = "Relative step η_rel of the C3 diagnostic's counterfactual, Z̄ = Z + η_rel·‖Z‖·G/‖G‖"
            + " on the deployed predictor (default: " + C3Score.DEFAULT_ETA_REL + ", as in train).")
    Double c3Eta;

    @Option(names = "--noise", description = "Evaluate under the noise protocol at level ε (spec §6.1): each modality of a"
            + " random half of the samples is corrupted — Gaussian noise of 0.1·ε feature std for features, 10·ε pixels"
            + " (one plane for all channels, clipped) for images, each word blanked with probability 0.1·ε for texts.")
    Double noise;

    @Option(names = "--noise-modalities", split = ",", description = "Modality indices to corrupt (default: all).")
    int[] noiseModalities;

    @Option(names = "--missing-modalities", split = ",",
            description = "Modality indices that are missing at test time (zeroed and masked), e.g. 1 to evaluate without the text.")
    int[] missingModalities;

    @Option(names = "--missing-rate",
            description = "With --missing-modalities: the share of samples that lose each of them (default: 1, all).")
    Double missingRate;

    @Option(names = "--qmf-compat", description = "With --noise: the reference code's image quirks (one fixed noise field, uint8 wraparound).")
    boolean qmfCompat;

    @Option(names = "--skip-bad", description = "Image+text manifests: skip rows with a missing or corrupt image, an unknown label or a"
            + " malformed line (counted in results.json) instead of failing.")
    boolean skipBad;

    @Option(names = {"--seed", "--eval-seed"}, defaultValue = "1",
            description = "Evaluation seed: drives the noise protocol and is recorded in results.json (default: ${DEFAULT-VALUE}).")
    long evalSeed;

    static void checkMetrics(Set<String> metrics) {
        for (String m : metrics) {
            if (!m.equals("c3") && !m.equals("dcor")) throw new IllegalArgumentException("unknown metric '" + m + "' (c3, dcor)");
        }
    }


    @Override
    public Integer call() throws Exception {
        long t0 = System.nanoTime();
        // everything the options alone decide is checked before the checkpoint is read
        Path out = CliChecks.outFolder("--out", common.out);
        checkMetrics(metrics);
        if (c3Eta != null && !(c3Eta > 0 && Double.isFinite(c3Eta))) {
            throw new IllegalArgumentException("--c3-eta must be a finite number > 0, got " + c3Eta);
        }
        if (c3Eta != null && !metrics.contains("c3")) throw new IllegalArgumentException("--c3-eta needs the c3 metric (--metrics c3)");
        if (noise != null) NoiseProtocol.of(noise, evalSeed); // a finite level >= 0
        CliChecks.needs(commandSpec, "--noise-modalities", noise != null, "--noise EPS");
        if (qmfCompat && noise == null) throw new IllegalArgumentException("--qmf-compat changes the noise protocol: give --noise EPS too");
        if (missingRate != null && missingModalities == null) {
            throw new IllegalArgumentException("--missing-rate needs --missing-modalities (which modalities go missing)");
        }
        if (missingRate != null && !(missingRate >= 0 && missingRate <= 1)) {
            throw new IllegalArgumentException("--missing-rate must be in [0, 1], got " + missingRate);
        }
        if (testSize != null && testSize <= 0) throw new IllegalArgumentException("--test-size must be > 0, got " + testSize);
        if (spuriousTest != null && !(spuriousTest >= 0 && spuriousTest <= 1)) {
            throw new IllegalArgumentException("--spurious-test must be in [0, 1], got " + spuriousTest);
        }
        if (common.batchSize <= 0) throw new IllegalArgumentException("--batch-size must be > 0, got " + common.batchSize);
        if (Files.isDirectory(checkpoint)) {
            throw new IllegalArgumentException("--checkpoint " + checkpoint + " is a folder; give the model.ckpt file that train writes in it");
        }
        checkEvalOut(out, checkpoint);
        // the library call rebuilds the model and loads its weights; the rest is choosing the data
        try (TrainedModel trained = TrainedModel.fromCheckpoint(checkpoint)) {
            return evaluate(trained, out, t0);
        }
    }

    /** Evaluates a loaded model on the data its checkpoint (or the options) name; writes out/results.json. */
    private int evaluate(TrainedModel trained, Path out, long t0) throws Exception {
        CliChecks.create(out);
        ObjectNode st = trained.state();
        String model = trained.modelName();
        if (this.model != null && !this.model.equals(model)) {
            throw new IllegalArgumentException("--model " + this.model + " does not match the checkpoint's model '" + model + "'");
        }
        String dataset = st.path("dataset").asText("mmlsyn");
        if (metrics.contains("dcor") && !dataset.equals("mmlsyn")) {
            throw new IllegalArgumentException("the dcor metric needs MMLSynData's latent factors; this checkpoint was trained on '" + dataset + "'");
        }
        double dropRate = missingRate == null ? 1.0 : missingRate;
        FeatureFileInfo featureFile = st.has("featureFile") ? Json.MAPPER.treeToValue(st.get("featureFile"), FeatureFileInfo.class) : null;
        if (dataFile != null && featureFile == null) throw new IllegalArgumentException("--data-file is for checkpoints trained on a feature file");
        boolean manifest = st.has("folder");
        if ((featureFile != null || manifest) && (spuriousTest != null || testSize != null)) {
            throw new IllegalArgumentException("--spurious-test and --test-size apply to the generated datasets, not to a "
                    + (manifest ? "manifest" : "feature file"));
        }
        if (skipBad && !manifest) throw new IllegalArgumentException("--skip-bad is for checkpoints trained on an image+text manifest");
        if (featureFile == null && !common.dataset(dataset).equals(dataset) && !(manifest && ImageTextFolder.isManifest(common.dataset))) {
            throw new IllegalArgumentException("--dataset " + common.dataset + " does not match the checkpoint's dataset '" + dataset + "'");
        }
        MMLSynConfig cfg = null;
        ImageTextConfig itCfg = null;
        DataSplits raw;
        List<PretrainedEncoderSpec> encoders = trained.encoders();
        ImageTextFolder folder = null;
        if (featureFile != null) {
            raw = FeatureFileDatasets.reopen(featureFile, dataFile != null ? dataFile
                    : common.dataset != null && !common.dataset.equals(dataset) ? Path.of(common.dataset) : null);
        } else if (manifest) {
            // the checkpoint's reading options, label map and vocabulary; --dataset may name another manifest read the same way
            ImageTextFolderOptions fo = Json.MAPPER.treeToValue(st.get("folder"), ImageTextFolderOptions.class);
            if (skipBad) fo = fo.withSkipBad(true);
            raw = ImageTextFolder.open(Path.of(common.dataset(dataset)), fo);
            folder = ImageTextFolder.of(raw);
        } else if (dataset.equals("imagetext")) {
            itCfg = Json.MAPPER.treeToValue(st.get("imagetext"), ImageTextConfig.class);
            if (spuriousTest != null) itCfg = itCfg.withSpurious(itCfg.spuriousTrain(), spuriousTest);
            if (testSize != null) itCfg = itCfg.withSizes(itCfg.trainSize(), itCfg.valSize(), testSize);
            raw = ImageTextData.generate(itCfg);
        } else {
            cfg = overrides(Json.MAPPER.treeToValue(st.get("mmlsyn"), MMLSynConfig.class));
            raw = DataSplits.of(MMLSynData.generate(cfg));
        }
        // cached pretrained features (mode=cache) replace their modality for every kind of dataset, as in training
        DataSplits data = FeatureCache.apply(raw, encoders, out.resolve("feature-cache"), Device.parse(common.device));
        List<ModalitySpec> modalities = trained.modalities();
        if (!modalities.equals(data.modalities())) {
            throw new IllegalArgumentException(checkpoint + " was trained on modalities " + modalities + " but the data has " + data.modalities());
        }
        Device device = Device.parse(common.device);
        String regName = trained.regularizerName();
        MultimodalModel m = trained.model();
        Regularizer reg = trained.regularizer();
        m.to(device);
        MultimodalDataset valSet = data.val();
        MultimodalDataset testSet = data.test();
        if (noise != null) {
            NoiseProtocol protocol = NoiseProtocol.of(noise, evalSeed).withQmfCompat(qmfCompat)
                    .onModalities(noiseModalities == null ? new int[0] : noiseModalities);
            valSet = new CorruptedDataset(valSet, protocol);
            testSet = new CorruptedDataset(testSet, protocol);
        }
        if (missingModalities != null) {
            valSet = new MissingModalityDataset(valSet, missingModalities, dropRate, evalSeed);
            testSet = new MissingModalityDataset(testSet, missingModalities, dropRate, evalSeed);
        }
        EvalResult val = Evaluator.evaluate(m, valSet, common.batchSize, device);
        EvalResult test = Evaluator.evaluate(m, testSet, common.batchSize, device);
        C3R c3r = reg instanceof C3R c ? c : null;
        if (c3r != null) c3r.to(device);
        boolean c3 = metrics.contains("c3");
        double eta = c3Eta == null ? C3Score.DEFAULT_ETA_REL : c3Eta;
        C3Score c3Val = c3 ? C3Score.predictor(m, valSet, eta, common.batchSize, device) : null;
        C3Score c3Test = c3 ? C3Score.predictor(m, testSet, eta, common.batchSize, device) : null;
        C3Score twin = c3 && c3r != null ? C3Score.twin(m, c3r, testSet, common.batchSize, device) : null;
        Map<MMLSynData.Factor, Double> dcor = metrics.contains("dcor") ? Representations.factorCorrelations(m, data.mmlsyn().test(), device) : null;
        ObjectNode config = Json.object();
        config.put("checkpoint", checkpoint.toString());
        config.put("model", model);
        config.put("dataset", dataset);
        if (cfg != null) config.set("mmlsyn", Json.MAPPER.valueToTree(cfg));
        if (itCfg != null) config.set("imagetext", Json.MAPPER.valueToTree(itCfg));
        if (data.featureFile() != null) config.set("data", Json.MAPPER.valueToTree(data.featureFile().summary()));
        if (manifest) config.put("manifest", common.dataset(dataset));
        config.put("device", device.toString());
        config.put("regularizer", regName);
        if (noise != null) {
            ObjectNode nz = config.putObject("noise");
            nz.put("eps", noise);
            nz.put("evalSeed", evalSeed);
            nz.put("qmfCompat", qmfCompat);
            var mods = nz.putArray("modalities");
            if (noiseModalities != null) for (int x : noiseModalities) mods.add(x);
        }
        if (missingModalities != null) {
            ObjectNode ms = config.putObject("missing");
            var mods = ms.putArray("modalities");
            for (int x : missingModalities) mods.add(x);
            ms.put("rate", dropRate);
            ms.put("evalSeed", evalSeed);
        }
        ObjectNode root = Results.evalReport(config, evalSeed, val, test, c3Val, c3Test, twin, dcor, (System.nanoTime() - t0) / 1e9);
        if (folder != null) root.set("data", Json.MAPPER.valueToTree(folder.report()));
        AtomicFiles.writeString(out.resolve("results.json"), Json.MAPPER.writeValueAsString(root));
        System.out.printf(Locale.ROOT, "%s: val accuracy %.4f, test accuracy %.4f%s%n", model, val.accuracy(), test.accuracy(),
                cfg == null ? "" : String.format(Locale.ROOT, " (s=%.2f)", cfg.spuriousTest()));
        if (c3Test != null) {
            System.out.printf(Locale.ROOT, "C3 risk on test (deployed predictor, step %.2f·‖Z‖): sufficiency %.4f, necessity %.4f%n",
                    c3Test.etaRel(), c3Test.sufficiencyRisk(), c3Test.necessityRisk());
        }
        if (dcor != null) System.out.println("dCor(representation, factor) on test: " + dcor);
        System.out.println("wrote " + out.resolve("results.json"));
        return 0;
    }

    /**
     * {@code eval} writes {@code out/results.json}: refuse a folder that holds a training run (its
     * results.json or checkpoints) or the evaluation of another checkpoint, so no results are lost.
     * Evaluating the same checkpoint again (e.g. at another noise level) replaces its own results.
     */
    static void checkEvalOut(Path out, Path checkpoint) throws java.io.IOException {
        Path results = out.resolve("results.json");
        String hint = "; give eval its own --out (e.g. " + out.resolve("eval") + ") so they are not overwritten";
        if (Files.exists(results)) {
            com.fasterxml.jackson.databind.JsonNode r;
            try {
                r = Json.MAPPER.readTree(results.toFile());
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalArgumentException(results + " is not a causalmm results file" + hint, e);
            }
            String command = r.path("command").asText(r.path("schema").asText("unknown"));
            if (!command.equals("eval")) throw new IllegalArgumentException(results + " holds the results of '" + command + "'" + hint);
            Path theirs = Path.of(r.at("/config/checkpoint").asText("")).toAbsolutePath().normalize();
            if (!theirs.equals(checkpoint.toAbsolutePath().normalize())) {
                throw new IllegalArgumentException(results + " holds the evaluation of another checkpoint (" + r.at("/config/checkpoint").asText() + ")" + hint);
            }
        }
        if (Files.isDirectory(out.resolve("checkpoints")) || Files.isDirectory(out.resolve("cells"))) {
            throw new IllegalArgumentException(out + " is a training or experiment folder" + hint);
        }
    }

    private MMLSynConfig overrides(MMLSynConfig saved) {
        MMLSynConfig c = saved;
        if (spuriousTest != null) c = c.withSpurious(c.spuriousTrain(), spuriousTest);
        if (testSize != null) c = c.withSizes(c.trainSize(), c.valSize(), testSize);
        return c;
    }
}
