package dev.causalmm.experiment;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.causalmm.engine.Device;
import dev.causalmm.io.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GridRunnerTest {

    @Test
    void smallGridRunsEndToEndAndResumes(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("tiny.json");
        Files.writeString(cfg, """
                {"name": "tiny", "models": ["late-fusion", "tmc"], "regularizers": ["none", "c3r"], "seeds": [1, 2],
                 "noise": [0, 10], "epochs": 2, "batchSize": 64,
                 "mmlsyn": {"trainSize": 600, "valSize": 100, "testSize": 200}}
                """);
        GridConfig grid = GridConfig.read(cfg);
        assertEquals(600, grid.mmlsyn().trainSize());
        assertEquals(0.7, grid.mmlsyn().spuriousTrain(), "unnamed fields keep their defaults");
        Path out = dir.resolve("out");
        GridRunner.run(grid, out, Device.CPU, false);
        JsonNode r = Json.MAPPER.readTree(out.resolve("results.json").toFile());
        assertEquals(4, r.get("cells").size());
        assertTrue(r.at("/cells/tmc+c3r/final/test/noise/10/avg").isNumber());
        String report = Files.readString(out.resolve("report.md"));
        assertTrue(report.contains("| tmc+c3r |") && report.contains("ε=10 Worst.") && report.contains("**"), report);
        assertEquals((byte) 0x89, Files.readAllBytes(out.resolve("accuracy-vs-noise.png"))[0]);

        // each seed of each cell logged its epochs (csv by default), C3R's terms included
        var metrics = dev.causalmm.train.metrics.MetricsFiles.csv(out.resolve("cells/tmc+c3r/checkpoints/tmc+c3r-seed2"));
        assertEquals(List.of(10L, 20L), metrics.steps(), "600 rows / batch 64 = 10 steps per epoch");
        assertTrue(metrics.columns().contains("reg/c3.L_v"), metrics.columns().toString());

        Path cell = out.resolve("cells/late-fusion/results.json");
        var before = Files.getLastModifiedTime(cell);
        GridRunner.run(grid, out, Device.CPU, false);
        assertEquals(before, Files.getLastModifiedTime(cell), "a finished cell is skipped on a re-run");

        // changed settings: finished cells are never overwritten — the grid is refused before any cell trains
        Path last = out.resolve("cells/late-fusion+c3r/checkpoints/late-fusion+c3r-seed1/last.ckpt");
        var lastBefore = Files.getLastModifiedTime(last);
        var baseBefore = Files.getLastModifiedTime(cell);
        var c3rResults = Files.readString(out.resolve("cells/late-fusion+c3r/results.json"));
        Thread.sleep(20);
        Files.writeString(cfg, Files.readString(cfg).replace("\"batchSize\": 64,", "\"batchSize\": 64, \"c3r\": {\"eta\": 0.5},"));
        GridConfig changed = GridConfig.read(cfg);
        assertEquals(0.5, changed.c3r().eta());
        var refused = assertThrows(IllegalArgumentException.class, () -> GridRunner.run(changed, out, Device.CPU, false));
        assertTrue(refused.getMessage().contains("cells/late-fusion+c3r (c3r)") && refused.getMessage().contains("cells/tmc+c3r (c3r)")
                && !refused.getMessage().contains("cells/late-fusion ("), refused.getMessage());
        assertEquals(lastBefore, Files.getLastModifiedTime(last), "nothing retrained");
        assertEquals(c3rResults, Files.readString(out.resolve("cells/late-fusion+c3r/results.json")), "the finished cell is kept");
        // deleting the changed cells (as the message says) retrains them; the others are kept
        for (String c : new String[] {"late-fusion+c3r", "tmc+c3r"}) {
            try (var s = Files.walk(out.resolve("cells").resolve(c))) {
                for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
            }
        }
        GridRunner.run(changed, out, Device.CPU, false);
        assertNotEquals(lastBefore, Files.getLastModifiedTime(last), "the changed cell was retrained");
        assertEquals(baseBefore, Files.getLastModifiedTime(cell), "C3R's settings do not touch the cells without C3R");
        JsonNode r2 = Json.MAPPER.readTree(out.resolve("results.json").toFile());
        assertEquals(0.5, r2.at("/cells/late-fusion+c3r/config/c3r/eta").asDouble());

        // another noise level: every cell is evaluated again, from its finished checkpoints, without retraining
        var lastTrained = Files.getLastModifiedTime(last);
        Files.writeString(cfg, Files.readString(cfg).replace("\"noise\": [0, 10]", "\"noise\": [0, 5, 10]"));
        GridRunner.run(GridConfig.read(cfg), out, Device.CPU, false);
        assertEquals(lastTrained, Files.getLastModifiedTime(last), "evaluation-only changes reuse the trained model");
        JsonNode r3 = Json.MAPPER.readTree(out.resolve("results.json").toFile());
        assertTrue(r3.at("/cells/late-fusion+c3r/final/test/noise/5/avg").isNumber());
        assertEquals(r2.at("/cells/late-fusion+c3r/final/test/noise/10/avg").asDouble(),
                r3.at("/cells/late-fusion+c3r/final/test/noise/10/avg").asDouble(), 1e-12, "same model, same noise, same accuracy");
    }

    @Test
    void imageTextGridWithEveryImageTextModel(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("it.yaml");
        Files.writeString(cfg, """
                dataset: imagetext
                imagetext: {trainSize: 300, valSize: 50, testSize: 100}
                models: [concatbow, mmbt-small]
                regularizers: [none, c3r]
                seeds: [1, 2]
                noise: [0, 10]
                epochs: 1
                batchSize: 64
                qmfCompat: true
                """);
        GridConfig grid = GridConfig.read(cfg);
        assertTrue(grid.qmfCompat());
        Path out = dir.resolve("out");
        GridRunner.run(grid, out, Device.CPU, false);
        JsonNode r = Json.MAPPER.readTree(out.resolve("results.json").toFile());
        assertEquals(4, r.get("cells").size());
        assertTrue(r.at("/cells/mmbt-small+c3r/final/test/noise/10/worst").isNumber());
        assertTrue(r.at("/cells/concatbow/config/qmfCompat").asBoolean());
        String report = Files.readString(out.resolve("report.md"));
        assertTrue(report.contains("imagetext (300 train") && report.contains("| mmbt-small+c3r |"), report);
        assertTrue(Files.size(out.resolve("accuracy-vs-noise.png")) > 0);
    }

    @Test
    void yamlConfigsReadLikeJson(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("grid.yaml");
        Files.writeString(cfg, """
                models: [concat, qmf]
                regularizers: [none, imml, c3r]
                seeds: [4]
                noise: [0, 5]
                mmlsyn:
                  trainSize: 300
                  spuriousTest: 0.3
                c3r:
                  normalizedStep: false
                  eta: 0.5
                """);
        GridConfig g = GridConfig.read(cfg);
        assertEquals("grid", g.name());
        assertEquals(java.util.List.of("concat", "qmf"), g.models());
        assertEquals(java.util.List.of(4L), g.seeds());
        assertEquals(0.3, g.mmlsyn().spuriousTest());
        assertEquals(300, g.mmlsyn().trainSize());
        assertFalse(g.c3r().normalizedStep(), "the plain step, chosen over the normalised default");
        assertEquals(0.5, g.c3r().eta());
        assertEquals(0.75, g.c3r().lambdaV(), "unnamed C3R fields keep the spec's defaults");
        assertEquals(dev.causalmm.causal.IMMLConfig.defaults(), g.imml());
        Path bad = dir.resolve("bad-c3r.yaml");
        Files.writeString(bad, "c3r: {eta: fast}\n");
        var e = assertThrows(IllegalArgumentException.class, () -> GridConfig.read(bad));
        assertTrue(e.getMessage().contains("bad-c3r.yaml") && e.getMessage().contains("'c3r.eta'"), e.getMessage());
    }

    @Test
    void badConfigNamesTheFileAndField(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("bad.json");
        Files.writeString(cfg, "{\"seeds\": [1, \"two\"]}");
        var e = assertThrows(IllegalArgumentException.class, () -> GridConfig.read(cfg));
        assertTrue(e.getMessage().contains("bad.json") && e.getMessage().contains("seeds"), e.getMessage());
    }
}
