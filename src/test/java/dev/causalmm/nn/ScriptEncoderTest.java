package dev.causalmm.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.causalmm.baselines.Baselines;
import dev.causalmm.data.DataSplits;
import dev.causalmm.data.ImageTextFixtures;
import dev.causalmm.data.ImageTextFolder;
import dev.causalmm.data.ImageTextFolderOptions;
import dev.causalmm.data.ModalitySpec;
import dev.causalmm.engine.Device;
import dev.causalmm.engine.Optimizer;
import dev.causalmm.engine.Tensor;
import dev.causalmm.engine.TensorScope;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The TorchScript file made by src/test/resources/make_tiny_encoder.py (3×H×W → 8 features). */
class ScriptEncoderTest {
    static final Path TINY = Path.of("src/test/resources/tiny_image_encoder.pt").toAbsolutePath();
    @TempDir Path dir;

    @Test
    void loadsAndMatchesPyTorchsOutput() {
        var spec = ModalitySpec.image("image", 3, 16, 16);
        try (var enc = new ScriptEncoder(spec, new PretrainedEncoderSpec("image", TINY.toString(), "frozen", "raw"));
             var s = TensorScope.open("t")) {
            assertEquals(8, enc.featureDim());
            assertTrue(enc.namedParameters().isEmpty(), "a frozen encoder has no trainable parameters");
            int n = 2 * 3 * 16 * 16;
            float[] x = new float[n];
            for (int i = 0; i < n; i++) x[i] = (float) i / (n - 1); // torch.linspace(0, 1, n)
            Tensor out = enc.forward(Tensor.of(x, 2, 3, 16, 16));
            assertArrayEquals(new long[] {2, 8}, out.shape());
            assertFalse(out.requiresGrad());
            float[] row0 = java.util.Arrays.copyOf(out.toFloatArray(), 8);
            // printed by make_tiny_encoder.py (PyTorch 1.13, Debian python3-torch)
            float[] python = {0.09279635548591614f, 0.1690506637096405f, -0.1800403892993927f, -0.037908267229795456f,
                    0.14450806379318237f, -0.3012745678424835f, 0.18083339929580688f, -0.219746395945549f};
            assertArrayEquals(python, row0, 1e-5f);
        }
    }

    @Test
    void fineTunedWeightsTrainAndFrozenOnesDoNot() {
        var spec = ModalitySpec.image("image", 3, 16, 16);
        for (String mode : List.of("finetune", "frozen")) {
            try (var model = Encoders.withPretrained(List.of(new PretrainedEncoderSpec("image", TINY.toString(), mode, "unit")),
                    () -> Baselines.create("late-fusion", List.of(spec, ModalitySpec.vector("v", 4)), 3, EncoderConfig.c3rPaper(), 10, 1))) {
                var names = model.namedParameters().keySet();
                boolean hasScript = names.stream().anyMatch(k -> k.contains("pretrained.script.conv.weight"));
                assertEquals(mode.equals("finetune"), hasScript, names.toString());
                float[] before = ScriptTensors.convWeight(TINY);
                try (var opt = new Optimizer(new Optimizer.Settings(Optimizer.Kind.SGD, 0.5, 0, 0.9, 0.999, 1e-8, 0), model.parameters());
                     var s = TensorScope.open("step")) {
                    Tensor img = Tensor.rand(dev.causalmm.engine.DType.FLOAT32, Device.CPU, 4, 3, 16, 16).mul(255);
                    Tensor vec = Tensor.randn(dev.causalmm.engine.DType.FLOAT32, Device.CPU, 4, 4);
                    var out = model.forward(List.of(img, vec), null);
                    Tensor loss = out.logits().square().mean();
                    loss.backward();
                    opt.step();
                }
                if (mode.equals("finetune")) {
                    Tensor w = model.namedParameters().entrySet().stream().filter(e -> e.getKey().endsWith("pretrained.script.conv.weight"))
                            .findFirst().orElseThrow().getValue();
                    assertNotEquals(before[0], w.toFloatArray()[0], "fine-tuning moved the TorchScript weights");
                }
            }
        }
    }

    @Test
    void featureCacheRunsOnceAndReplacesTheModality() throws Exception {
        Path manifest = ImageTextFixtures.write(dir.resolve("data"), 5, 1);
        ImageTextFolderOptions o = ImageTextFolderOptions.defaults().withImage(16, 18, false).withText(8, "word", 1, 100, true);
        DataSplits raw = ImageTextFolder.open(manifest, o);
        Path cache = dir.resolve("cache");
        var enc = List.of(new PretrainedEncoderSpec("image", TINY.toString(), "cache", "unit"));
        DataSplits cached = FeatureCache.apply(raw, enc, cache, Device.CPU);
        assertEquals(ModalitySpec.vector("image", 8), cached.modalities().get(0));
        assertEquals(raw.modalities().get(1), cached.modalities().get(1));
        assertEquals(raw.train().size(), cached.train().size());
        assertTrue(ImageTextFolder.of(cached) != null, "the folder is found through the cache wrapper");
        List<Path> files;
        try (var l = Files.list(cache)) {
            files = l.sorted().toList();
        }
        assertEquals(3, files.size(), files.toString());
        long stamp = Files.getLastModifiedTime(files.get(0)).toMillis();
        Thread.sleep(20);
        DataSplits again = FeatureCache.apply(ImageTextFolder.open(manifest, o), enc, cache, Device.CPU);
        assertEquals(stamp, Files.getLastModifiedTime(files.get(0)).toMillis(), "read back, not recomputed");
        try (var a = java.lang.foreign.Arena.ofConfined()) {
            var r1 = new dev.causalmm.data.SampleReader(a, cached.modalities());
            var r2 = new dev.causalmm.data.SampleReader(a, again.modalities());
            r1.read(cached.test(), 1);
            r2.read(again.test(), 1);
            for (int j = 0; j < 8; j++) assertEquals(r1.value(0, j), r2.value(0, j));
            assertEquals(r1.value(1, 0), r2.value(1, 0));
        }
        var e = assertThrows(IllegalArgumentException.class, () -> FeatureCache.apply(raw,
                List.of(new PretrainedEncoderSpec("picture", TINY.toString(), "cache", "unit")), cache, Device.CPU));
        assertTrue(e.getMessage().contains("[image, text]"), e.getMessage());
    }

    @Test
    void notATorchScriptFileIsNamed() throws Exception {
        Path bad = dir.resolve("bad.pt");
        Files.writeString(bad, "not a zip");
        var e = assertThrows(java.io.UncheckedIOException.class,
                () -> new ScriptEncoder(ModalitySpec.vector("v", 3), new PretrainedEncoderSpec("v", bad.toString(), "frozen", "raw")));
        assertTrue(e.getMessage().contains(bad + ": not a TorchScript module"), e.getMessage());
    }

    /** Reads the conv weight of the tiny encoder straight from the file (a fresh load). */
    static final class ScriptTensors {
        static float[] convWeight(Path file) {
            try (var m = dev.causalmm.engine.ScriptModule.load(file)) {
                var p = m.namedParameters();
                float[] v = p.get("conv.weight").toFloatArray();
                p.values().forEach(Tensor::close);
                return v;
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }
}
