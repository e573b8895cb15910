package dev.causalmm.seg;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.causalmm.engine.Tensor;
import dev.causalmm.engine.TensorArchive;
import dev.causalmm.engine.TensorScope;
import dev.causalmm.io.AtomicFiles;
import dev.causalmm.io.FormatException;
import dev.causalmm.io.Json;
import dev.causalmm.io.OutputFolder;
import dev.causalmm.io.Provenance;
import dev.causalmm.io.SafeTensors;
import dev.causalmm.io.UserInputException;
import dev.causalmm.nn.Init;
import dev.causalmm.nn.SafeTensorWeights;
import dev.causalmm.nn.UNet3d;
import dev.causalmm.train.Checkpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A trained segmentation model as a library object: the U-Net with its weights and the
 * {@link SegModelConfig} that says how to feed it (modalities in order, label scheme, downsampling,
 * patch/window, normalisation). It comes from a {@code seg-train} checkpoint folder or from an
 * export, which is what {@code causalmm export} writes for such a folder: {@code model.safetensors}
 * (the U-Net's parameters; the card also sits in its {@code __metadata__}, so the file alone
 * reloads), {@code model.json} (the model card, {@link SegModelCard}) and optionally
 * {@code model.pt}, the same files and card format as a classification export. A float32 export
 * predicts bitwise as the checkpoint does.
 */
public final class TrainedSegModel implements AutoCloseable {
    public static final String WEIGHTS_FILE = "model.safetensors";
    public static final String CARD_FILE = "model.json";
    public static final String ARCHIVE_FILE = "model.pt";

    private final SegModelConfig config;
    private final UNet3d model;
    private final Path weights;
    private final long steps;

    private TrainedSegModel(SegModelConfig config, UNet3d model, Path weights, long steps) {
        this.config = config;
        this.model = model;
        this.weights = weights;
        this.steps = steps;
    }

    /** A checkpoint folder of seg-train, or an export (its folder or its {@code model.safetensors}). */
    public static TrainedSegModel open(Path path) throws IOException {
        return isExport(path) ? load(path) : fromCheckpoint(path);
    }

    /** Whether {@code path} is an export (a safetensors file, or a folder with one) rather than a seg-train checkpoint folder. */
    public static boolean isExport(Path path) {
        if (Files.isDirectory(path)) return !SegCheckpoint.exists(path) && Files.isRegularFile(path.resolve(WEIGHTS_FILE));
        return path.getFileName() != null && path.getFileName().toString().endsWith(".safetensors");
    }

    /** Whether {@code path} is a seg-train checkpoint folder or the {@code model.ckpt} in one. */
    public static boolean isCheckpoint(Path path) {
        return SegCheckpoint.exists(folderOf(path));
    }

    /** A checkpoint's folder: {@code path} itself, or the folder of a {@code model.ckpt} given as a file. */
    private static Path folderOf(Path path) {
        boolean file = Files.isRegularFile(path) && path.getFileName().toString().equals(SegCheckpoint.WEIGHTS);
        return file ? path.toAbsolutePath().getParent() : path;
    }

    /** The configuration of a checkpoint folder or an export, without loading the weights. */
    public static SegModelConfig readConfig(Path path) throws IOException {
        if (!isExport(path)) return SegCheckpoint.readConfig(folderOf(path));
        try (SafeTensors st = SafeTensors.open(exportFile(path))) {
            return SegModelCard.config(SegModelCard.read(st), st.source());
        }
    }

    /** The file whose SHA-256 identifies the model: the checkpoint's {@code model.ckpt} or the export's safetensors. */
    public static Path weightsFile(Path path) throws IOException {
        return isExport(path) ? exportFile(path) : folderOf(path).resolve(SegCheckpoint.WEIGHTS);
    }

    /** Rebuilds a seg-train checkpoint folder's (or its {@code model.ckpt}'s) U-Net with its trained weights (on the CPU). */
    public static TrainedSegModel fromCheckpoint(Path path) throws IOException {
        Path dir = folderOf(path);
        SegModelConfig cfg = SegCheckpoint.readConfig(dir);
        Path file = dir.resolve(SegCheckpoint.WEIGHTS);
        Checkpoint ck = Checkpoint.read(file);
        UNet3d model = new UNet3d(cfg.unet(), Init.seeded(cfg.seed()));
        try {
            ck.restoreInto(model.namedParameters(), file.toString());
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        return new TrainedSegModel(cfg, model, file, ck.state().path("step").asLong(-1));
    }

    /**
     * Loads an export: {@code path} is the folder {@link #export} wrote, or its safetensors file.
     * The U-Net is rebuilt on the CPU and its weights loaded (BF16/F16 converted to float32).
     * A classification export is refused, naming the file.
     */
    public static TrainedSegModel load(Path path) throws IOException {
        Path file = exportFile(path);
        try (SafeTensors st = SafeTensors.open(file)) {
            ObjectNode card = SegModelCard.read(st);
            SegModelConfig cfg = SegModelCard.config(card, file.toString());
            UNet3d model = new UNet3d(cfg.unet(), Init.seeded(cfg.seed()));
            try {
                restore(model, st);
            } catch (IOException | RuntimeException e) {
                model.close();
                throw e;
            }
            return new TrainedSegModel(cfg, model, file, card.path("steps").asLong(-1));
        }
    }

    private static Path exportFile(Path path) throws IOException {
        Path file = Files.isDirectory(path) ? path.resolve(WEIGHTS_FILE) : path;
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "no exported segmentation model (" + WEIGHTS_FILE + ") there");
        }
        return file;
    }

    private static void restore(UNet3d model, SafeTensors st) throws FormatException {
        SafeTensorWeights.copyInto(model.namedParameters(), st, "U-Net");
    }

    /**
     * Claims {@code dir} for the export of the checkpoint folder {@code checkpoint} ({@link OutputFolder}):
     * another model's export, a training folder or the checkpoint folder itself is refused, naming the
     * owner, unless {@code overwrite}. Call before {@link #export}.
     */
    public static void claimExportFolder(Path dir, Path checkpoint, boolean overwrite) throws IOException {
        Path folder = folderOf(checkpoint);
        OutputFolder.claim(dir, Provenance.ofInput(Provenance.Kind.EXPORT, folder, weightsFile(folder)), overwrite, folder);
    }

    /**
     * {@code causalmm export} of a seg-train folder: its U-Net and card exported into the claimed
     * {@code dir}; returns the line that says what was written. A checkpoint that cannot be read as one
     * is the user's input.
     */
    public static String exportCheckpoint(Path checkpoint, Path dir, SafeTensors.DType dtype, boolean archive, boolean overwrite) throws IOException {
        TrainedSegModel trained;
        try {
            trained = fromCheckpoint(checkpoint);
        } catch (IllegalArgumentException e) {
            throw UserInputException.of(e);
        }
        try (trained) {
            claimExportFolder(dir, checkpoint, overwrite);
            trained.export(dir, dtype, archive);
            return "exported segmentation unet3d " + trained.config().modalities() + " (" + trained.model().namedParameters().size() + " tensors, "
                    + dtype.longName() + ") to " + dir.resolve(WEIGHTS_FILE) + " and " + dir.resolve(CARD_FILE)
                    + (archive ? " and " + dir.resolve(ARCHIVE_FILE) : "");
        }
    }

    /**
     * Writes {@code model.safetensors} (weights as {@code dtype}: F32, BF16 or F16), {@code model.json}
     * and, with {@code archive}, {@code model.pt} into {@code dir}, as one set (each file atomically).
     */
    public void export(Path dir, SafeTensors.DType dtype, boolean archive) throws IOException {
        if (!dtype.convertsToFloat() || dtype.byteSize() > 4) throw new IllegalArgumentException("export dtype must be F32, BF16 or F16, got " + dtype);
        List<SafeTensors.Data> data = new ArrayList<>();
        model.namedParameters().forEach((k, t) -> data.add(new SafeTensors.Data(k, t.shape(), t.toFloatArray())));
        ObjectNode card = SegModelCard.of(this, dtype, archive, data);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.put(SegModelCard.METADATA_KEY, Json.MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(card));
        String cardJson = Json.MAPPER.writeValueAsString(card);
        OutputFolder.writeSet(dir, List.of(WEIGHTS_FILE, CARD_FILE, ARCHIVE_FILE), () -> {
            if (!archive) Files.deleteIfExists(dir.resolve(ARCHIVE_FILE));
            SafeTensors.write(dir.resolve(WEIGHTS_FILE), data, dtype, meta);
            AtomicFiles.writeString(dir.resolve(CARD_FILE), cardJson);
            if (archive) writeArchive(dir.resolve(ARCHIVE_FILE), data);
        });
    }

    /** A LibTorch archive of the float32 weights (what C++ {@code torch::load} reads). */
    private static void writeArchive(Path file, List<SafeTensors.Data> data) throws IOException {
        try (TensorScope s = TensorScope.open("seg-export-archive")) {
            Map<String, Tensor> cpu = new LinkedHashMap<>();
            for (SafeTensors.Data d : data) cpu.put(d.name(), Tensor.of(d.values(), d.shape()));
            TensorArchive.save(cpu, file);
        }
    }

    /** The trained run's identity: what owns its seg-train folder (network, modalities, patch, seed, downsampling). */
    public Provenance provenance() {
        return SegCheckpoint.provenance(config);
    }

    public SegModelConfig config() {
        return config;
    }

    /** The U-Net, on the CPU after loading; move it with {@code model().to(device)}. */
    public UNet3d model() {
        return model;
    }

    /** The file the weights were read from ({@code model.ckpt} or {@code model.safetensors}). */
    public Path weights() {
        return weights;
    }

    /** The optimizer steps the weights were trained for, or -1 when not recorded. */
    public long steps() {
        return steps;
    }

    /** The data options recorded at training (globs, label scheme, normalisation, crop margin). */
    public SegDataOptions dataOptions() {
        return SegPipeline.optionsFromJson(config.data());
    }

    @Override
    public void close() {
        model.close();
    }

    /** Reads the card of an export for tools that only need its fields (modalities, scheme, window). */
    public static JsonNode card(Path path) throws IOException {
        try (SafeTensors st = SafeTensors.open(exportFile(path))) {
            return SegModelCard.read(st);
        }
    }
}
