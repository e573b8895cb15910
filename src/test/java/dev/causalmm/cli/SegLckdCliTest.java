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
 * {@code seg-train --lckd}: its refusals come before any case is read, each naming the option to
 * change; and (with the data folder) two steps on the real four-modality sample, with an election
 * after each that scores all four modalities.
 */
class SegLckdCliTest {
    @TempDir Path dir;

    private String[] train(String... extra) throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        String[] base = {"seg-train", "--data", data.toString(), "--out", dir.resolve("out").toString()};
        String[] all = new String[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return all;
    }

    @Test
    void lckdWithChannelFusionIsRefusedBeforeAnyCaseIsRead() throws Exception {
        String o = run(2, train("--lckd"));
        assertTrue(o.contains("--fusion shared") && o.contains("LCKD"), o);
    }

    @Test
    void anLckdSettingWithoutLckdIsRefusedNotIgnored() throws Exception {
        String o = run(2, train("--fusion", "shared", "--lckd.weight", "0.5"));
        assertTrue(o.contains("--lckd.weight") && o.contains("only with --lckd"), o);
    }

    @Test
    void aBadLckdWeightIsRefusedNamingTheOption() throws Exception {
        String o = run(2, train("--fusion", "shared", "--lckd", "--lckd.weight", "-1"));
        assertTrue(o.contains("--lckd.weight") && o.contains("-1"), o);
    }

    @Test
    @RequiresData("brats-multimodal-sample")
    void lckdTrainsTwoStepsOnTheFourModalitySampleAndElectsAfterEach() throws Exception {
        Path out = dir.resolve("real");
        run(0, "seg-train", "--data", TestData.file("brats-multimodal-sample").toString(), "--out", out.toString(), "--fusion", "shared",
                "--lckd", "--lckd.elect-every", "1", "--lckd.election-patches", "3", "--steps", "2", "--batch-size", "1", "--patch", "16",
                "--downsample", "4", "--width", "4", "--depth", "1", "--time-limit", "0", "--checkpoint-every", "2");
        JsonNode report = Json.MAPPER.readTree(out.resolve("lckd.json").toFile());
        assertEquals(2, report.get("elections").size(), report.toString());
        for (JsonNode e : report.get("elections")) {
            for (String m : new String[] {"flair", "t1", "t1ce", "t2"}) {
                JsonNode dice = e.get("dice").get(m);
                for (int r = 0; r < 3; r++) assertTrue(dice.get(r).isNumber(), m + " scored in " + report);
            }
        }
    }
}
