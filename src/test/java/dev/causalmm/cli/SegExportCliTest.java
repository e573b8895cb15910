package dev.causalmm.cli;

import static dev.causalmm.cli.Cli.run;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.causalmm.interop.TrainedModel;
import dev.causalmm.io.FormatException;
import dev.causalmm.io.Json;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code causalmm export} of a seg-train checkpoint folder and {@code seg-predict} from the export:
 * the same label files as from the checkpoint, the card beside the weights, and the refusals that
 * name the file when a classification export meets seg-predict or a segmentation export meets the
 * classification loader.
 */
class SegExportCliTest {
    @TempDir static Path dir;
    static Path ckpt;
    static Path export;

    @BeforeAll
    static void trainAndExport() throws Exception {
        for (int i = 0; i < 2; i++) {
            String id = "case" + i;
            SegCliTest.writeCase(dir.resolve("data/" + id), 40 + i, SegCliTest.brats2018Names(id, "flair", "t1", "t1ce", "t2"),
                    id + "_seg.nii.gz", false, ByteOrder.LITTLE_ENDIAN);
        }
        ckpt = dir.resolve("ckpt");
        String out = run(0, "seg-train", "--data", dir.resolve("data").toString(), "--out", ckpt.toString(), "--steps", "3", "--batch-size", "1",
                "--patch", "8", "--downsample", "1", "--width", "4", "--depth", "1", "--seed", "3", "--time-limit", "0");
        assertTrue(out.contains("seg-train: 3 steps"), out);
        export = dir.resolve("export");
        out = run(0, "export", "--checkpoint", ckpt.toString(), "--out", export.toString(), "--no-libtorch-archive");
        assertTrue(out.contains("exported segmentation unet3d [flair, t1, t1ce, t2]"), out);
    }

    @Test
    void segPredictFromTheExportWritesTheCheckpointsLabels() throws Exception {
        run(0, "seg-predict", "--checkpoint", ckpt.toString(), "--data", dir.resolve("data").toString(), "--out", dir.resolve("p1").toString());
        run(0, "seg-predict", "--checkpoint", export.toString(), "--data", dir.resolve("data").toString(), "--out", dir.resolve("p2").toString());
        for (String id : new String[] {"case0", "case1"}) {
            Path a = dir.resolve("p1/" + id + "_pred.nii.gz"), b = dir.resolve("p2/" + id + "_pred.nii.gz");
            assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b), b.toString());
        }
        run(0, "seg-predict", "--checkpoint", export.toString(), "--data", dir.resolve("data").toString(), "--out", dir.resolve("p4").toString(),
                "--layout", "monai");
        assertArrayEquals(Files.readAllBytes(dir.resolve("p1/case1_pred.nii.gz")), Files.readAllBytes(dir.resolve("p4/case1/case1_seg.nii.gz")),
                "MONAI's layout: <case>/<case>_seg.nii.gz");
        // another model's MONAI-layout predictions are its own: --overwrite removes them, case folders included
        Path stale = dir.resolve("p4/gone/gone_seg.nii.gz");
        Files.createDirectories(stale.getParent());
        Files.write(stale, new byte[] {1});
        run(2, "seg-predict", "--checkpoint", ckpt.toString(), "--data", dir.resolve("data").toString(), "--out", dir.resolve("p4").toString(),
                "--layout", "monai");
        run(0, "seg-predict", "--checkpoint", ckpt.toString(), "--data", dir.resolve("data").toString(), "--out", dir.resolve("p4").toString(),
                "--layout", "monai", "--overwrite");
        assertFalse(Files.exists(stale.getParent()), "the earlier owner's case folder is removed");
        assertTrue(Files.isRegularFile(dir.resolve("p4/case1/case1_seg.nii.gz")));
        JsonNode card = Json.MAPPER.readTree(export.resolve("model.json").toFile());
        assertEquals("segmentation", card.get("task").asText());
        assertEquals(3, card.get("steps").asInt());
        assertFalse(Files.exists(export.resolve("model.pt")), "--no-libtorch-archive");
    }

    @Test
    void theClassificationLoaderRefusesASegmentationExportNamingIt() {
        FormatException e = assertThrows(FormatException.class, () -> TrainedModel.load(export));
        assertTrue(e.getMessage().contains(export.resolve("model.safetensors").toString()) && e.getMessage().contains("segmentation model export"),
                e.getMessage());
    }

    @Test
    void segPredictRefusesAClassificationExportNamingIt() {
        Path run = dir.resolve("cls");
        run(0, "train", "--dataset", "mmlsyn", "--model", "late-fusion", "--epochs", "1", "--seed", "3", "--out", run.toString(),
                "--batch-size", "64", "--train-size", "200", "--val-size", "50", "--test-size", "50", "--no-progress");
        Path cls = dir.resolve("cls-export");
        run(0, "export", "--checkpoint", run.resolve("checkpoints/late-fusion-seed3").toString(), "--out", cls.toString());
        String err = run(2, "seg-predict", "--checkpoint", cls.toString(), "--data", dir.resolve("data").toString(), "--out",
                dir.resolve("p3").toString());
        assertTrue(err.contains(cls.resolve("model.safetensors").toString()) && err.contains("classification model export"), err);
        assertFalse(Files.exists(dir.resolve("p3")), "a refusal writes nothing");
    }

    @Test
    void exportIntoAnotherModelsFolderIsRefusedUnlessOverwritten() {
        Path other = dir.resolve("other-export");
        run(0, "export", "--checkpoint", ckpt.resolve("model.ckpt").toString(), "--out", other.toString());
        Path ckpt2 = dir.resolve("ckpt2");
        run(0, "seg-train", "--data", dir.resolve("data").toString(), "--out", ckpt2.toString(), "--steps", "1", "--batch-size", "1",
                "--patch", "8", "--downsample", "1", "--width", "4", "--depth", "1", "--seed", "4", "--time-limit", "0");
        String err = run(2, "export", "--checkpoint", ckpt2.toString(), "--out", other.toString());
        assertTrue(err.contains(other.toString()) && err.contains("--overwrite"), err);
        run(0, "export", "--checkpoint", ckpt2.toString(), "--out", other.toString(), "--overwrite");
        assertTrue(Files.exists(other.resolve("model.safetensors")));
    }
}
