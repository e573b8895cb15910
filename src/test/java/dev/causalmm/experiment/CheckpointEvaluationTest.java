package dev.causalmm.experiment;

import static org.junit.jupiter.api.Assertions.*;

import dev.causalmm.causal.RegularizerSpec;
import dev.causalmm.data.DataSource;
import dev.causalmm.data.MMLSynConfig;
import dev.causalmm.engine.Device;
import dev.causalmm.eval.C3Score;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A library user evaluates a checkpoint as {@code causalmm eval} does, and gets the numbers training reported. */
class CheckpointEvaluationTest {
    private static CheckpointEvaluation.Options options(Path cache, CheckpointEvaluation.Corruption c) {
        return new CheckpointEvaluation.Options(null, CheckpointEvaluation.DataChoice.checkpoints(), c, true, C3Score.DEFAULT_ETA_REL,
                true, 256, Device.CPU, cache);
    }

    @Test
    void evaluatingACheckpointReproducesTheAccuracyAndC3RiskOfTraining(@TempDir Path dir) throws Exception {
        var data = new DataSource.MmlSyn(MMLSynConfig.defaults(0).withSizes(400, 100, 100));
        var spec = new ExperimentSpec(data, "late-fusion", RegularizerSpec.parse("c3r"), ExperimentSpec.Recipe.defaults().withEpochs(2).withBatchSize(256),
                List.of(1L), Device.CPU, ExperimentSpec.Evaluation.defaults().withDcor(true), List.of(), 0);
        RunResult run = ExperimentRunner.run(spec, spec.generateData(), dir, false).getFirst();

        var report = CheckpointEvaluation.evaluate(run.checkpoint(), options(dir.resolve("cache"), CheckpointEvaluation.Corruption.none(1)));
        assertEquals(run.test().accuracy(), report.metrics().test().accuracy(), 1e-12);
        assertEquals(run.val().accuracy(), report.metrics().val().accuracy(), 1e-12);
        assertEquals(run.c3Test().necessityRisk(), report.metrics().c3Test().necessityRisk(), 1e-12);
        assertNotNull(report.metrics().c3rTwinTest(), "C3R's twin view for a C3R checkpoint");
        assertEquals(run.dcor(), report.metrics().dcor());
        assertEquals("eval", report.toJson(0).get("command").asText());
        assertEquals(data.config(), report.mmlsyn(), "the generator's settings, reopened from the checkpoint");
        assertNull(report.folder(), "no image+text folder for generated data");
        var keys = new ArrayList<String>();
        report.config().fieldNames().forEachRemaining(keys::add);
        assertEquals(List.of("checkpoint", "model", "dataset", "mmlsyn", "device", "regularizer"), keys);

        var missing = new CheckpointEvaluation.Corruption(null, null, false, new int[] {1}, 1.0, 1);
        var half = CheckpointEvaluation.evaluate(run.checkpoint(), options(dir.resolve("cache"), missing));
        assertNotEquals(run.test().loss(), half.metrics().test().loss(), "the second modality is missing");
        assertEquals("[1]", half.config().at("/missing/modalities").toString());
        var none = new CheckpointEvaluation.Corruption(null, null, false, new int[] {0, 1}, 1.0, 1);
        var e = assertThrows(dev.causalmm.io.UserInputException.class,
                () -> CheckpointEvaluation.evaluate(run.checkpoint(), options(dir.resolve("cache"), none)));
        assertTrue(e.getMessage().contains("leaves nothing to predict from"), e.getMessage());
    }
}
