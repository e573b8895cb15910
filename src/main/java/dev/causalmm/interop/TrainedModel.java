package dev.causalmm.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.causalmm.baselines.Baselines;
import dev.causalmm.causal.C3RConfig;
import dev.causalmm.causal.CmIRConfig;
import dev.causalmm.causal.IMMLConfig;
import dev.causalmm.causal.Regularizer;
import dev.causalmm.causal.Regularizers;
import dev.causalmm.data.ModalitySpec;
import dev.causalmm.data.Task;
import dev.causalmm.engine.DType;
import dev.causalmm.engine.Engine;
import dev.causalmm.engine.NoGrad;
import dev.causalmm.engine.Tensor;
import dev.causalmm.engine.TensorArchive;
import dev.causalmm.engine.TensorScope;
import dev.causalmm.io.AtomicFiles;
import dev.causalmm.io.FormatException;
import dev.causalmm.io.Json;
import dev.causalmm.io.OutputFolder;
import dev.causalmm.io.Provenance;
import dev.causalmm.io.SafeTensors;
import dev.causalmm.io.Sha256;
import dev.causalmm.io.UserInputException;
import dev.causalmm.nn.SafeTensorWeights;
import dev.causalmm.nn.EncoderConfig;
import dev.causalmm.nn.Encoders;
import dev.causalmm.nn.MultimodalModel;
import dev.causalmm.nn.PretrainedEncoderSpec;
import dev.causalmm.nn.SequenceEncoderSpec;
import dev.causalmm.train.Checkpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A trained model as a library object: the Java model (and its regulariser, whose parameters C3R
 * and CmIR keep) rebuilt from the description a checkpoint or an export records, with the weights
 * loaded. It is what {@code causalmm eval} evaluates and what {@code causalmm export} writes.
 *
 * <p>An export is a folder with {@code model.safetensors} (every parameter, F32/BF16/F16; the card
 * also sits in its {@code __metadata__} under {@code causalmm.card}, so the file alone reloads),
 * {@code model.json} (the model card: architecture, modalities, preprocessing, class names,
 * regulariser, versions, seed) and, when asked, {@code model.pt} (a LibTorch archive of the same
 * tensors in float32 or the export dtype). {@link #load(Path)} rebuilds the same Java model from
 * it; float32 exports predict identically, BF16/F16 exports are converted back to float32.
 */
public final class TrainedModel implements AutoCloseable {
    public static final String CARD_FILE = "model.json";
    public static final String WEIGHTS_FILE = "model.safetensors";
    public static final String ARCHIVE_FILE = "model.pt";
    public static final String CARD_FORMAT = "causalmm.modelcard/1";
    /** The checkpoint state's format: what {@link #rebuild} understands. */
    public static final String STATE_FORMAT = "causalmm.model/1";
    /** The safetensors metadata key that holds the card. */
    public static final String CARD_METADATA_KEY = "causalmm.card";

    private final ObjectNode state;
    private final List<ModalitySpec> modalities;
    private final List<PretrainedEncoderSpec> encoders;
    private final Regularizer regularizer;
    private final MultimodalModel model;

    private TrainedModel(ObjectNode state, List<ModalitySpec> modalities, List<PretrainedEncoderSpec> encoders, Regularizer regularizer,
                         MultimodalModel model) {
        this.state = state;
        this.modalities = modalities;
        this.encoders = encoders;
        this.regularizer = regularizer;
        this.model = model;
    }

    // ------------------------------------------------------------------ building

    /**
     * Builds the Java model (and regulariser) that a checkpoint's {@code state} describes, on the
     * CPU, with placeholder weights: the caller copies the real ones into {@link #parameters()}.
     * Pretrained TorchScript encoders are opened from the files the state names, which must still
     * have the SHA-256 recorded at training.
     *
     * @param source names the checkpoint or export in error messages
     */
    public static TrainedModel rebuild(ObjectNode state, String source) throws IOException {
        if (!STATE_FORMAT.equals(state.path("format").asText())) {
            throw new FormatException(source + " is not a model checkpoint (format '" + state.path("format").asText()
                    + "', expected " + STATE_FORMAT + "; use the model.ckpt that train writes)");
        }
        String name = state.path("model").asText("");
        if (name.isEmpty()) throw new FormatException(source + ": the model description has no \"model\" name");
        Task task = task(state, source);
        List<ModalitySpec> modalities;
        try {
            modalities = modalities(state);
        } catch (RuntimeException e) {
            throw new FormatException(source + ": the model description's \"modalities\" are malformed: " + e.getMessage(), e);
        }
        List<PretrainedEncoderSpec> encoders = encoders(state, source);
        // QMF sizes a per-sample training history with it; inference never reads the history
        int trainSize = Math.max(1, state.path("trainSize").asInt(1));
        String regName = state.path("regularizer").asText("none");
        C3RConfig c3r = state.has("c3r") ? Json.MAPPER.treeToValue(state.get("c3r"), C3RConfig.class) : C3RConfig.defaults();
        IMMLConfig imml = state.has("imml") ? Json.MAPPER.treeToValue(state.get("imml"), IMMLConfig.class) : IMMLConfig.defaults();
        CmIRConfig cmir = state.has("cmir") ? Json.MAPPER.treeToValue(state.get("cmir"), CmIRConfig.class) : CmIRConfig.defaults();
        // the sequence trunk the model was trained with (checkpoints before it was recorded: the default GRU)
        var sequence = state.has("sequenceEncoder") ? Json.MAPPER.treeToValue(state.get("sequenceEncoder"), SequenceEncoderSpec.class)
                : SequenceEncoderSpec.defaults();
        Regularizer reg = Regularizers.create(regName, new Regularizers.Settings(c3r, imml, cmir));
        MultimodalModel m = null;
        try {
            // every parameter is then overwritten, so the seed of the initial weights does not matter
            m = reg.adapt(Encoders.withSequenceEncoder(sequence, () -> Encoders.withPretrained(encoders, () -> Baselines.create(name,
                    modalities, task, EncoderConfig.c3rPaper(), trainSize, 0))), 0);
            reg.bind(m, 0);
            return new TrainedModel(state.deepCopy(), List.copyOf(modalities), List.copyOf(encoders), reg, m);
        } catch (RuntimeException e) {
            if (m != null) m.close();
            reg.close();
            throw e;
        }
    }

    /** A regression task as a checkpoint records it: {@code {"kind":"regression","dims":1,"loss":"L1"}}. */
    public static ObjectNode taskJson(Task.Regression r) {
        ObjectNode t = Json.object();
        t.put("kind", "regression");
        t.put("dims", r.dims());
        t.put("loss", r.loss().name());
        return t;
    }

    /** The checkpoint's task: its {@code task} (regression) or {@code numClasses} classes. */
    static Task task(ObjectNode state, String source) throws FormatException {
        var t = state.path("task");
        if (t.path("kind").asText("").equals("regression")) {
            try {
                return new Task.Regression(t.path("dims").asInt(0), Task.Loss.valueOf(t.path("loss").asText("")));
            } catch (IllegalArgumentException e) {
                throw new FormatException(source + ": the model description's \"task\" is malformed: " + e.getMessage(), e);
            }
        }
        if (!state.path("numClasses").canConvertToInt() || state.path("numClasses").asInt() < 1) {
            throw new FormatException(source + ": the model description has no valid \"numClasses\"");
        }
        return new Task.Classification(state.get("numClasses").asInt());
    }

    /** True when the model predicts real-valued targets rather than classes. */
    public boolean isRegression() {
        return state.path("task").path("kind").asText("").equals("regression");
    }

    /**
     * Rebuilds the trained model a {@code model.ckpt} (written by {@code train}) describes and loads
     * its weights: the library call behind {@code causalmm eval} and {@code causalmm export}. The
     * model is on the CPU; move it with {@code model().to(device)}.
     */
    public static TrainedModel fromCheckpoint(Path file) throws IOException {
        Checkpoint ck = Checkpoint.read(file);
        TrainedModel tm = rebuild(ck.state(), file.toString());
        try {
            ck.restoreInto(tm.parameters(), file.toString());
            return tm;
        } catch (RuntimeException e) {
            tm.close();
            throw e;
        }
    }

    /**
     * Loads an export: {@code path} is the folder {@link #export} wrote, or its
     * {@code model.safetensors}. The model is rebuilt on the CPU and its weights loaded (converted
     * to float32); move it with {@code model().to(device)}.
     */
    public static TrainedModel load(Path path) throws IOException {
        Path file = Files.isDirectory(path) ? path.resolve(WEIGHTS_FILE) : path;
        if (!Files.exists(file)) throw new NoSuchFileException(file.toString(), null, "no exported model (model.safetensors) there");
        try (SafeTensors st = SafeTensors.open(file)) {
            String cardText = st.metadata().get(CARD_METADATA_KEY);
            if (cardText == null) {
                throw new FormatException(file + ": no model card in its __metadata__ (key " + CARD_METADATA_KEY
                        + "); not a model exported by causalmm");
            }
            JsonNode card;
            try {
                card = Json.MAPPER.readTree(cardText);
            } catch (IOException e) {
                throw new FormatException(file + ": the model card in __metadata__ is not valid JSON: " + e.getMessage(), e);
            }
            if (card.path("task").asText("").equals("segmentation")) {
                throw new FormatException(file + " is a segmentation model export (a U-Net of modalities " + card.path("state").path("modalities")
                        + "), not a classification one: use seg-predict or seg-eval with it (TrainedSegModel.load in Java)");
            }
            if (!CARD_FORMAT.equals(card.path("format").asText()) || !card.path("state").isObject()) {
                throw new FormatException(file + ": the model card is not " + CARD_FORMAT + " with a \"state\" object");
            }
            TrainedModel tm = rebuild((ObjectNode) card.get("state"), file.toString());
            try {
                tm.restoreFrom(st);
                return tm;
            } catch (IOException | RuntimeException e) {
                tm.close();
                throw e;
            }
        }
    }

    private void restoreFrom(SafeTensors st) throws FormatException {
        SafeTensorWeights.copyInto(parameters(), st, modelName() + " model");
    }

    // ------------------------------------------------------------------ export

    /**
     * Writes {@code model.safetensors}, {@code model.json} and (if asked) {@code model.pt} into
     * {@code dir} (created if needed; each file replaced atomically).
     */
    public void export(Path dir, ExportOptions options) throws IOException {
        if (isRegression()) {
            // the card and the loaders describe class logits and class names; a regression head has neither
            throw new UserInputException("export supports classification models; this checkpoint is a regression model ("
                    + state.path("task") + "): use the model.ckpt itself (eval --checkpoint rebuilds it)");
        }
        Files.createDirectories(dir);
        Map<String, Tensor> params = parameters();
        List<SafeTensors.Data> data = new ArrayList<>(params.size());
        params.forEach((k, t) -> data.add(new SafeTensors.Data(k, t.shape(), t.toFloatArray())));
        ObjectNode card = card(options, data);
        String cardJson = Json.MAPPER.writeValueAsString(card);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt"); // what Hugging Face tools expect of a PyTorch-layout file
        meta.put(CARD_METADATA_KEY, Json.MAPPER.writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                .writeValueAsString(card));
        // one set: a run killed half-way leaves a marker, and the next claim of the folder removes the partial set;
        // without an archive, an older model.pt (of this owner: another's is refused or removed) must not stay beside the new files
        OutputFolder.writeSet(dir, List.of(WEIGHTS_FILE, CARD_FILE, ARCHIVE_FILE), () -> {
            if (!options.libtorchArchive()) Files.deleteIfExists(dir.resolve(ARCHIVE_FILE));
            SafeTensors.write(dir.resolve(WEIGHTS_FILE), data, options.dtype(), meta);
            AtomicFiles.writeString(dir.resolve(CARD_FILE), cardJson);
            if (options.libtorchArchive()) writeArchive(dir, data, options);
        });
    }

    private static void writeArchive(Path dir, List<SafeTensors.Data> data, ExportOptions options) throws IOException {
        try (TensorScope s = TensorScope.open("export-archive")) {
            Map<String, Tensor> cpu = new LinkedHashMap<>();
            for (SafeTensors.Data d : data) {
                Tensor t = Tensor.of(d.values(), d.shape());
                cpu.put(d.name(), options.dtype() == SafeTensors.DType.F32 ? t : t.to(engineDtype(options.dtype())));
            }
            TensorArchive.save(cpu, dir.resolve(ARCHIVE_FILE));
        }
    }

    /**
     * Claims {@code dir} for the export of the checkpoint {@code checkpoint} ({@link OutputFolder}):
     * another model's export, a training folder or the checkpoint's own folder is refused, naming
     * the owner, unless {@code overwrite}. Call before {@link #export}.
     */
    public static void claimExportFolder(Path dir, Path checkpoint, boolean overwrite) throws IOException {
        OutputFolder.claim(dir, Provenance.ofInput(Provenance.Kind.EXPORT, checkpoint, checkpoint), overwrite, checkpoint);
    }

    /**
     * {@code causalmm export}: the model of {@code checkpoint} (a model.ckpt, or the checkpoint folder
     * train writes that holds one) exported into the claimed {@code dir}; returns the line that says what
     * was written. A checkpoint that cannot be read as one is the user's input.
     */
    public static String exportCheckpoint(Path checkpoint, Path dir, ExportOptions options, boolean overwrite) throws IOException {
        Path file = Files.isDirectory(checkpoint) ? checkpoint.resolve("model.ckpt") : checkpoint;
        if (Files.isDirectory(checkpoint) && !Files.exists(file)) {
            throw new UserInputException("--checkpoint " + checkpoint + " is a folder without a model.ckpt; give the folder"
                    + " train writes under checkpoints/ (or the model.ckpt in it)");
        }
        TrainedModel trained;
        try {
            trained = fromCheckpoint(file);
        } catch (IllegalArgumentException e) {
            throw UserInputException.of(e);
        }
        try (trained) {
            claimExportFolder(dir, file, overwrite);
            trained.export(dir, options);
            return "exported " + trained.modelName() + " (" + trained.parameters().size() + " tensors, " + options.dtype().longName() + ") to "
                    + dir.resolve(WEIGHTS_FILE) + " and " + dir.resolve(CARD_FILE)
                    + (options.libtorchArchive() ? " and " + dir.resolve(ARCHIVE_FILE) : "");
        }
    }

    /**
     * Which run trained this model: the record {@code train} writes into model.ckpt ({@code provenance});
     * for a checkpoint written before that, one derived from its model, regulariser, dataset and seed.
     */
    public Provenance provenance() {
        JsonNode p = state.get("provenance");
        if (p != null) return Provenance.fromJson(p, "the checkpoint's provenance");
        ObjectNode id = Json.object();
        for (String k : List.of("model", "regularizer", "dataset")) if (state.has(k)) id.set(k, state.get(k));
        if (state.has("seed")) id.set("runSeed", state.get("seed"));
        return new Provenance(Provenance.Kind.TRAIN, id, true);
    }

    private static DType engineDtype(SafeTensors.DType d) {
        return switch (d) {
            case F32 -> DType.FLOAT32;
            case BF16 -> DType.BFLOAT16;
            case F16 -> DType.FLOAT16;
            default -> throw new IllegalArgumentException("no export dtype " + d);
        };
    }

    /** The model card {@link #export} writes (also in the safetensors metadata). */
    ObjectNode card(ExportOptions options, List<SafeTensors.Data> data) {
        ObjectNode c = Json.object();
        c.put("format", CARD_FORMAT);
        c.put("created", Instant.now().toString());
        c.put("model", modelName());
        c.set("provenance", provenance().toJson());
        ObjectNode arch = c.putObject("architecture");
        arch.put("model", modelName());
        arch.put("encoder", state.path("encoder").asText("c3r-paper"));
        arch.set("encoderConfig", Json.MAPPER.valueToTree(EncoderConfig.c3rPaper()));
        arch.put("numClasses", numClasses());
        arch.put("numModalities", modalities.size());
        long n = 0;
        for (SafeTensors.Data d : data) n += d.values().length;
        arch.put("parameters", n);
        if (modelName().equals("late-fusion")) {
            arch.put("forward", "per modality k: h_k = encoder{k}.mlp (Linear layers with ELU between, none after the last),"
                    + " first half of the last layer's output; l_k = head{k}(h_k); logits = mean_k l_k");
        }
        var mods = c.putArray("modalities");
        for (ModalitySpec m : modalities) {
            ObjectNode o = mods.addObject();
            o.put("name", m.name());
            o.put("kind", m.kind().name().toLowerCase(Locale.ROOT));
            var sh = o.putArray("shape");
            for (long x : m.shape()) sh.add(x);
            if (m.vocabSize() > 0) o.put("vocabSize", m.vocabSize());
        }
        c.set("preprocessing", preprocessing());
        var cls = c.putArray("classNames");
        classNames().forEach(cls::add);
        ObjectNode reg = c.putObject("regularizer");
        reg.put("name", regularizerName());
        String key = regularizerName().toLowerCase(Locale.ROOT);
        if (state.has(key)) reg.set("config", state.get(key));
        c.put("dataset", state.path("dataset").asText(""));
        if (state.has("seed")) c.put("seed", state.get("seed").asLong());
        ObjectNode v = c.putObject("versions");
        String own = TrainedModel.class.getPackage().getImplementationVersion();
        v.put("causalmm", own == null ? "0.1.0-SNAPSHOT" : own);
        v.put("libtorch", Engine.libtorchVersion());
        v.put("javacppPresets", Engine.presetsVersion());
        v.put("java", Runtime.version().toString());
        ObjectNode w = c.putObject("weights");
        w.put("file", WEIGHTS_FILE);
        w.put("dtype", options.dtype().longName());
        w.put("tensors", data.size());
        if (options.libtorchArchive()) w.put("libtorchArchive", ARCHIVE_FILE);
        SafeTensorWeights.describe(w, data);
        c.set("state", state.deepCopy());
        return c;
    }

    /**
     * What must happen to raw inputs before the model: the feature files' per-view z-scores fitted on
     * the training split (stored with the checkpoint), the image+text folder's reading options
     * (image size, tokenizer, vocabulary), or nothing for the generated datasets.
     */
    ObjectNode preprocessing() {
        ObjectNode p = Json.object();
        JsonNode ff = state.get("featureFile");
        JsonNode folder = state.get("folder");
        if (ff != null) {
            boolean std = ff.at("/options/standardize").asBoolean(false);
            p.put("kind", "feature-file");
            p.put("standardize", std ? "z-score per feature, fitted on the training split: x' = (x - mean) / std" : "none");
            ArrayNode views = p.putArray("views");
            for (int i = 0; i < ff.path("views").size(); i++) {
                ObjectNode v = views.addObject();
                v.put("name", ff.get("views").get(i).asText());
                v.put("dim", ff.path("widths").path(i).asInt());
                if (std) {
                    v.set("mean", ff.path("mean").path(i));
                    v.set("std", ff.path("std").path(i));
                }
            }
        } else if (folder != null) {
            p.put("kind", "image-text-folder");
            p.set("folder", folder);
        } else {
            p.put("kind", "none");
            p.put("note", "generated dataset '" + state.path("dataset").asText("mmlsyn") + "': inputs are used as generated");
        }
        if (!encoders.isEmpty()) p.set("pretrainedEncoders", state.get("encoders"));
        return p;
    }

    // ------------------------------------------------------------------ use

    /** The model (on the CPU after {@link #rebuild}/{@link #load}; move it with {@code model().to(device)}). */
    public MultimodalModel model() {
        return model;
    }

    /** The regulariser the model was trained with (C3R and CmIR keep parameters beside the model's). */
    public Regularizer regularizer() {
        return regularizer;
    }

    /** Model parameters plus the regulariser's under {@code regularizer.}: what checkpoints and exports hold. */
    public Map<String, Tensor> parameters() {
        return allParameters(model, regularizer);
    }

    public String modelName() {
        return state.path("model").asText();
    }

    public String regularizerName() {
        return state.path("regularizer").asText("none");
    }

    public int numClasses() {
        return state.get("numClasses").asInt();
    }

    public List<ModalitySpec> modalities() {
        return modalities;
    }

    public List<PretrainedEncoderSpec> encoders() {
        return encoders;
    }

    /** The description the model was rebuilt from (a copy): the checkpoint's state. */
    public ObjectNode state() {
        return state.deepCopy();
    }

    /**
     * Class names in class order: the label map of an image+text folder, the label values of a
     * feature file, else the class indices.
     */
    public List<String> classNames() {
        List<String> out = new ArrayList<>();
        JsonNode labels = state.at("/folder/labels");
        JsonNode classes = state.at("/featureFile/classes");
        if (labels.isArray() && labels.size() == numClasses()) {
            labels.forEach(l -> out.add(l.asText()));
        } else if (classes.isArray() && classes.size() == numClasses()) {
            for (JsonNode x : classes) {
                double d = x.asDouble();
                out.add(d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d));
            }
        } else {
            for (int k = 0; k < numClasses(); k++) out.add(Integer.toString(k));
        }
        return out;
    }

    /** Fused logits of one batch ({@code inputs}: one tensor per modality, all present), row-major B×C. */
    public float[] logits(List<Tensor> inputs) {
        try (TensorScope s = TensorScope.open("trained-model-logits"); NoGrad ng = NoGrad.enter()) {
            return model.forward(inputs, null).logits().toFloatArray();
        }
    }

    @Override
    public void close() {
        try {
            model.close();
        } finally {
            regularizer.close();
        }
    }

    // ------------------------------------------------------------------ the description's parts

    /** The modalities a model description records (older checkpoints: feature vectors of {@code inputDims}). */
    public static List<ModalitySpec> modalities(ObjectNode state) {
        if (!state.has("modalities")) {
            int[] dims = new int[state.path("inputDims").size()];
            for (int i = 0; i < dims.length; i++) dims[i] = state.get("inputDims").get(i).asInt();
            return ModalitySpec.vectors(dims);
        }
        List<ModalitySpec> out = new ArrayList<>();
        for (var o : state.get("modalities")) {
            long[] shape = new long[o.get("shape").size()];
            for (int i = 0; i < shape.length; i++) shape[i] = o.get("shape").get(i).asLong();
            out.add(new ModalitySpec(o.get("name").asText(), shape,
                    ModalitySpec.Kind.valueOf(o.get("kind").asText().toUpperCase(Locale.ROOT)), o.path("vocabSize").asInt(0)));
        }
        return out;
    }

    /** Model parameters plus the regulariser's under {@code regularizer.}. */
    public static Map<String, Tensor> allParameters(MultimodalModel model, Regularizer reg) {
        Map<String, Tensor> all = new LinkedHashMap<>(model.namedParameters());
        reg.namedParameters().forEach((k, v) -> all.put("regularizer." + k, v));
        return all;
    }

    /** The pretrained encoders a description records; each file must still be the one trained with (same SHA-256). */
    public static List<PretrainedEncoderSpec> encoders(ObjectNode state, String source) throws IOException {
        List<PretrainedEncoderSpec> out = new ArrayList<>();
        for (var node : state.path("encoders")) {
            ObjectNode o = node.deepCopy();
            String sha = o.path("sha256").asText(null);
            o.remove("sha256");
            PretrainedEncoderSpec p = Json.MAPPER.treeToValue(o, PretrainedEncoderSpec.class);
            if (sha != null && !sha.equals(Sha256.file(Path.of(p.file())))) {
                throw new IllegalArgumentException(source + ": the pretrained encoder " + p.file() + " of modality '" + p.modality()
                        + "' has changed since training (SHA-256 differs)");
            }
            out.add(p);
        }
        return out;
    }
}
