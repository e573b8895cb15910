package dev.causalmm.experiment;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.causalmm.data.ImageTextFixtures;
import dev.causalmm.engine.Device;
import dev.causalmm.io.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A noise-robustness grid on an image+text folder (real JPEG/PNG files and a JSONL manifest). */
class ImageTextGridTest {

    @Test
    void gridOnAManifestTrainsEveryCellAndCorruptsImagesAndTexts(@TempDir Path dir) throws Exception {
        Path manifest = ImageTextFixtures.write(dir.resolve("food"), 20, 5);
        Path cfg = dir.resolve("food-grid.yaml");
        Files.writeString(cfg, """
                name: food
                dataset: %s
                models: [late-fusion, concat]
                regularizers: [none, c3r]
                seeds: [1]
                noise: [0, 10]
                epochs: 2
                batchSize: 16
                folder: {imageSize: 16, textLength: 12}
                """.formatted(manifest));
        GridConfig grid = GridConfig.read(cfg);
        assertTrue(grid.isImageTextManifest());
        assertFalse(grid.isFileDataset(), "a manifest is not a feature file");
        assertEquals(16, grid.folder().imageSize());
        assertEquals(18, grid.folder().resize(), "the resize follows a changed image size (8/7 of it)");
        Path out = dir.resolve("out");
        GridRunner.run(grid, out, Device.CPU, false);
        JsonNode r = Json.MAPPER.readTree(out.resolve("results.json").toFile());
        assertEquals(4, r.get("cells").size());
        for (String cell : new String[] {"late-fusion", "late-fusion+c3r", "concat", "concat+c3r"}) {
            JsonNode c = Json.MAPPER.readTree(out.resolve("cells").resolve(cell).resolve("results.json").toFile());
            double clean = c.at("/final/test/noise/0/avg").asDouble(Double.NaN);
            double noisy = c.at("/final/test/noise/10/avg").asDouble(Double.NaN);
            assertTrue(clean >= 0 && clean <= 1 && noisy >= 0 && noisy <= 1, cell + ": " + c.at("/final/test/noise"));
        }
        String report = Files.readString(out.resolve("report.md"));
        assertTrue(report.contains("image+text manifest") && report.contains("| concat+c3r |"), report);
    }

    @Test
    void folderSettingsOnAnotherDatasetAreAMistake(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("g.json");
        Files.writeString(cfg, "{\"dataset\": \"mmlsyn\", \"folder\": {\"imageSize\": 16}}");
        var e = assertThrows(IllegalArgumentException.class, () -> GridConfig.read(cfg));
        assertTrue(e.getMessage().contains("key 'folder' has no effect"), e.getMessage());
        Files.writeString(cfg, "{\"dataset\": \"" + dir.resolve("none.jsonl") + "\"}");
        e = assertThrows(IllegalArgumentException.class, () -> GridConfig.read(cfg));
        assertTrue(e.getMessage().contains("none.jsonl does not exist"), e.getMessage());
    }
}
