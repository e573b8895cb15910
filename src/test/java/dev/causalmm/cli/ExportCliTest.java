package dev.causalmm.cli;

import static dev.causalmm.cli.Cli.run;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.causalmm.data.MMLSynConfig;
import dev.causalmm.data.MMLSynData;
import dev.causalmm.engine.Tensor;
import dev.causalmm.interop.TrainedModel;
import dev.causalmm.io.Json;
import dev.causalmm.io.SafeTensors;
import dev.causalmm.testing.Skip;
import dev.causalmm.testing.SkipGroup;
import dev.causalmm.train.Checkpoint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code causalmm export} end to end: a trained late-fusion model exported from its checkpoint
 * loads back with identical predictions; the independent Python reader
 * ({@code native/tools/read_safetensors.py}, numpy only) lists its tensors with the right shapes
 * and sums; the C++ example ({@code native/cpp-example/check.sh}) reproduces the Java logits
 * within 1e-5 where cmake, a C++ compiler and LibTorch are installed (skipped otherwise).
 */
class ExportCliTest {
    @TempDir static Path dir;
    static Path ckpt;
    static final int[] DIMS = {20, 20};

    @BeforeAll
    static void train() {
        Path out = dir.resolve("run");
        run(0, "train", "--dataset", "mmlsyn", "--model", "late-fusion", "--epochs", "1", "--seed", "3", "--out", out.toString(),
                "--batch-size", "64", "--train-size", "500", "--val-size", "100", "--test-size", "100", "--no-progress");
        ckpt = out.resolve("checkpoints/late-fusion-seed3/model.ckpt");
        assertTrue(Files.exists(ckpt));
    }

    /** A fixed input batch: the first test samples of the generated data, one tensor per modality. */
    static List<Tensor> fixedInput(TrainedModel m) {
        List<Tensor> x = new ArrayList<>();
        java.util.Random r = new java.util.Random(99);
        for (var spec : m.modalities()) {
            int d = (int) spec.shape()[0];
            float[] v = new float[8 * d];
            for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian();
            x.add(Tensor.of(v, 8, d).unscoped());
        }
        return x;
    }

    @Test
    void exportedModelLoadsBackWithIdenticalPredictions() throws Exception {
        Path model = dir.resolve("model");
        String text = run(0, "export", "--checkpoint", ckpt.getParent().toString(), "--out", model.toString());
        assertTrue(text.contains("exported late-fusion"), text);
        try (TrainedModel fromCk = TrainedModel.fromCheckpoint(ckpt); TrainedModel back = TrainedModel.load(model)) {
            List<Tensor> x = fixedInput(fromCk);
            try {
                assertArrayEquals(fromCk.logits(x), back.logits(x), "the export predicts exactly as the checkpoint");
            } finally {
                x.forEach(Tensor::close);
            }
        }
        JsonNode card = Json.MAPPER.readTree(model.resolve("model.json").toFile());
        assertEquals("late-fusion", card.get("model").asText());
        assertEquals(3, card.get("seed").asLong());
        assertEquals(2, card.get("modalities").size());
        assertTrue(Files.exists(model.resolve("model.pt")));

        String bf = run(0, "export", "--checkpoint", ckpt.toString(), "--out", dir.resolve("bf16").toString(), "--dtype", "bfloat16",
                "--no-libtorch-archive");
        assertTrue(bf.contains("bfloat16"), bf);
        assertFalse(Files.exists(dir.resolve("bf16/model.pt")));
        String bad = run(2, "export", "--checkpoint", ckpt.toString(), "--out", dir.resolve("x").toString(), "--dtype", "int8");
        assertTrue(bad.contains("unknown export dtype 'int8'"), bad);
        String missing = run(2, "export", "--checkpoint", dir.toString(), "--out", dir.resolve("y").toString());
        assertTrue(missing.contains("without a model.ckpt"), missing);
    }

    /** A python3 with numpy, or null: the default one first, then Debian's. */
    static String python() {
        for (String p : new String[] {"python3", "/usr/bin/python3"}) {
            try {
                Process pr = new ProcessBuilder(p, "-c", "import numpy").redirectErrorStream(true).start();
                if (pr.waitFor(60, TimeUnit.SECONDS) && pr.exitValue() == 0) return p;
            } catch (IOException | InterruptedException e) {
                // not this one
            }
        }
        return null;
    }

    static String exec(List<String> cmd, int timeoutSeconds, int[] exit) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("OMP_NUM_THREADS", "1");
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(timeoutSeconds, TimeUnit.SECONDS), "timed out: " + cmd);
        exit[0] = p.exitValue();
        return new String(out, StandardCharsets.UTF_8);
    }

    @Test
    void independentPythonReaderListsTheTensorsWithTheirShapes() throws Exception {
        String py = python();
        Skip.unless(py != null, SkipGroup.NO_PYTHON_NUMPY, () -> "tried python3 and /usr/bin/python3");
        for (String dtype : new String[] {"float32", "bfloat16", "float16"}) {
            Path model = dir.resolve("py-" + dtype);
            run(0, "export", "--checkpoint", ckpt.toString(), "--out", model.toString(), "--dtype", dtype, "--no-libtorch-archive");
            int[] exit = new int[1];
            String listing = exec(List.of(py, Path.of("native/tools/read_safetensors.py").toAbsolutePath().toString(),
                    model.resolve("model.safetensors").toString()), 120, exit);
            assertEquals(0, exit[0], listing);
            List<String> lines = listing.lines().filter(l -> !l.startsWith("metadata ")).toList();
            assertTrue(listing.contains("metadata causalmm.card"), listing);
            try (SafeTensors st = SafeTensors.open(model.resolve("model.safetensors"))) {
                assertEquals(st.entries().size(), lines.size(), listing);
                int i = 0;
                for (SafeTensors.Entry e : st.entries().values()) {
                    String[] f = lines.get(i++).split("\t");
                    assertEquals(e.name(), f[0]);
                    assertEquals(e.dtype().name(), f[1]);
                    StringBuilder shape = new StringBuilder();
                    for (long d : e.shape()) shape.append(shape.isEmpty() ? "" : ",").append(d);
                    assertEquals(shape.toString(), f[2], e.name());
                    double sum = 0;
                    for (float v : st.floats(e.name())) sum += v;
                    assertEquals(sum, Double.parseDouble(f[3]), 1e-6 * Math.max(1, Math.abs(sum)), "sum of " + e.name() + " (" + dtype + ")");
                }
            }
            // and the shapes are those of the Java model's parameters
            try (TrainedModel m = TrainedModel.load(model)) {
                int i = 0;
                for (var p : m.parameters().entrySet()) {
                    String[] f = lines.get(i++).split("\t");
                    assertEquals(p.getKey(), f[0]);
                    assertEquals(java.util.Arrays.stream(p.getValue().shape()).mapToObj(Long::toString).reduce((a, b) -> a + "," + b).orElse(""), f[2]);
                }
            }
        }
    }

    @Test
    void cppExampleReproducesTheJavaLogits() throws Exception {
        Path model = dir.resolve("cpp-model");
        run(0, "export", "--checkpoint", ckpt.toString(), "--out", model.toString());
        Path fixture = dir.resolve("fixture.safetensors");
        try (TrainedModel m = TrainedModel.load(model)) {
            List<Tensor> x = fixedInput(m);
            try {
                List<SafeTensors.Data> data = new ArrayList<>();
                for (int k = 0; k < x.size(); k++) data.add(new SafeTensors.Data("input" + k, x.get(k).shape(), x.get(k).toFloatArray()));
                data.add(new SafeTensors.Data("logits", new long[] {8, m.numClasses()}, m.logits(x)));
                SafeTensors.write(fixture, data, SafeTensors.DType.F32, null);
            } finally {
                x.forEach(Tensor::close);
            }
        }
        int[] exit = new int[1];
        String out = exec(List.of("bash", Path.of("native/cpp-example/check.sh").toAbsolutePath().toString(), model.toString(),
                fixture.toString(), Path.of("target/cpp-example-build").toAbsolutePath().toString()), 600, exit);
        System.out.println(out.strip());
        Skip.unless(exit[0] != 77, SkipGroup.NO_CPP_TOOLCHAIN, () -> out.strip());
        assertEquals(0, exit[0], out);
        assertTrue(out.contains("OK: C++ reproduces the Java logits within 1e-5"), out);
    }
}
