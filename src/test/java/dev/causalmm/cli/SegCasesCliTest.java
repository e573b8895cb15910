package dev.causalmm.cli;

import static dev.causalmm.cli.Cli.run;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.causalmm.io.Json;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code seg-train --cases} and {@code seg-eval --cases} on two synthetic case sets that differ as the
 * shared BraTS samples do (2018 names and labels with four modalities; other file names, FLAIR + T1c
 * only and the 2015 numbering): the checkpoint records every training case's set and modalities,
 * the held-out report lists them, and a held-out manifest holding a training case, or the same
 * patient under another id, is refused. A tiny step budget: no accuracy is claimed.
 */
class SegCasesCliTest {
    @TempDir static Path dir;
    static Path ckpt;

    static final String SETS = """
            modalities: [flair, t1, t1ce, t2]
            sets:
              - name: b18
                folder: %s
                modalities: {flair: "*_flair.nii.gz", t1: "*_t1.nii.gz", t1ce: "*_t1ce.nii.gz", t2: "*_t2.nii.gz"}
                label: "*_seg.nii.gz"
                labelScheme: brats2018
              - name: b15
                folder: %s
                modalities: {flair: "Flair.nii.gz", t1ce: "T1c.nii.gz"}
                label: OT.nii.gz
                labelScheme: brats2015
            """;

    static void write18(Path set, String id, long seed) throws Exception {
        SegCliTest.writeCase(set.resolve(id), seed, SegCliTest.brats2018Names(id, "flair", "t1", "t1ce", "t2"), id + "_seg.nii.gz", false,
                ByteOrder.LITTLE_ENDIAN);
    }

    static void write15(Path set, String id, long seed) throws Exception {
        SegCliTest.writeCase(set.resolve(id), seed, Map.of("flair", "Flair.nii.gz", "t1ce", "T1c.nii.gz"), "OT.nii.gz", true,
                ByteOrder.BIG_ENDIAN);
    }

    static Path manifest(String name, String set18, String set15, String extra) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, SETS.formatted(set18, set15) + extra);
        return f;
    }

    @BeforeAll
    static void train() throws Exception {
        write18(dir.resolve("train18"), "t0", 1);
        write15(dir.resolve("train15"), "q0", 2);
        write18(dir.resolve("held18"), "h0", 3);
        write15(dir.resolve("held15"), "k0", 4);
        ckpt = dir.resolve("ckpt");
        String out = run(0, "seg-train", "--cases", manifest("train.yaml", "train18", "train15", "").toString(), "--out", ckpt.toString(),
                "--steps", "2", "--batch-size", "1", "--patch", "8", "--downsample", "1", "--width", "4", "--depth", "1", "--time-limit", "0");
        assertTrue(out.contains("seg-train: 2 steps"), out);
    }

    @Test
    void theCheckpointAndTheHeldOutReportListEachTrainingCasesModalities() throws Exception {
        JsonNode cfg = Json.MAPPER.readTree(ckpt.resolve("config.json").toFile());
        JsonNode cases = cfg.at("/data/trainingCases");
        assertEquals(2, cases.size(), cases.toString());
        assertEquals("{\"case\":\"q0\",\"set\":\"b15\",\"modalities\":[\"flair\",\"t1ce\"]}", cases.get(1).toString());
        assertEquals("[\"flair\",\"t1\",\"t1ce\",\"t2\"]", cases.get(0).get("modalities").toString());
        Path ev = dir.resolve("eval");
        run(0, "seg-eval", "--cases", manifest("held.yaml", "held18", "held15", "").toString(), "--checkpoint", ckpt.toString(), "--out",
                ev.toString(), "--no-hd95");
        String report = Files.readString(ev.resolve("report.md"));
        assertTrue(report.contains("## Training cases") && report.contains("| q0 | b15 | flair, t1ce |")
                && report.contains("| t0 | b18 | flair, t1, t1ce, t2 |"), report);
        JsonNode results = Json.MAPPER.readTree(ev.resolve("results.json").toFile());
        assertEquals(cases, results.get("trainingCases"));
        Path export = dir.resolve("export"), ev2 = dir.resolve("eval-export");
        run(0, "export", "--checkpoint", ckpt.toString(), "--out", export.toString(), "--no-libtorch-archive");
        run(0, "seg-eval", "--cases", dir.resolve("held.yaml").toString(), "--checkpoint", export.toString(), "--out", ev2.toString(), "--no-hd95");
        JsonNode fromExport = Json.MAPPER.readTree(ev2.resolve("results.json").toFile());
        assertEquals(results.get("subsets"), fromExport.get("subsets"), "the export scores exactly as its checkpoint");
        assertEquals(cases, fromExport.get("trainingCases"), "the export's card carries the training cases");
        assertEquals(2, results.get("subsets").get(0).get("cases").asInt(), "FLAIR alone: both held-out cases");
        assertEquals(1, results.get("subsets").get(14).get("cases").asInt(), "all four: only the 2018 case has T1 and T2");
    }

    @Test
    void aHeldOutManifestWithATrainingCaseOrItsPatientIsRefused() throws Exception {
        String err = run(2, "seg-eval", "--cases", manifest("seen.yaml", "train18", "held15", "").toString(), "--checkpoint",
                ckpt.toString(), "--out", dir.resolve("e2").toString());
        assertTrue(err.contains("case t0 is a training case") && err.contains("seen.yaml"), err);
        err = run(2, "seg-eval", "--cases", manifest("patient.yaml", "held18", "held15", "patients:\n  - [q0, k0]\n").toString(),
                "--checkpoint", ckpt.toString(), "--out", dir.resolve("e3").toString());
        assertTrue(err.contains("case k0 is the same patient as training case q0"), err);
        assertFalse(Files.exists(dir.resolve("e3")), "a refusal writes nothing");
    }

    @Test
    void casesAndDataOrDiscoveryOptionsTogetherAreRefused() throws Exception {
        Path m = manifest("train.yaml", "train18", "train15", "");
        String err = run(2, "seg-train", "--cases", m.toString(), "--data", dir.resolve("train18").toString(), "--out", dir.resolve("x").toString());
        assertTrue(err.contains("either --data DIR or --cases FILE"), err);
        err = run(2, "seg-train", "--cases", m.toString(), "--label-scheme", "brats2015", "--out", dir.resolve("x").toString());
        assertTrue(err.contains("drop them from the command line"), err);
    }
}
