package dev.causalmm.interop;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.causalmm.causal.C3RConfig;
import dev.causalmm.engine.NoGrad;
import dev.causalmm.engine.Tensor;
import dev.causalmm.engine.TensorArchive;
import dev.causalmm.io.FormatException;
import dev.causalmm.io.Json;
import dev.causalmm.io.SafeTensors;
import dev.causalmm.train.Checkpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Export and load of trained models: safetensors + card + LibTorch archive round trips, checkpoints, bad files. */
class TrainedModelTest {

    /** A model description as train writes it into model.ckpt: late fusion over two feature vectors. */
    static ObjectNode state(String model, String regularizer, int... dims) {
        ObjectNode st = Json.object();
        st.put("format", TrainedModel.STATE_FORMAT);
        st.put("model", model);
        st.put("regularizer", regularizer);
        st.put("dataset", "mmlsyn");
        st.put("seed", 7);
        st.put("numClasses", 3);
        st.put("trainSize", 100);
        var mods = st.putArray("modalities");
        for (int i = 0; i < dims.length; i++) {
            ObjectNode o = mods.addObject();
            o.put("name", "x" + (i + 1));
            o.put("kind", "features");
            o.putArray("shape").add(dims[i]);
        }
        st.put("encoder", "c3r-paper");
        st.set("c3r", Json.MAPPER.valueToTree(C3RConfig.defaults()));
        return st;
    }

    /** Overwrites every parameter with seeded random values, so a load that did nothing could not pass. */
    static void randomize(TrainedModel tm, long seed) {
        Random r = new Random(seed);
        for (Tensor p : tm.parameters().values()) {
            float[] v = new float[(int) p.numel()];
            for (int i = 0; i < v.length; i++) v[i] = (float) (r.nextGaussian() * 0.3);
            try (Tensor src = Tensor.of(v, p.shape()); NoGrad ng = NoGrad.enter()) {
                p.copyFrom_(src);
            }
        }
    }

    static List<Tensor> inputs(long seed, int batch, int... dims) {
        Random r = new Random(seed);
        List<Tensor> out = new ArrayList<>();
        for (int d : dims) {
            float[] v = new float[batch * d];
            for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian();
            out.add(Tensor.of(v, batch, d).unscoped());
        }
        return out;
    }

    @Test
    void float32ExportLoadsBackWithIdenticalPredictions(@TempDir Path dir) throws Exception {
        List<Tensor> x = inputs(3, 16, 20, 12);
        try (TrainedModel tm = TrainedModel.rebuild(state("late-fusion", "none", 20, 12), "test")) {
            randomize(tm, 11);
            float[] before = tm.logits(x);
            tm.export(dir, ExportOptions.defaults());
            try (TrainedModel back = TrainedModel.load(dir)) {
                assertArrayEquals(before, back.logits(x), "float32 export must predict identically");
                assertEquals("late-fusion", back.modelName());
                assertEquals(tm.modalities(), back.modalities());
            }
            // the safetensors file alone also loads (the card rides in its metadata)
            try (TrainedModel back = TrainedModel.load(dir.resolve(TrainedModel.WEIGHTS_FILE))) {
                assertArrayEquals(before, back.logits(x));
            }
            JsonNode card = Json.MAPPER.readTree(dir.resolve(TrainedModel.CARD_FILE).toFile());
            assertEquals(TrainedModel.CARD_FORMAT, card.get("format").asText());
            assertEquals("late-fusion", card.at("/architecture/model").asText());
            assertEquals(3, card.at("/architecture/numClasses").asInt());
            assertEquals(List.of("0", "1", "2"), Json.MAPPER.convertValue(card.get("classNames"), List.class));
            assertEquals(20, card.at("/modalities/0/shape/0").asInt());
            assertEquals("none", card.at("/regularizer/name").asText());
            assertEquals(7, card.get("seed").asLong());
            assertEquals("2.10.0", card.at("/versions/libtorch").asText());
            assertFalse(card.at("/versions/causalmm").asText().isEmpty());
            assertEquals("float32", card.at("/weights/dtype").asText());
            // the LibTorch archive holds the same tensors
            Map<String, Tensor> params = tm.parameters();
            Map<String, Tensor> archived = TensorArchive.load(dir.resolve(TrainedModel.ARCHIVE_FILE), params.keySet());
            try {
                for (var e : params.entrySet()) {
                    assertArrayEquals(e.getValue().toFloatArray(), archived.get(e.getKey()).toFloatArray(), e.getKey());
                }
            } finally {
                archived.values().forEach(Tensor::close);
            }
        } finally {
            x.forEach(Tensor::close);
        }
    }

    @Test
    void halfPrecisionExportsRoundTheWeightsAndLoadAsFloat32(@TempDir Path dir) throws Exception {
        List<Tensor> x = inputs(5, 8, 10, 6);
        try (TrainedModel tm = TrainedModel.rebuild(state("concat", "none", 10, 6), "test")) {
            randomize(tm, 13);
            float[] before = tm.logits(x);
            for (SafeTensors.DType d : new SafeTensors.DType[] {SafeTensors.DType.BF16, SafeTensors.DType.F16}) {
                Path out = dir.resolve(d.longName());
                tm.export(out, ExportOptions.defaults().withDtype(d).withLibtorchArchive(false));
                assertFalse(Files.exists(out.resolve(TrainedModel.ARCHIVE_FILE)));
                try (SafeTensors st = SafeTensors.open(out.resolve(TrainedModel.WEIGHTS_FILE));
                     TrainedModel back = TrainedModel.load(out)) {
                    for (var e : tm.parameters().entrySet()) {
                        assertEquals(d, st.entry(e.getKey()).dtype());
                        float[] orig = e.getValue().toFloatArray();
                        float[] loaded = back.parameters().get(e.getKey()).toFloatArray();
                        for (int i = 0; i < orig.length; i++) {
                            float rounded = d == SafeTensors.DType.BF16 ? SafeTensors.bf16ToFloat(SafeTensors.floatToBf16(orig[i]))
                                    : Float.float16ToFloat(Float.floatToFloat16(orig[i]));
                            assertEquals(rounded, loaded[i], 0f, e.getKey() + "[" + i + "]");
                        }
                    }
                    float[] after = back.logits(x);
                    double tol = d == SafeTensors.DType.BF16 ? 0.1 : 0.01;
                    for (int i = 0; i < before.length; i++) assertEquals(before[i], after[i], tol, "logit " + i + " (" + d + ")");
                    assertEquals(d.longName(), Json.MAPPER.readTree(out.resolve(TrainedModel.CARD_FILE).toFile()).at("/weights/dtype").asText());
                }
            }
        } finally {
            x.forEach(Tensor::close);
        }
    }

    @Test
    void checkpointLoadsAsTheSameModelAndRegulariserParametersTravel(@TempDir Path dir) throws Exception {
        List<Tensor> x = inputs(9, 12, 20, 12);
        ObjectNode st = state("late-fusion", "c3r", 20, 12);
        try (TrainedModel tm = TrainedModel.rebuild(st, "test")) {
            randomize(tm, 17);
            assertTrue(tm.parameters().keySet().stream().anyMatch(k -> k.startsWith("regularizer.")),
                    "C3R keeps parameters beside the model's: " + tm.parameters().keySet());
            float[] before = tm.logits(x);
            Path ck = dir.resolve("model.ckpt");
            Checkpoint.capture(tm.parameters(), null, st).write(ck);
            try (TrainedModel fromCk = TrainedModel.fromCheckpoint(ck)) {
                assertArrayEquals(before, fromCk.logits(x));
                fromCk.export(dir.resolve("export"), ExportOptions.defaults().withLibtorchArchive(false));
            }
            try (TrainedModel back = TrainedModel.load(dir.resolve("export"))) {
                assertArrayEquals(before, back.logits(x));
                for (var e : tm.parameters().entrySet()) {
                    assertArrayEquals(e.getValue().toFloatArray(), back.parameters().get(e.getKey()).toFloatArray(), e.getKey());
                }
                assertEquals("c3r", back.regularizerName());
            }
            JsonNode card = Json.MAPPER.readTree(dir.resolve("export").resolve(TrainedModel.CARD_FILE).toFile());
            assertTrue(card.at("/regularizer/config").isObject(), card.toString());
        } finally {
            x.forEach(Tensor::close);
        }
    }

    @Test
    void theCardCarriesTheFeatureFileStandardisationAndClassNames(@TempDir Path dir) throws Exception {
        ObjectNode st = state("late-fusion", "none", 2, 3);
        ObjectNode ff = st.putObject("featureFile");
        ff.putObject("options").put("standardize", true);
        ff.putArray("views").add("view1").add("view2");
        ff.putArray("widths").add(2).add(3);
        ff.putArray("classes").add(1.0).add(2.0).add(5.5);
        var mean = ff.putArray("mean");
        mean.addArray().add(0.5).add(-1.0);
        mean.addArray().add(1).add(2).add(3);
        var std = ff.putArray("std");
        std.addArray().add(2.0).add(1.0);
        std.addArray().add(1).add(1).add(4);
        try (TrainedModel tm = TrainedModel.rebuild(st, "test")) {
            assertEquals(List.of("1", "2", "5.5"), tm.classNames());
            tm.export(dir, ExportOptions.defaults().withLibtorchArchive(false));
        }
        JsonNode card = Json.MAPPER.readTree(dir.resolve(TrainedModel.CARD_FILE).toFile());
        assertEquals("feature-file", card.at("/preprocessing/kind").asText());
        assertEquals(-1.0, card.at("/preprocessing/views/0/mean/1").asDouble());
        assertEquals(4.0, card.at("/preprocessing/views/1/std/2").asDouble());
        assertEquals("5.5", card.at("/classNames/2").asText());
    }

    @Test
    void filesThatAreNotExportsFailNamingTheFile(@TempDir Path dir) throws Exception {
        Path plain = dir.resolve("plain.safetensors");
        SafeTensors.write(plain, List.of(new SafeTensors.Data("w", new long[] {2}, new float[] {1, 2})), SafeTensors.DType.F32, Map.of());
        var e = assertThrows(FormatException.class, () -> TrainedModel.load(plain));
        assertTrue(e.getMessage().contains("plain.safetensors") && e.getMessage().contains("card"), e.getMessage());
        // an export whose tensors do not fit the model its card describes
        try (TrainedModel tm = TrainedModel.rebuild(state("late-fusion", "none", 4, 4), "test")) {
            tm.export(dir.resolve("m"), ExportOptions.defaults().withLibtorchArchive(false));
        }
        Path file = dir.resolve("m").resolve(TrainedModel.WEIGHTS_FILE);
        ObjectNode card;
        Map<String, String> meta;
        List<SafeTensors.Data> data = new ArrayList<>();
        try (SafeTensors st = SafeTensors.open(file)) {
            meta = new java.util.LinkedHashMap<>(st.metadata());
            card = (ObjectNode) Json.MAPPER.readTree(meta.get(TrainedModel.CARD_METADATA_KEY));
            for (var en : st.entries().values()) data.add(new SafeTensors.Data(en.name(), en.shape(), st.floats(en.name())));
        }
        ((ObjectNode) card.at("/state/modalities/0")).putArray("shape").add(5);
        meta.put(TrainedModel.CARD_METADATA_KEY, Json.MAPPER.writeValueAsString(card));
        Path bad = dir.resolve("bad.safetensors");
        SafeTensors.write(bad, data, SafeTensors.DType.F32, meta);
        var e2 = assertThrows(FormatException.class, () -> TrainedModel.load(bad));
        assertTrue(e2.getMessage().contains("bad.safetensors") && e2.getMessage().contains("shape"), e2.getMessage());
    }
}
