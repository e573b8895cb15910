package dev.causalmm.seg;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.causalmm.engine.Optimizer;
import dev.causalmm.engine.Tensor;
import dev.causalmm.io.AtomicFiles;
import dev.causalmm.io.Json;
import dev.causalmm.nn.Init;
import dev.causalmm.nn.UNet3d;
import dev.causalmm.train.Checkpoint;
import java.io.IOException;
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
 * parameters (C3R's, named {@code c3r.*}) are stored beside the U-Net's, and the state records the
 * step, the running loss, the step budget, the batch size and the seed.
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
        return SegModelConfig.fromJson(Json.MAPPER.readTree(c.toFile()), c.toString());
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

    /** Where a resumed run continues: the first step to take and the running loss so far. */
    record ResumePoint(int step, double runningLoss) {}

    /**
     * Restores {@code params} (on their device) and the optimizer's moments from the folder, after
     * checking that the folder was written by a compatible run: the same network, modalities, patch,
     * seed and downsampling ({@code config.json}), the same batch size and seed (the checkpoint's state). A
     * different step budget is allowed (it extends or shortens the run) but the learning-rate decay
     * then differs from either uninterrupted run, so it is logged.
     *
     * @throws IllegalArgumentException naming the field that differs
     */
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
        List<String> differ = new ArrayList<>();
        for (var e : recipe.properties()) {
            JsonNode h = had.get(e.getKey());
            if (h != null && !h.equals(e.getValue())) differ.add(e.getKey() + " (" + h + ", this run " + e.getValue() + ")");
        }
        if (!differ.isEmpty()) {
            throw new IllegalArgumentException("cannot resume from " + file + ": it differs in " + String.join(", ", differ)
                    + "; use a fresh --out");
        }
    }

    static ResumePoint restore(Path dir, SegModelConfig config, Map<String, Tensor> params, Optimizer optimizer, int steps,
                               int batchSize, long seed, ObjectNode recipe) throws IOException {
        SegModelConfig saved = readConfig(dir);
        ObjectNode want = config.toJson();
        ObjectNode have = saved.toJson();
        for (String field : new String[] {"unet", "modalities", "patch", "seed", "downsample"}) {
            if (!want.get(field).equals(have.get(field))) {
                throw new IllegalArgumentException("cannot resume from " + dir + ": its " + CONFIG + " has " + field + " " + have.get(field)
                        + ", this run " + want.get(field) + " (use the same settings, or a fresh --out)");
            }
        }
        if (!want.get("data").equals(have.get("data"))) {
            LOG.warn("resuming from {} with other data options than it was trained with: {} (was {})", dir, want.get("data"), have.get("data"));
        }
        Path file = dir.resolve(WEIGHTS);
        Checkpoint ck = Checkpoint.read(file);
        ObjectNode st = ck.state();
        JsonNode stepNode = st.get("step");
        if (stepNode == null || !stepNode.canConvertToInt() || stepNode.asInt() < 0) {
            throw new IllegalArgumentException(file + ": no valid \"step\" in the checkpoint state (not written by seg-train?)");
        }
        if (st.has("batchSize") && st.get("batchSize").asInt() != batchSize) {
            throw new IllegalArgumentException("cannot resume from " + file + ": it was trained with batch size " + st.get("batchSize").asInt()
                    + ", this run uses " + batchSize + " (the patch stream would differ)");
        }
        if (st.has("seed") && st.get("seed").asLong() != seed) {
            throw new IllegalArgumentException("cannot resume from " + file + ": it was trained with seed " + st.get("seed").asLong()
                    + ", this run uses " + seed);
        }
        checkRecipe(file, st.get("recipe"), recipe);
        if (st.has("steps") && st.get("steps").asInt() != steps) {
            LOG.warn("resuming {} with a budget of {} steps instead of {}: the learning-rate decay follows the new budget", dir, steps,
                    st.get("steps").asInt());
        }
        ck.restoreInto(params, file.toString());
        byte[] opt = ck.optimizerState();
        if (opt.length == 0) throw new IllegalArgumentException(file + " holds no optimizer state; cannot resume exactly");
        optimizer.loadState(opt);
        JsonNode loss = st.get("loss");
        return new ResumePoint(stepNode.asInt(), loss == null || !loss.isNumber() ? Double.NaN : loss.asDouble());
    }
}
