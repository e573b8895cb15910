package dev.causalmm.seg;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.causalmm.engine.Engine;
import dev.causalmm.io.FormatException;
import dev.causalmm.io.Json;
import dev.causalmm.io.SafeTensors;
import dev.causalmm.nn.SafeTensorWeights;
import java.io.IOException;
import java.time.Instant;
import java.util.List;

/**
 * The model card of a segmentation export, in the classification card's form
 * ({@code causalmm.modelcard/1}: format, provenance, architecture, modalities, preprocessing,
 * versions, weights, state) with {@code "task": "segmentation"} and what prediction needs: the
 * modality channel order, the label scheme, downsampling, training patch and default inference
 * window, normalisation. {@code state} is the checkpoint's {@code config.json}
 * ({@link SegModelConfig}), from which {@link TrainedSegModel#load} rebuilds the model.
 */
final class SegModelCard {
    static final String FORMAT = "causalmm.modelcard/1";
    static final String TASK = "segmentation";
    /** The safetensors metadata key that holds the card (the same key as a classification export's). */
    static final String METADATA_KEY = "causalmm.card";

    private SegModelCard() {}

    /** The card of {@code m}'s export with weights {@code data} stored as {@code dtype}. */
    static ObjectNode of(TrainedSegModel m, SafeTensors.DType dtype, boolean archive, List<SafeTensors.Data> data) {
        SegModelConfig cfg = m.config();
        ObjectNode state = cfg.toJson();
        ObjectNode c = Json.object();
        c.put("format", FORMAT);
        c.put("task", TASK);
        c.put("created", Instant.now().toString());
        c.put("model", "unet3d");
        c.set("provenance", m.provenance().toJson());
        if (m.steps() >= 0) c.put("steps", m.steps());
        ObjectNode arch = c.putObject("architecture");
        arch.put("model", "unet3d");
        arch.set("unet", state.get("unet"));
        long n = 0;
        for (SafeTensors.Data d : data) n += d.values().length;
        arch.put("parameters", n);
        arch.put("forward", "input B x K x D x H x W, the modalities in 'modalities' order (an absent one zero-filled), and a B x K"
                + " availability mask (1 present); output one logit per region (WT, TC, ET): sigmoid, then threshold");
        ArrayNode mods = c.putArray("modalities");
        JsonNode globs = cfg.data().path("modalities");
        for (int i = 0; i < cfg.modalities().size(); i++) {
            String name = cfg.modalities().get(i);
            ObjectNode o = mods.addObject();
            o.put("name", name);
            o.put("channel", i);
            // a manifest's first set may lack a modality: its placeholder glob is no file name to show
            if (globs.has(name) && !globs.get(name).asText().equals(CasesManifest.ABSENT)) o.put("glob", globs.get(name).asText());
        }
        ObjectNode ls = c.putObject("labelScheme");
        ls.put("name", cfg.labelScheme());
        if (cfg.data().has("labelScheme")) ls.put("map", cfg.data().get("labelScheme").asText());
        c.set("regions", Json.MAPPER.valueToTree(List.of("WT", "TC", "ET")));
        c.put("downsample", cfg.downsample());
        c.set("patch", state.get("patch"));
        ObjectNode win = c.putObject("window");
        win.set("patch", state.get("patch"));
        win.put("note", "the default sliding window is the training patch, on the grid downsampled by 'downsample'");
        c.set("preprocessing", preprocessing(cfg));
        versions(c.putObject("versions"));
        weights(c.putObject("weights"), dtype, archive, data);
        c.set("state", state);
        return c;
    }

    private static ObjectNode preprocessing(SegModelConfig cfg) {
        ObjectNode p = Json.object();
        p.put("kind", "nifti-volumes");
        p.put("normalise", cfg.data().path("normalise").asText("zscore"));
        p.put("cropMargin", cfg.data().path("cropMargin").asInt(0));
        p.put("downsample", cfg.downsample());
        if (cfg.data().has("label")) p.put("labelGlob", cfg.data().get("label").asText());
        if (cfg.data().has("mask")) p.put("maskGlob", cfg.data().get("mask").asText());
        return p;
    }

    private static void versions(ObjectNode v) {
        String own = SegModelCard.class.getPackage().getImplementationVersion();
        v.put("causalmm", own == null ? "0.1.0-SNAPSHOT" : own);
        v.put("libtorch", Engine.libtorchVersion());
        v.put("javacppPresets", Engine.presetsVersion());
        v.put("java", Runtime.version().toString());
    }

    private static void weights(ObjectNode w, SafeTensors.DType dtype, boolean archive, List<SafeTensors.Data> data) {
        w.put("file", TrainedSegModel.WEIGHTS_FILE);
        w.put("dtype", dtype.longName());
        w.put("tensors", data.size());
        if (archive) w.put("libtorchArchive", TrainedSegModel.ARCHIVE_FILE);
        SafeTensorWeights.describe(w, data);
    }

    /** The card in {@code st}'s metadata; refuses a file without one, naming it. */
    static ObjectNode read(SafeTensors st) throws FormatException {
        String text = st.metadata().get(METADATA_KEY);
        if (text == null) {
            throw new FormatException(st.source() + ": no model card in its __metadata__ (key " + METADATA_KEY + "); not a model exported by causalmm");
        }
        try {
            JsonNode card = Json.MAPPER.readTree(text);
            if (!(card instanceof ObjectNode o) || !FORMAT.equals(card.path("format").asText())) {
                throw new FormatException(st.source() + ": the model card is not " + FORMAT);
            }
            return o;
        } catch (IOException e) {
            if (e instanceof FormatException f) throw f;
            throw new FormatException(st.source() + ": the model card in __metadata__ is not valid JSON: " + e.getMessage(), e);
        }
    }

    /** The model configuration a card records; a classification card is refused, naming the file and what to use. */
    static SegModelConfig config(JsonNode card, String source) throws FormatException {
        if (!TASK.equals(card.path("task").asText())) {
            throw new FormatException(source + " is a classification model export (model '" + card.path("model").asText() + "'), not a"
                    + " segmentation one; seg-predict and seg-eval need the export of a seg-train checkpoint folder"
                    + " (causalmm export --checkpoint SEG_TRAIN_FOLDER); TrainedModel.load reads this one");
        }
        try {
            return SegModelConfig.fromJson(card.path("state"), source + " (model card \"state\")");
        } catch (RuntimeException e) {
            throw new FormatException(source + ": the model card's \"state\" is malformed: " + e.getMessage(), e);
        }
    }
}
