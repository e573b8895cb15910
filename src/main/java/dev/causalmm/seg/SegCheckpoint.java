package dev.causalmm.seg;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.causalmm.engine.Tensor;
import dev.causalmm.io.AtomicFiles;
import dev.causalmm.io.Json;
import dev.causalmm.io.Provenance;
import dev.causalmm.nn.Init;
import dev.causalmm.nn.UNet3d;
import dev.causalmm.train.Checkpoint;
import dev.causalmm.train.Checkpoints;
import dev.causalmm.train.TrainerState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A segmentation checkpoint folder: {@code config.json} ({@link SegModelConfig}) and
 * {@code model.ckpt} (weights, optimizer state and the step in {@link Checkpoint}'s CRC-checked
 * format), both replaced atomically. It holds everything {@code seg-eval} and {@code seg-predict} need,
 * and everything {@code seg-train --resume} needs to continue the step budget: training-only
 * parameters (C3R's, named {@code c3r.*}) are stored beside the U-Net's, and the state is the
 * trainer's {@link TrainerState} (step, seed, schedule) with segmentation's own fields under
 * {@code task}: the recipe identity, the running loss, the step budget and the batch size.
 */
public final class SegCheckpoint {
    private static final Logger LOG = LoggerFactory.getLogger(SegCheckpoint.class);
    public static final String CONFIG = "config.json";
    public static final String WEIGHTS = "model.ckpt";

    private SegCheckpoint() {}

    public static void write(Path dir, SegModelConfig config, UNet3d model, byte[] optimizerState, ObjectNode state) throws IOException {
        write(dir, config, model.namedParameters(), optimizerState, state);
    }

    /**
     * Writes the folder with {@code params}: the U-Net's named parameters plus any training-only ones
     * (loading for inference reads the U-Net's names and ignores the rest).
     */
    public static void write(Path dir, SegModelConfig config, Map<String, Tensor> params, byte[] optimizerState, ObjectNode state)
            throws IOException {
        Files.createDirectories(dir);
        AtomicFiles.write(dir.resolve(CONFIG), Json.MAPPER.writeValueAsBytes(config.toJson()));
        Checkpoint.capture(params, optimizerState, state).write(dir.resolve(WEIGHTS));
    }

    /** Whether {@code dir} holds a checkpoint to resume from (both files present). */
    public static boolean exists(Path dir) {
        return dir != null && Files.isRegularFile(dir.resolve(CONFIG)) && Files.isRegularFile(dir.resolve(WEIGHTS));
    }

    public static SegModelConfig readConfig(Path dir) throws IOException {
        Path c = dir.resolve(CONFIG);
        if (!Files.isRegularFile(c)) {
            throw new IOException(dir + " is not a segmentation checkpoint folder: " + CONFIG + " is missing (seg-train writes it)");
        }
        com.fasterxml.jackson.databind.JsonNode json;
        try {
            json = Json.MAPPER.readTree(c.toFile());
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new dev.causalmm.io.FormatException(c + ": not valid JSON (" + e.getOriginalMessage() + "); the checkpoint folder is damaged");
        }
        return SegModelConfig.fromJson(json, c.toString());
    }

    /** Rebuilds the model of the folder with its trained weights (on the CPU). */
    public static UNet3d load(Path dir, SegModelConfig config) throws IOException {
        UNet3d model = new UNet3d(config.unet(), Init.seeded(config.seed()));
        try {
            Checkpoint.read(dir.resolve(WEIGHTS)).restoreInto(model.namedParameters(), dir.resolve(WEIGHTS).toString());
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
        return model;
    }

    /**
     * The folder as a trainer's {@link Checkpoints}: {@value #WEIGHTS} is the last checkpoint, and
     * every save writes {@value #CONFIG} beside it (both atomically). No best-epoch file.
     */
    static Checkpoints folder(Path dir, SegModelConfig config) {
        return new Checkpoints() {
            @Override
            public Path last() {
                return dir.resolve(WEIGHTS);
            }

            @Override
            public boolean hasLast() {
                return exists(dir);
            }

            @Override
            public Checkpoint readLast() {
                try {
                    return Checkpoint.read(last());
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot resume from " + last() + ": " + AtomicFiles.describe(e), e);
                }
            }

            @Override
            public Map<String, float[]> readBestWeights() {
                return null;
            }

            @Override
            public void save(Checkpoint ck, boolean best) {
                try {
                    Files.createDirectories(dir);
                    AtomicFiles.write(dir.resolve(CONFIG), Json.MAPPER.writeValueAsBytes(config.toJson()));
                    ck.write(last());
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot write checkpoint " + last() + ": " + AtomicFiles.describe(e), e);
                }
            }
        };
    }

    /**
     * Refuses a checkpoint whose patches were drawn by another {@link PatchSampler#VERSION} (they
     * cannot be continued exactly) or whose recipe differs: "… differs in a, b; use a fresh --out".
     */
    static void checkRecipe(Path file, JsonNode had, ObjectNode recipe) {
        int version = had != null && had.has("sampler") ? had.get("sampler").asInt() : 1;
        if (version != PatchSampler.VERSION) {
            throw new IllegalArgumentException("cannot resume from " + file + ": its patches were drawn by patch sampler version " + version
                    + " (one stream, replayed on resume); this build draws each patch from (seed, step, slot), version "
                    + PatchSampler.VERSION + ", and would continue with other patches; use a fresh --out");
        }
        Provenance now = Provenance.of(Provenance.Kind.SEG_TRAIN, recipe);
        Provenance was = new Provenance(Provenance.Kind.SEG_TRAIN, had instanceof ObjectNode o ? o : Json.object(), true);
        List<String> differ = now.differences(was);
        if (!differ.isEmpty()) throw Provenance.refusal(file, "a run of another recipe", now.explain(was, differ));
    }

    /**
     * Checks, before anything is restored, that the folder was written by a compatible run: the
     * same network, modalities, patch, seed and downsampling ({@code config.json}); a trainer state
     * (checkpoints of seg-train before it shared the trainer are refused); the same batch size,
     * sampler and recipe; a step within this run's budget. A different step budget is allowed (it
     * extends or shortens the run) but the learning-rate decay then differs from either
     * uninterrupted run, so it is logged. (The seed and optimizer are the trainer's own check.)
     *
     * @throws IllegalArgumentException naming the field that differs
     */
    static void checkResume(Path dir, SegModelConfig config, Checkpoint ck, SegRecipe recipe, ObjectNode identity) {
        checkConfig(dir, config);
        Path file = dir.resolve(WEIGHTS);
        JsonNode st = ck.state();
        if (!TrainerState.isTrainerState(st) || !st.has("task")) {
            throw new IllegalArgumentException("cannot resume from " + file + ": it was written by an earlier seg-train (no trainer state, "
                    + "format " + TrainerState.FORMAT + "); use a fresh --out");
        }
        JsonNode task = st.get("task");
        int batchSize = task.path("batchSize").asInt(-1);
        if (batchSize != recipe.batchSize()) {
            throw new IllegalArgumentException("cannot resume from " + file + ": it was trained with batch size " + batchSize
                    + ", this run uses " + recipe.batchSize() + " (the patch stream would differ); use a fresh --out");
        }
        checkRecipe(file, task.get("recipe"), identity);
        long step = st.path("step").asLong(-1);
        if (step < 0 || step > recipe.steps()) {
            throw new IllegalArgumentException("cannot resume from " + file + ": it is at step " + step + ", outside this run's --steps "
                    + recipe.steps());
        }
        int steps = task.path("steps").asInt(recipe.steps());
        if (steps != recipe.steps()) {
            LOG.warn("resuming {} with a budget of {} steps instead of {}: the learning-rate decay follows the new budget", dir,
                    recipe.steps(), steps);
        }
        if (ck.optimizerState().length == 0) throw new IllegalArgumentException(file + " holds no optimizer state; cannot resume exactly");
    }

    /** The network, modalities, patch, seed and downsampling of {@code config.json} must be this run's. */
    private static void checkConfig(Path dir, SegModelConfig config) {
        SegModelConfig saved;
        try {
            saved = readConfig(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot resume from " + dir + ": " + AtomicFiles.describe(e), e);
        }
        ObjectNode want = config.toJson();
        ObjectNode have = saved.toJson();
        Provenance now = provenance(config), was = provenance(saved);
        List<String> differ = now.differences(was);
        if (!differ.isEmpty()) throw Provenance.refusal(dir, "a seg-train run of other settings (its " + CONFIG + ")", now.explain(was, differ));
        if (!want.get("data").equals(have.get("data"))) {
            LOG.warn("resuming from {} with other data options than it was trained with: {} (was {})", dir, want.get("data"), have.get("data"));
        }
    }

    /** What owns a seg-train checkpoint folder: the network, modalities, patch, seed and downsampling of its config. */
    public static Provenance provenance(SegModelConfig config) {
        ObjectNode all = config.toJson();
        ObjectNode id = Json.object();
        for (String field : new String[] {"unet", "modalities", "patch", "seed", "downsample"}) id.set(field, all.get(field));
        return Provenance.of(Provenance.Kind.SEG_TRAIN, id);
    }
}
