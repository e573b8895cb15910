package dev.causalmm.seg;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.causalmm.io.AtomicFiles;
import dev.causalmm.io.Json;
import dev.causalmm.nn.Init;
import dev.causalmm.nn.UNet3d;
import dev.causalmm.train.Checkpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A segmentation checkpoint folder: {@code config.json} ({@link SegModelConfig}) and
 * {@code model.ckpt} (weights, optimizer state and the step in {@link Checkpoint}'s CRC-checked
 * format), both replaced atomically. It holds everything {@code seg-eval} and {@code seg-predict} need.
 */
public final class SegCheckpoint {
    public static final String CONFIG = "config.json";
    public static final String WEIGHTS = "model.ckpt";

    private SegCheckpoint() {}

    public static void write(Path dir, SegModelConfig config, UNet3d model, byte[] optimizerState, ObjectNode state) throws IOException {
        Files.createDirectories(dir);
        AtomicFiles.write(dir.resolve(CONFIG), Json.MAPPER.writeValueAsBytes(config.toJson()));
        Checkpoint.capture(model.namedParameters(), optimizerState, state).write(dir.resolve(WEIGHTS));
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
}
