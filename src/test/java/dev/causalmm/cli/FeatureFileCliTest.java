package dev.causalmm.cli;

import static dev.causalmm.cli.Cli.run;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.causalmm.io.Json;
import dev.causalmm.testing.RequiresData;
import dev.causalmm.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train}/{@code eval} on real feature files: a committed slice of Handwritten always, the full
 * file where the data folder has it.
 */
class FeatureFileCliTest {

    @Test
    void handwrittenSliceTrainEvalAndMovedFile(@TempDir Path dir) throws Exception {
        trainEvalAndMove(TestData.fixture("multiview/handwritten_slice.mat"), dir, 16, 40, 110, 0.7);
    }

    @Test
    @RequiresData("multiview/handwritten_6views.mat")
    void handwrittenTrainEvalAndMovedFile(@TempDir Path dir) throws Exception {
        trainEvalAndMove(TestData.file("multiview/handwritten_6views.mat"), dir, 4, 400, 1440, 0.9);
    }

    /** Trains late fusion on {@code hw}, evaluates the checkpoint, then finds a moved copy and refuses a changed one. */
    static void trainEvalAndMove(Path hw, Path dir, int epochs, int testSize, int trainSize, double minAccuracy) throws Exception {
        Path out = dir.resolve("hw");
        String text = run(0, "train", "--dataset", hw.toString(), "--model", "late-fusion", "--epochs", Integer.toString(epochs),
                "--seed", "1", "--out", out.toString(), "--batch-size", "64", "--eval-noise", "0,5", "--no-progress");
        assertTrue(text.contains("x{v}_train/test + gt_train/gt_test"), text);
        JsonNode r = Json.MAPPER.readTree(out.resolve("results.json").toFile());
        double acc = r.at("/final/test/accuracy").asDouble();
        assertTrue(acc > minAccuracy, hw.getFileName() + " late fusion, " + epochs + " epochs: " + acc);
        assertEquals(testSize, r.at("/config/data/sizes/test").asInt());
        assertEquals(trainSize, r.at("/config/data/sizes/train").asInt());
        assertEquals(0.1, r.at("/config/featureFile/valRatio").asDouble());
        assertTrue(r.at("/config/data/split").asText().startsWith("given train/test"));
        Path ckpt = out.resolve("checkpoints/late-fusion-seed1/model.ckpt");

        Path ev = dir.resolve("eval");
        run(0, "eval", "--checkpoint", ckpt.toString(), "--out", ev.toString());
        assertEquals(acc, Json.MAPPER.readTree(ev.resolve("results.json").toFile()).at("/final/test/accuracy").asDouble(), 1e-9);
        // the checkpoint names its file; a copy elsewhere is found with --data-file, a changed one refused
        Path copy = dir.resolve("hw-copy.mat");
        Files.copy(hw, copy);
        run(0, "eval", "--checkpoint", ckpt.toString(), "--data-file", copy.toString(), "--out", ev.toString());
        byte[] b = Files.readAllBytes(copy);
        b[b.length - 3] ^= 0x10;
        Files.write(copy, b);
        String changed = run(2, "eval", "--checkpoint", ckpt.toString(), "--data-file", copy.toString(), "--out", ev.toString());
        assertTrue(changed.contains("hw-copy.mat"), changed);
        String missing = run(2, "eval", "--checkpoint", ckpt.toString(), "--data-file", dir.resolve("nope.mat").toString(), "--out", ev.toString());
        assertTrue(missing.contains("nope.mat") && missing.contains("missing"), missing);
    }

    @Test
    void badFilesFailWithTheirName(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("broken.mat");
        Files.writeString(bad, "MATLAB 5.0 but not really");
        String t = run(2, "train", "--dataset", bad.toString(), "--epochs", "1", "--out", dir.resolve("o").toString(), "--no-progress");
        assertTrue(t.contains("broken.mat"), t);
        Path csv = dir.resolve("rows.csv");
        StringBuilder s = new StringBuilder("a,b,label\n");
        for (int i = 0; i < 40; i++) s.append(i % 7).append(',').append(i % 5).append(',').append(i % 2).append('\n');
        s.append("1,x,0\n");
        Files.writeString(csv, s);
        t = run(2, "train", "--dataset", csv.toString(), "--epochs", "1", "--out", dir.resolve("o").toString(), "--no-progress");
        assertTrue(t.contains("rows.csv: line 42") && t.contains("--skip-bad"), t);
        run(0, "train", "--dataset", csv.toString(), "--epochs", "1", "--skip-bad", "--out", dir.resolve("o2").toString(), "--no-progress");
        JsonNode r = Json.MAPPER.readTree(dir.resolve("o2/results.json").toFile());
        assertEquals(1, r.at("/config/data/skippedRows").asInt());
    }
}
