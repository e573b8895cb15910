package dev.causalmm.cli;

import static dev.causalmm.cli.Cli.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.causalmm.data.ImageTextFixtures;
import dev.causalmm.io.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real image+text dataset on disk (JPEG and PNG files, a JSONL manifest) trained and evaluated through the CLI. */
class ImageTextFolderCliTest {
    static final String TINY = Path.of("src/test/resources/tiny_image_encoder.pt").toAbsolutePath().toString();

    @Test
    void trainsEndToEndAndEvalReproducesTheAccuracy(@TempDir Path dir) throws Exception {
        Path manifest = ImageTextFixtures.write(dir.resolve("food"), 40, 3); // 3 classes × 40: 72 train, 24 dev, 24 test
        Path out = dir.resolve("run");
        run(0, "train", "--dataset", manifest.toString(), "--model", "late-fusion", "--epochs", "12", "--seed", "1",
                "--batch-size", "16", "--image-size", "32", "--text-length", "12", "--lr", "3e-3", "--out", out.toString(), "--no-progress");
        JsonNode r = Json.MAPPER.readTree(out.resolve("results.json").toFile());
        double test = r.at("/final/test/accuracy").asDouble();
        assertTrue(test >= 0.9, "test accuracy " + test);
        assertEquals(List.of("blueberry", "lettuce", "tomato"), Json.MAPPER.convertValue(r.at("/data/labels"), List.class));
        assertEquals(72, r.at("/data/train").asInt());
        assertEquals(0, r.at("/data/skipped").asInt());
        Path ckpt = out.resolve("checkpoints/late-fusion-seed1/model.ckpt");
        Path evalOut = dir.resolve("eval");
        run(0, "eval", "--checkpoint", ckpt.toString(), "--out", evalOut.toString());
        JsonNode e = Json.MAPPER.readTree(evalOut.resolve("results.json").toFile());
        assertEquals(test, e.at("/final/test/accuracy").asDouble(), 1e-12, "eval of the checkpoint reproduces training's test accuracy");
        assertEquals(r.at("/runs/0/final/val/accuracy").asDouble(), e.at("/final/val/accuracy").asDouble(), 1e-12);
    }

    @Test
    void pretrainedEncoderCachedAndFrozenAndBadRowsSkipped(@TempDir Path dir) throws Exception {
        Path manifest = ImageTextFixtures.write(dir.resolve("food"), 20, 4);
        // two bad rows: a corrupt image and a label the training split never had
        Files.writeString(dir.resolve("food/images/bad.jpg"), "not a jpeg");
        Files.writeString(manifest, Files.readString(manifest)
                + ImageTextFixtures.line("broken", "images/bad.jpg", "tomato", "train") + "\n"
                + ImageTextFixtures.line("what", "images/tomato_0.jpg", "pizza", "test") + "\n");
        String err = run(2, "train", "--dataset", manifest.toString(), "--epochs", "1", "--image-size", "16", "--out", dir.resolve("x").toString(), "--no-progress");
        assertTrue(err.contains("data.jsonl:61: image ") && err.contains("bad.jpg: not a JPEG or PNG image"), err);
        for (String mode : List.of("cache", "frozen", "finetune")) {
            Path out = dir.resolve("run-" + mode);
            run(0, "train", "--dataset", manifest.toString(), "--model", "concat", "--epochs", "3", "--batch-size", "16", "--image-size", "16",
                    "--encoder", "image=" + TINY + "," + mode, "--skip-bad", "--out", out.toString(), "--no-progress");
            JsonNode r = Json.MAPPER.readTree(out.resolve("results.json").toFile());
            assertEquals(2, r.at("/data/skipped").asInt(), r.at("/data").toString());
            if (mode.equals("cache")) {
                try (var l = Files.list(out.resolve("feature-cache"))) {
                    assertEquals(3, l.count());
                }
            }
            Path evalOut = dir.resolve("eval-" + mode);
            run(0, "eval", "--checkpoint", out.resolve("checkpoints/concat-seed1/model.ckpt").toString(), "--skip-bad", "--out", evalOut.toString());
            JsonNode e = Json.MAPPER.readTree(evalOut.resolve("results.json").toFile());
            assertEquals(r.at("/final/test/accuracy").asDouble(), e.at("/final/test/accuracy").asDouble(), 1e-12, mode);
        }
    }
}
