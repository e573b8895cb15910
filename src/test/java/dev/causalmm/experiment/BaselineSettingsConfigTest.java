package dev.causalmm.experiment;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.causalmm.causal.PMRConfig;
import dev.causalmm.causal.RegularizerSpec;
import dev.causalmm.data.DataSource;
import dev.causalmm.engine.Device;
import dev.causalmm.io.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The imbalance baselines' settings in a run's config: only where they differ, so earlier runs keep their identity. */
class BaselineSettingsConfigTest {
    private static JsonNode config(RegularizerSpec reg) {
        return Json.MAPPER.valueToTree(new ExperimentSpec(DataSource.parse("mmlsyn", DataSource.Settings.defaults(4)), "qmf", reg,
                ExperimentSpec.Recipe.defaults(), List.of(1L), Device.CPU, ExperimentSpec.Evaluation.defaults(), List.of(), 4));
    }

    @Test
    void aBaselineAtItsDefaultsWritesTheConfigOfEarlierRunsAndOtherwiseRecordsItsSettings() {
        JsonNode plain = config(RegularizerSpec.parse("pmr"));
        assertFalse(plain.has("pmr") || plain.has("ogmge") || plain.has("umt"), plain.toString());
        JsonNode tuned = config(new RegularizerSpec.PMR(PMRConfig.defaults().withMomentum(0.5)));
        assertEquals(0.5, tuned.at("/pmr/momentum").asDouble(), tuned.toString());
        assertNotEquals(plain, tuned, "a tuned baseline is another training identity");
    }
}
