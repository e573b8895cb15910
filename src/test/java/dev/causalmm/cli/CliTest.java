package dev.causalmm.cli;

import static dev.causalmm.cli.Cli.run;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.causalmm.io.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {

    @Test
    void everyCommandHasHelp() {
        assertTrue(run(0, "--help").contains("demo"));
        for (String c : new String[] {"demo", "train", "eval"}) {
            String h = run(0, c, "--help");
            assertTrue(h.contains("--out"), c + ": " + h);
        }
        String train = run(0, "train", "--help");
        for (String o : new String[] {"--dataset", "--model", "--epochs", "--seed", "--device", "--regularizer"}) {
            assertTrue(train.contains(o), o);
        }
    }

    @Test
    void trainThenEvalWriteResultsJsonAndCheckpoints(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("run");
        String text = run(0, "train", "--dataset", "mmlsyn", "--model", "concat", "--epochs", "2", "--seed", "4",
                "--device", "cpu", "--out", out.toString(), "--batch-size", "32", "--train-size", "2000", "--val-size", "200", "--test-size", "300",
                "--no-progress");
        assertTrue(text.contains("concat"), text);
        JsonNode r = Json.MAPPER.readTree(out.resolve("results.json").toFile());
        assertEquals("causalmm.results/1", r.get("schema").asText());
        assertEquals("concat", r.at("/config/model").asText());
        assertEquals(4, r.at("/seeds/0").asLong());
        assertEquals(2, r.at("/runs/0/epochs").size());
        double acc = r.at("/final/test/accuracy").asDouble();
        assertTrue(acc > 0.6 && acc <= 1, "final.test.accuracy = " + acc);
        assertTrue(r.at("/versions/java").asText().startsWith("25"));
        Path ckpt = out.resolve("checkpoints/concat-seed4/model.ckpt");
        assertTrue(Files.exists(ckpt));
        assertTrue(Files.exists(out.resolve("checkpoints/concat-seed4/last.ckpt")));

        Path evalOut = dir.resolve("eval");
        run(0, "eval", "--checkpoint", ckpt.toString(), "--out", evalOut.toString(), "--model", "concat");
        JsonNode e = Json.MAPPER.readTree(evalOut.resolve("results.json").toFile());
        assertEquals("eval", e.get("command").asText());
        assertEquals(acc, e.at("/final/test/accuracy").asDouble(), 1e-9, "eval reproduces train's test accuracy");

        String mismatch = run(2, "eval", "--checkpoint", ckpt.toString(), "--out", evalOut.toString(), "--model", "late-fusion");
        assertTrue(mismatch.contains("does not match"), mismatch);
        // the same command again resumes its own finished run; with other evaluation options too,
        // and removes the temporary files a crash mid-write would have left
        Path staleCk = Files.writeString(out.resolve("checkpoints/concat-seed4/.last.ckpt.8123456789.tmp"), "torn");
        Path staleOut = Files.writeString(out.resolve(".results.json.42.tmp"), "torn");
        Path notOurs = Files.writeString(out.resolve("notes.tmp"), "user file");
        run(0, "train", "--dataset", "mmlsyn", "--model", "concat", "--epochs", "2", "--seed", "4",
                "--device", "cpu", "--out", out.toString(), "--batch-size", "32", "--train-size", "2000", "--val-size", "200", "--test-size", "300",
                "--eval-noise", "0,5", "--no-progress");
        assertFalse(Files.exists(staleCk) || Files.exists(staleOut), "stale temporary files are removed on resume");
        assertTrue(Files.exists(notOurs), "other files are left alone");
        // the same --out with other settings must not resume (or silently keep) the finished model
        String other = run(2, "train", "--dataset", "mmlsyn", "--model", "concat", "--epochs", "2", "--seed", "4", "--lr", "0.01",
                "--out", out.toString(), "--train-size", "1000", "--val-size", "200", "--test-size", "200", "--no-progress");
        assertTrue(other.contains("holds 'train' of model concat; it differs in") && other.contains("optimizer"), other);
    }

    @Test
    void unavailableAndUnknownNamesFailClearly(@TempDir Path dir) {
        String cmir = run(2, "train", "--regularizer", "cmir", "--cmir.pairing", "random", "--out", dir.toString());
        assertTrue(cmir.contains("--cmir.pairing"), cmir);
        String pred = run(2, "train", "--regularizer", "imml", "--imml.predominant", "text", "--out", dir.toString());
        assertTrue(pred.contains("--imml.predominant"), pred);
        String sign = run(2, "train", "--regularizer", "c3r", "--c3r.sign", "sideways", "--out", dir.toString());
        assertTrue(sign.contains("--c3r.sign"), sign);
        String metric = run(2, "train", "--metrics", "f1", "--out", dir.toString());
        assertTrue(metric.contains("unknown metric 'f1'"), metric);
        String model = run(2, "train", "--model", "unet3d", "--out", dir.toString(), "--epochs", "1", "--train-size", "100");
        assertTrue(model.contains("'unet3d' is a segmentation model"), model);
        String dcor = run(2, "train", "--dataset", "imagetext", "--metrics", "dcor", "--out", dir.toString());
        assertTrue(dcor.contains("latent factors"), dcor);
        String dataset = run(2, "train", "--dataset", "food101", "--out", dir.toString());
        assertTrue(dataset.contains("unknown dataset 'food101'"), dataset);
        String device = run(2, "train", "--device", "tpu", "--out", dir.toString());
        assertTrue(device.contains("unknown device 'tpu'"), device);
        String precision = run(2, "train", "--precision", "fp16", "--out", dir.toString());
        assertTrue(precision.contains("unknown precision 'fp16' (expected fp32, tf32 or bf16)"), precision);
        String missing = run(2, "eval", "--checkpoint", dir.resolve("nope.ckpt").toString(), "--out", dir.toString());
        assertTrue(missing.contains("nope.ckpt"), missing);
    }

    @Test
    void bf16PrecisionIsRecordedInTheResults(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("bf16");
        run(0, "train", "--dataset", "mmlsyn", "--model", "late-fusion", "--regularizer", "c3r", "--precision", "bf16", "--epochs", "1",
                "--out", out.toString(), "--batch-size", "128", "--train-size", "600", "--val-size", "100", "--test-size", "100", "--no-progress");
        JsonNode r = Json.MAPPER.readTree(out.resolve("results.json").toFile());
        assertEquals("BF16", r.at("/config/precision").asText(), r.at("/config").toString());
        double acc = r.at("/final/test/accuracy").asDouble(Double.NaN);
        assertTrue(acc >= 0 && acc <= 1, "a bf16 run is evaluated like any other: " + r.at("/final/test"));
    }

    @Test
    void baseAndC3RWriteTheSameC3DiagnosticOfTheDeployedPredictor(@TempDir Path dir) throws Exception {
        // issue 9's "done means": both runs write final.test.c3 with "space": "predictor", computed the same way
        JsonNode[] r = new JsonNode[2];
        String[] regs = {"none", "c3r"};
        for (int i = 0; i < 2; i++) {
            Path out = dir.resolve(regs[i]);
            run(0, "train", "--dataset", "mmlsyn", "--model", "late-fusion", "--regularizer", regs[i], "--epochs", "1", "--seed", "3",
                    "--out", out.toString(), "--batch-size", "128", "--train-size", "1000", "--val-size", "200", "--test-size", "300",
                    "--no-progress");
            r[i] = Json.MAPPER.readTree(out.resolve("results.json").toFile());
            for (String split : new String[] {"val", "test"}) {
                JsonNode c3 = r[i].at("/final/" + split + "/c3");
                assertEquals("predictor", c3.path("space").asText(), regs[i] + " " + split + ": " + c3);
                assertEquals(0.1, c3.path("eta").asDouble(), 1e-12);
                assertEquals(1 - r[i].at("/final/" + split + "/accuracy").asDouble(), c3.path("sufficiency_risk").asDouble(), 1e-9,
                        "the sufficiency risk is the deployed predictor's error");
            }
        }
        assertTrue(r[0].at("/final/test/c3r_twin").isMissingNode(), "no twin without C3R");
        assertTrue(r[0].at("/config/precision").isMissingNode(), "fp32 runs read as before the setting existed");
        assertEquals("c3r_twin", r[1].at("/final/test/c3r_twin/space").asText(), "C3R's own view, under its own name");
    }

    @Test
    void trainWithC3rReportsC3RisksAndEvalReproducesThem(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("c3r");
        run(0, "train", "--model", "late-fusion", "--regularizer", "c3r", "--c3r.alpha", "0", "--epochs", "2", "--seed", "2",
                "--out", out.toString(), "--batch-size", "64", "--train-size", "2000", "--val-size", "200", "--test-size", "300",
                "--metrics", "c3,dcor", "--no-progress");
        JsonNode r = Json.MAPPER.readTree(out.resolve("results.json").toFile());
        assertEquals("c3r", r.at("/config/regularizer").asText());
        assertEquals(0.0, r.at("/config/c3r/alpha").asDouble());
        double suff = r.at("/final/test/c3/sufficiency_risk").asDouble(-1);
        double nec = r.at("/final/test/c3/necessity_risk").asDouble(-1);
        assertTrue(suff >= 0 && suff <= 1 && nec >= 0 && nec <= 1, r.at("/final/test").toString());
        assertTrue(r.at("/runs/0/epochs/1/terms").has("c3.necessity_risk"), "per-epoch C3 terms");
        assertTrue(r.at("/final/test/dcor/SN").asDouble() > 0.3, r.at("/final/test/dcor").toString());
        Path ckpt = out.resolve("checkpoints/late-fusion+c3r-seed2/model.ckpt");
        Path evalOut = dir.resolve("eval");
        String text = run(0, "eval", "--checkpoint", ckpt.toString(), "--out", evalOut.toString(), "--metrics", "c3,dcor");
        assertTrue(text.contains("C3 risk on test"), text);
        JsonNode e = Json.MAPPER.readTree(evalOut.resolve("results.json").toFile());
        assertEquals(nec, e.at("/final/test/c3/necessity_risk").asDouble(), 1e-12, "eval reproduces the C3 diagnostic of the rebuilt model");
        assertEquals(suff, e.at("/final/test/c3/sufficiency_risk").asDouble(), 1e-12);
    }

    @Test
    void trainWithImmlAndEvalTheWeightedModel(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("imml");
        run(0, "train", "--model", "concat", "--regularizer", "imml", "--imml.predominant", "1", "--epochs", "2", "--seed", "3",
                "--out", out.toString(), "--batch-size", "64", "--train-size", "1000", "--val-size", "200", "--test-size", "300",
                "--no-progress");
        JsonNode r = Json.MAPPER.readTree(out.resolve("results.json").toFile());
        assertEquals(1, r.at("/config/imml/predominant").asInt());
        assertTrue(r.at("/runs/0/epochs/0/terms").has("imml.L_mdke") && r.at("/runs/0/epochs/0/terms").has("imml.L_beta"));
        double acc = r.at("/final/test/accuracy").asDouble();
        Path ckpt = out.resolve("checkpoints/concat+imml-seed3/model.ckpt");
        Path evalOut = dir.resolve("eval");
        run(0, "eval", "--checkpoint", ckpt.toString(), "--out", evalOut.toString());
        JsonNode e = Json.MAPPER.readTree(evalOut.resolve("results.json").toFile());
        assertEquals(acc, e.at("/final/test/accuracy").asDouble(), 1e-9, "eval restores the feature weights ω");
    }

    @Test
    void trainWithCmirAndEvalTheSplitModel(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("cmir");
        run(0, "train", "--model", "late-fusion", "--regularizer", "cmir", "--cmir.pairing", "assigned", "--cmir.include-clean",
                "--epochs", "2", "--seed", "5", "--out", out.toString(), "--batch-size", "64", "--train-size", "1000",
                "--val-size", "200", "--test-size", "300", "--no-progress");
        JsonNode r = Json.MAPPER.readTree(out.resolve("results.json").toFile());
        assertTrue(r.at("/config/cmir/assigned").asBoolean());
        JsonNode terms = r.at("/runs/0/epochs/1/terms");
        assertTrue(terms.has("cmir.R_inv") && terms.has("cmir.R_dec") && terms.has("cmir.R_rec"), terms.toString());
        double acc = r.at("/final/test/accuracy").asDouble();
        Path evalOut = dir.resolve("eval");
        run(0, "eval", "--checkpoint", out.resolve("checkpoints/late-fusion+cmir-seed5/model.ckpt").toString(), "--out", evalOut.toString());
        JsonNode e = Json.MAPPER.readTree(evalOut.resolve("results.json").toFile());
        assertEquals(acc, e.at("/final/test/accuracy").asDouble(), 1e-9, "eval restores the invariant/spurious heads");
    }

    @Test
    void noiseRobustnessProtocolAfterTrainingAndInEval(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("noise");
        String text = run(0, "train", "--model", "late-fusion", "--epochs", "2", "--seed", "1,2", "--out", out.toString(),
                "--batch-size", "64", "--train-size", "1000", "--val-size", "100", "--test-size", "400",
                "--eval-noise", "0,10", "--eval-seeds", "2", "--no-progress");
        assertTrue(text.contains("noise ε=10"), text);
        JsonNode r = Json.MAPPER.readTree(out.resolve("results.json").toFile());
        JsonNode n10 = r.at("/final/test/noise/10");
        assertEquals(4, n10.get("evaluations").asInt(), "2 training seeds × 2 evaluation seeds");
        assertTrue(n10.get("worst").asDouble() <= n10.get("avg").asDouble());
        assertEquals(r.at("/runs/0/final/test/accuracy").asDouble(), r.at("/runs/0/final/test/noise/0/accuracies/0").asDouble(), 1e-12,
                "ε = 0 equals the clean evaluation");
        Path evalOut = dir.resolve("eval");
        run(0, "eval", "--checkpoint", out.resolve("checkpoints/late-fusion-seed1/model.ckpt").toString(), "--out", evalOut.toString(),
                "--noise", "10", "--noise-modalities", "0", "--eval-seed", "3");
        JsonNode e = Json.MAPPER.readTree(evalOut.resolve("results.json").toFile());
        assertEquals(10.0, e.at("/config/noise/eps").asDouble());
        assertEquals(0, e.at("/config/noise/modalities/0").asInt());
    }

    @Test
    void imageTextTrainAndEvalWithImageAndWordNoise(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("it");
        String text = run(0, "train", "--dataset", "imagetext", "--model", "mmbt-small", "--regularizer", "c3r", "--epochs", "2",
                "--out", out.toString(), "--batch-size", "64", "--train-size", "600", "--val-size", "100", "--test-size", "300",
                "--eval-noise", "0,10", "--no-progress");
        assertTrue(text.contains("noise ε=10"), text);
        JsonNode r = Json.MAPPER.readTree(out.resolve("results.json").toFile());
        assertEquals("imagetext", r.at("/config/dataset").asText());
        assertEquals(600, r.at("/config/imagetext/trainSize").asInt());
        double clean = r.at("/runs/0/final/test/accuracy").asDouble();
        Path ckpt = out.resolve("checkpoints/mmbt-small+c3r-seed1/model.ckpt");
        Path evalOut = dir.resolve("eval");
        run(0, "eval", "--checkpoint", ckpt.toString(), "--out", evalOut.toString());
        JsonNode e = Json.MAPPER.readTree(evalOut.resolve("results.json").toFile());
        assertEquals(clean, e.at("/final/test/accuracy").asDouble(), 1e-12, "eval rebuilds the image+text model and its data");
        run(0, "eval", "--checkpoint", ckpt.toString(), "--out", evalOut.toString(), "--noise", "10", "--noise-modalities", "1",
                "--qmf-compat");
        JsonNode n = Json.MAPPER.readTree(evalOut.resolve("results.json").toFile());
        assertTrue(n.at("/config/noise/qmfCompat").asBoolean());
        run(0, "eval", "--checkpoint", ckpt.toString(), "--out", evalOut.toString(), "--missing-modalities", "1", "--missing-rate", "0.5");
        JsonNode missing = Json.MAPPER.readTree(evalOut.resolve("results.json").toFile());
        assertEquals(1, missing.at("/config/missing/modalities/0").asInt());
        assertEquals(0.5, missing.at("/config/missing/rate").asDouble());
        run(0, "eval", "--checkpoint", ckpt.toString(), "--out", evalOut.toString(), "--spurious-test", "1");
        JsonNode badge = Json.MAPPER.readTree(evalOut.resolve("results.json").toFile());
        assertEquals(1.0, badge.at("/config/imagetext/spuriousTest").asDouble(), "test images carry the class badge");
        String dcor = run(2, "eval", "--checkpoint", ckpt.toString(), "--out", evalOut.toString(), "--metrics", "dcor");
        assertTrue(dcor.contains("latent factors"), dcor);
        String compat = run(2, "eval", "--checkpoint", ckpt.toString(), "--out", evalOut.toString(), "--qmf-compat");
        assertTrue(compat.contains("--noise"), compat);
        assertTrue(r.at("/config/mmlsyn").isMissingNode(), "only the named dataset's settings are recorded");
    }

    @Test
    void demoWritesTableReportAndChart(@TempDir Path dir) throws Exception {
        String text = run(0, "demo", "--out", dir.toString(), "--epochs", "2", "--seed", "1,2", "--train-size", "1000",
                "--val-size", "200", "--test-size", "200", "--no-progress");
        assertTrue(text.contains("late-fusion+c3r") && text.contains("concat") && text.contains("test worst"), text);
        JsonNode r = Json.MAPPER.readTree(dir.resolve("results.json").toFile());
        assertEquals(2, r.at("/models/concat/runs").size());
        assertTrue(r.at("/models/concat+c3r/final/test/c3").has("necessity_risk"));
        assertEquals(4, r.at("/models/late-fusion/final/test/dcor").size());
        assertEquals((byte) 0x89, Files.readAllBytes(dir.resolve("dcor.png"))[0]);
        assertTrue(Files.readString(dir.resolve("report.md")).contains("| late-fusion |"));
        byte[] png = Files.readAllBytes(dir.resolve("learning-curves.png"));
        assertEquals((byte) 0x89, png[0]);
        assertEquals('P', png[1]);
    }
}
