package dev.causalmm.experiment;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.causalmm.engine.Device;
import dev.causalmm.io.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An experiment grid selects OGM-GE, PMR and UMT by name, on QMF as in IMML's Table I. */
class ImbalanceGridTest {

    @Test
    void aGridRunsTheImbalanceBaselinesOnQmf(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("imbalance.json");
        Files.writeString(cfg, """
                {"name": "imbalance", "models": ["qmf"], "regularizers": ["ogm-ge", "pmr", "umt"], "seeds": [1],
                 "epochs": 1, "batchSize": 64, "mmlsyn": {"trainSize": 200, "valSize": 50, "testSize": 50}}
                """);
        Path out = dir.resolve("out");
        GridRunner.run(GridConfig.read(cfg), out, Device.CPU, false);
        JsonNode r = Json.MAPPER.readTree(out.resolve("results.json").toFile());
        for (String cell : new String[] {"qmf+ogm-ge", "qmf+pmr", "qmf+umt"}) {
            JsonNode acc = r.at("/cells/" + cell + "/final/test/accuracy");
            assertTrue(acc.isNumber() && acc.asDouble() >= 0 && acc.asDouble() <= 1, cell + ": " + r.at("/cells/" + cell));
        }
    }
}
