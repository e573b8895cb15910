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

/** {@code train} on a folder of per-modality, per-split HDF5 sequence files (the MFN layout). */
class Hdf5FolderCliTest {
    static JsonNode train(Path data, Path out, int epochs, String... extra) throws Exception {
        String[] base = {"train", "--dataset", data.toString(), "--model", "late-fusion", "--epochs", Integer.toString(epochs), "--seed", "1",
                "--out", out.toString(), "--batch-size", "32", "--no-progress"};
        String[] args = java.util.Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        run(0, args);
        return Json.MAPPER.readTree(out.resolve("results.json").toFile());
    }

    @Test
    void trainReadsASequenceFolderAndReportsTestAccuracy(@TempDir Path dir) throws Exception {
        JsonNode r = train(TestData.fixture("hdf5/msa-tiny"), dir.resolve("tiny"), 2, "--eval-noise", "0,5");
        double acc = r.at("/final/test/accuracy").asDouble(-1);
        assertTrue(acc >= 0 && acc <= 1, "test accuracy " + acc);
    }

    @Test
    @RequiresData("msa-sequences/youtube/y_train.h5")
    void youtubeTrainsAsAThreeClassTask(@TempDir Path dir) throws Exception {
        JsonNode r = train(TestData.file("msa-sequences/youtube"), dir.resolve("yt"), 10);
        double acc = r.at("/final/test/accuracy").asDouble(-1);
        System.out.printf("youtube late fusion, seed 1, 10 epochs: test accuracy %.4f%n", acc);
        assertTrue(acc > 1.0 / 3, "above chance on 3 classes: " + acc);
    }
}
