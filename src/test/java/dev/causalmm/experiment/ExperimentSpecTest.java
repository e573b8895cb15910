package dev.causalmm.experiment;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.causalmm.causal.C3RConfig;
import dev.causalmm.causal.IMMLConfig;
import dev.causalmm.causal.RegularizerSpec;
import dev.causalmm.causal.Regularizers;
import dev.causalmm.data.DataSource;
import dev.causalmm.engine.Device;
import dev.causalmm.engine.Precision;
import dev.causalmm.io.Json;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The grouped spec writes the flat causalmm.results/1 config, so earlier runs are recognised. */
class ExperimentSpecTest {
    private static ExperimentSpec spec(String regularizer, Precision precision) {
        var c3r = C3RConfig.defaults().withLambdas(0.5, 0.2);
        var reg = RegularizerSpec.parse(regularizer, new Regularizers.Settings(c3r, IMMLConfig.defaults().withTau(0.3),
                dev.causalmm.causal.CmIRConfig.defaults()));
        return new ExperimentSpec(DataSource.parse("mmlsyn", DataSource.Settings.defaults(4)), "concat", reg,
                ExperimentSpec.Recipe.defaults().withEpochs(3).withPrecision(precision), List.of(1L, 2L), Device.CPU,
                ExperimentSpec.Evaluation.defaults().withNoise(List.of(0.0, 5.0), 0, false), List.of(), 4);
    }

    private static List<String> keys(JsonNode n) {
        List<String> k = new ArrayList<>();
        n.fieldNames().forEachRemaining(k::add);
        return k;
    }

    @Test
    void theConfigKeepsTheFlatLayoutAndOrderOfEarlierResults() {
        JsonNode j = Json.MAPPER.valueToTree(spec("c3r", Precision.FP32));
        assertEquals(List.of("dataset", "model", "regularizer", "epochs", "batchSize", "optimizer", "schedule", "earlyStopPatience", "seeds",
                "device", "mmlsyn", "dataSeed", "c3r", "imml", "cmir", "dcor", "evalNoise", "evalSeeds", "qmfCompat", "encoders"), keys(j));
        assertEquals("c3r", j.get("regularizer").asText());
        assertEquals(0.5, j.at("/c3r/lambdaV").asDouble());
        assertEquals(4, j.at("/mmlsyn/seed").asLong());
        assertEquals(List.of("kind", "lr", "weightDecay", "beta1", "beta2", "eps", "momentum"), keys(j.get("optimizer")));
    }

    @Test
    void settingsOfRegularisersNotInUseAreWrittenAsTheirDefaults() {
        JsonNode j = Json.MAPPER.valueToTree(spec("none", Precision.BF16));
        assertEquals(Json.MAPPER.valueToTree(C3RConfig.defaults()), j.get("c3r"), "C3R's options do not change a run without C3R");
        assertEquals(Json.MAPPER.valueToTree(IMMLConfig.defaults()), j.get("imml"));
        assertEquals("concat", spec("none", Precision.FP32).label());
        assertEquals("concat+c3r", spec("c3r", Precision.FP32).label());
        assertTrue(j.has("precision") && !Json.MAPPER.valueToTree(spec("none", Precision.FP32)).has("precision"),
                "precision only when not float32, as before it existed");
    }

    @Test
    void dcorOnAnotherDatasetThanMmlsynIsRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> new ExperimentSpec(DataSource.parse("imagetext"), "late-fusion",
                RegularizerSpec.parse("none"), ExperimentSpec.Recipe.defaults(), List.of(1L), Device.CPU,
                ExperimentSpec.Evaluation.defaults().withDcor(true), List.of(), 0));
        assertTrue(e.getMessage().contains("dcor metric needs MMLSynData's latent factors"), e.getMessage());
    }

    @Test
    void noiseOnChosenModalitiesIsRecordedAndBadIndicesAreRefused() {
        var e = ExperimentSpec.Evaluation.defaults().withNoise(List.of(10.0), 0, false).withNoiseModalities(List.of(1));
        assertEquals(List.of(1), e.noiseModalities());
        assertEquals(List.of(10.0), e.noise());
        assertThrows(IllegalArgumentException.class, () -> e.withNoiseModalities(List.of(-1)));
        var twice = assertThrows(IllegalArgumentException.class, () -> e.withNoiseModalities(List.of(0, 0)));
        assertTrue(twice.getMessage().contains("noise modality"), twice.getMessage());
    }

    @Test
    void theDefaultRecipeChoosesItsLengthFromTheDataAndDecaysTheRateWhileGridsKeepAConstantRate() throws Exception {
        var d = ExperimentSpec.Recipe.defaults();
        var leaves = d.length(1100, 1); // 100Leaves' training split
        assertEquals(List.of(63, 35), List.of(leaves.epochs(), leaves.batchSize()));
        assertEquals(List.of(7, 64), List.of(d.withEpochs(7).withBatchSize(64).length(1100, 1).epochs(), d.withEpochs(7).withBatchSize(64).length(1100, 1).batchSize()));
        assertEquals("cosine", dev.causalmm.train.LrSchedule.name(d.schedule()));
        var grid = GridConfig.read(java.nio.file.Files.writeString(java.nio.file.Files.createTempFile("grid", ".json"), "{\"models\": [\"concat\"]}"));
        assertEquals(new dev.causalmm.train.LrSchedule.Constant(), GridRunner.cell(grid, "concat", "none", Device.CPU).recipe().schedule(),
                "a grid has no schedule key: its cells keep the constant rate its shipped results were trained with");
    }
}
