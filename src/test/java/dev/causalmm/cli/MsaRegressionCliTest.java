package dev.causalmm.cli;

import static dev.causalmm.cli.Cli.run;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.causalmm.io.Json;
import dev.causalmm.testing.RequiresData;
import dev.causalmm.testing.TestData;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ICT-MMMO (scores 1–5) trains as a regression through {@code train}, and {@code eval}/{@code export} read its checkpoint. */
class MsaRegressionCliTest {
    /** The baseline: predicting the training mean gives this test MAE. */
    static final double TRAIN_MEAN_MAE = 1.36;

    @Test
    @RequiresData("msa-sequences/mmmo/y_train.h5")
    void mmmoTrainsAsARegressionAndBeatsTheTrainingMean(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("mmmo");
        JsonNode r = Hdf5FolderCliTest.train(TestData.file("msa-sequences/mmmo"), out, 30, "--early-stop", "10",
                "--eval-noise", "0,10", "--eval-noise-modalities", "0");
        JsonNode reg = r.at("/final/test/regression");
        double mae = reg.path("MAE").asDouble(Double.NaN);
        System.out.printf("mmmo late fusion, seed 1: test MAE %.4f, r %.4f%n", mae, reg.path("Corr").asDouble());
        assertTrue(mae < TRAIN_MEAN_MAE, "test MAE " + mae + " vs the training mean's " + TRAIN_MEAN_MAE);
        assertTrue(reg.path("Corr").isNumber(), reg.toString());
        assertEquals(3.0, reg.path("threshold").asDouble(), "the 1–5 scale splits at its middle");
        assertTrue(r.at("/runs/0/final/test/regression/MAE").isNumber() || r.at("/final/test/regression/MAEStd").isNumber(), r.toString());
        assertEquals("MAE", r.at("/final/test/noise/10/metric").asText(), r.at("/final/test").toString());
        assertFalse(r.at("/final/test").has("c3"), "no C3 risk on regression");

        Path ckpt = out.resolve("checkpoints/late-fusion-seed1/model.ckpt");
        try (var trained = dev.causalmm.interop.TrainedModel.fromCheckpoint(ckpt)) {
            assertTrue(trained.isRegression(), trained.state().toString());
            assertEquals("GRU", trained.state().at("/sequenceEncoder/kind").asText(), "the sequence trunk is recorded");
        }
        Path ev = dir.resolve("eval");
        run(0, "eval", "--checkpoint", ckpt.toString(), "--noise", "10", "--noise-modalities", "1", "--out", ev.toString());
        JsonNode e = Json.MAPPER.readTree(ev.resolve("results.json").toFile());
        assertTrue(e.at("/final/test/regression/MAE").isNumber(), e.toString());
        String err = run(2, "export", "--checkpoint", ckpt.toString(), "--out", dir.resolve("export").toString());
        assertTrue(err.contains("regression"), err);
    }

    @Test
    @RequiresData("msa-sequences/mmmo/y_train.h5")
    void immlIsRefusedOnARegressionSet(@TempDir Path dir) {
        String err = run(2, "train", "--dataset", TestData.file("msa-sequences/mmmo").toString(), "--model", "late-fusion",
                "--regularizer", "imml", "--epochs", "1", "--out", dir.toString(), "--no-progress");
        assertTrue(err.contains("IMML") && err.contains("regression"), err);
    }
}
