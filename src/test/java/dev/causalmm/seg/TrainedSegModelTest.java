package dev.causalmm.seg;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.causalmm.io.FormatException;
import dev.causalmm.io.Json;
import dev.causalmm.io.SafeTensors;
import dev.causalmm.io.UserInputException;
import dev.causalmm.nn.Init;
import dev.causalmm.nn.UNet3d;
import dev.causalmm.nn.UNetConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A segmentation model exported from its seg-train checkpoint folder and loaded back
 * ({@link TrainedSegModel}): identical probabilities and label files, the model card's fields,
 * refusal of a classification export, and the export folder's ownership.
 */
class TrainedSegModelTest {
    @TempDir static Path dir;
    static Path data;
    static Path ckpt;
    static SegModelConfig cfg;
    static final SlidingWindow.Settings WINDOW = new SlidingWindow.Settings(new int[] {8, 8, 8}, 0.5, SlidingWindow.Blend.GAUSSIAN);

    /** A checkpoint folder whose weights are NOT those a fresh model of its seed gets (so a load that copies nothing fails). */
    @BeforeAll
    static void checkpoint() throws IOException {
        data = dir.resolve("data");
        SegTestVolumes.writeCase(data, "c0", ".nii.gz", true, "flair", "t1", "t1ce", "t2");
        SegTestVolumes.writeCase(data, "c1", ".nii.gz", true, "flair", "t1ce");
        SegDataOptions options = SegDataOptions.defaults().withCropMargin(1);
        UNetConfig uc = new UNetConfig(4, 3, 4, 8, 1, false, UNetConfig.Fusion.CHANNELS, 0.01);
        cfg = new SegModelConfig(uc, options.modalityNames(), new int[] {8, 8, 8}, 5, "brats2018", SegPipeline.optionsJson(options), 1);
        ckpt = dir.resolve("ckpt");
        ObjectNode state = Json.object();
        state.put("step", 7);
        try (UNet3d m = new UNet3d(uc, Init.seeded(1234))) {
            SegCheckpoint.write(ckpt, cfg, m, new byte[0], state);
        }
    }

    static Path export(String name, SafeTensors.DType dtype) throws IOException {
        Path out = dir.resolve(name);
        try (TrainedSegModel m = TrainedSegModel.fromCheckpoint(ckpt)) {
            TrainedSegModel.claimExportFolder(out, ckpt, false);
            m.export(out, dtype, false);
        }
        return out;
    }

    static float[][] probabilities(UNet3d model, SegVolume v) {
        return SlidingWindow.predict(model, v, (1 << v.modalities().size()) - 1, WINDOW);
    }

    @Test
    void anExportPredictsBitwiseAsItsCheckpoint() throws IOException {
        Path out = export("f32", SafeTensors.DType.F32);
        List<SegVolume> volumes = SegPipeline.load(data, SegPipeline.optionsFromJson(cfg.data()));
        try (TrainedSegModel a = TrainedSegModel.fromCheckpoint(ckpt); TrainedSegModel b = TrainedSegModel.load(out);
             TrainedSegModel file = TrainedSegModel.open(out.resolve(TrainedSegModel.WEIGHTS_FILE));
             UNet3d fresh = new UNet3d(cfg.unet(), Init.seeded(cfg.seed()))) {
            assertEquals(cfg.toJson(), b.config().toJson());
            assertEquals(7, b.steps());
            for (SegVolume v : volumes) {
                float[][] pa = probabilities(a.model(), v), pb = probabilities(b.model(), v);
                for (int c = 0; c < pa.length; c++) {
                    assertArrayEquals(pa[c], pb[c], v.id() + " channel " + c + ": the export predicts exactly as the checkpoint");
                    assertArrayEquals(pa[c], probabilities(file.model(), v)[c], "loading the safetensors file alone");
                }
                assertFalse(java.util.Arrays.equals(pa[0], probabilities(fresh, v)[0]), "the trained weights differ from a fresh model's");
            }
        }
    }

    @Test
    void predictFromTheExportWritesTheSameLabelsAsFromTheCheckpoint() throws IOException {
        Path out = export("f32-predict", SafeTensors.DType.F32);
        var settings = new SegEvaluation.Settings(WINDOW, new double[] {0.5, 0.5, 0.5}, 0, false);
        List<Path> fromCk = SegPipeline.predict(ckpt, data, Optional.empty(), settings, dir.resolve("pred-ckpt"));
        List<Path> fromExport = SegPipeline.predict(out, data, Optional.empty(), settings, dir.resolve("pred-export"));
        assertEquals(2, fromExport.size());
        for (int i = 0; i < fromCk.size(); i++) {
            assertEquals(fromCk.get(i).getFileName(), fromExport.get(i).getFileName());
            assertArrayEquals(Files.readAllBytes(fromCk.get(i)), Files.readAllBytes(fromExport.get(i)), fromExport.get(i).toString());
        }
    }

    @Test
    void theCardCarriesWhatPredictionNeeds() throws IOException {
        Path out = export("card", SafeTensors.DType.BF16);
        JsonNode card = Json.MAPPER.readTree(out.resolve(TrainedSegModel.CARD_FILE).toFile());
        assertEquals("causalmm.modelcard/1", card.get("format").asText());
        assertEquals("segmentation", card.get("task").asText());
        assertEquals(List.of("flair", "t1", "t1ce", "t2"), card.get("modalities").findValuesAsText("name"));
        assertEquals("*_t1ce.nii{,.gz}", card.get("modalities").get(2).get("glob").asText());
        assertEquals(2, card.get("modalities").get(2).get("channel").asInt());
        assertEquals("brats2018", card.at("/labelScheme/name").asText());
        assertEquals(LabelScheme.BRATS2018.mapText(), card.at("/labelScheme/map").asText());
        assertEquals(1, card.get("downsample").asInt());
        assertEquals("[8,8,8]", card.get("patch").toString());
        assertEquals("[8,8,8]", card.at("/window/patch").toString());
        assertEquals("auto", card.at("/preprocessing/normalise").asText());
        assertEquals(1, card.at("/preprocessing/cropMargin").asInt());
        assertEquals("seg-train", card.at("/provenance/kind").asText(), card.get("provenance").toString());
        assertEquals(5, card.at("/provenance/identity/seed").asLong());
        assertEquals("bfloat16", card.at("/weights/dtype").asText());
        assertEquals(cfg.toJson().toString(), card.get("state").toString());
        try (SafeTensors st = SafeTensors.open(out.resolve(TrainedSegModel.WEIGHTS_FILE))) {
            assertEquals(card.get("state"), Json.MAPPER.readTree(st.metadata().get("causalmm.card")).get("state"));
            assertEquals(card.at("/weights/tensors").asInt(), st.entries().size());
        }
        try (TrainedSegModel back = TrainedSegModel.load(out)) {
            assertEquals(cfg.toJson(), back.config().toJson(), "a bfloat16 export reloads with the same configuration");
        }
    }

    @Test
    void aClassificationExportIsRefusedNamingTheFile() throws IOException {
        Path out = Files.createDirectories(dir.resolve("classification"));
        Path file = out.resolve(TrainedSegModel.WEIGHTS_FILE);
        String card = "{\"format\":\"causalmm.modelcard/1\",\"model\":\"late-fusion\",\"state\":{\"format\":\"causalmm.model/1\"}}";
        SafeTensors.write(file, List.of(new SafeTensors.Data("w", new long[] {2}, new float[] {1, 2})), SafeTensors.DType.F32,
                Map.of("causalmm.card", card));
        FormatException e = assertThrows(FormatException.class, () -> TrainedSegModel.load(out));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("classification model export"), e.getMessage());
        e = assertThrows(FormatException.class, () -> TrainedSegModel.readConfig(out));
        assertTrue(e.getMessage().contains("late-fusion"), e.getMessage());
    }

    @Test
    void anExportFolderOfAnotherModelIsRefusedUnlessOverwritten() throws IOException {
        Path out = export("owned", SafeTensors.DType.F32);
        Path other = dir.resolve("other-ckpt");
        ObjectNode state = Json.object();
        try (UNet3d m = new UNet3d(cfg.unet(), Init.seeded(99))) {
            SegCheckpoint.write(other, cfg, m, new byte[0], state);
        }
        UserInputException e = assertThrows(UserInputException.class, () -> TrainedSegModel.claimExportFolder(out, other, false));
        assertTrue(e.getMessage().contains(out.toString()), e.getMessage());
        TrainedSegModel.claimExportFolder(out, ckpt, false); // the same checkpoint again: its own folder
        assertThrows(UserInputException.class, () -> TrainedSegModel.claimExportFolder(ckpt, ckpt, true), "never into the checkpoint folder");
        TrainedSegModel.claimExportFolder(out, other, true);
        assertFalse(Files.exists(out.resolve(TrainedSegModel.WEIGHTS_FILE)), "--overwrite removes the other model's files");
    }
}
