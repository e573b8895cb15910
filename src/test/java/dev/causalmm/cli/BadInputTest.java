package dev.causalmm.cli;

import dev.causalmm.experiment.Failure;
import dev.causalmm.experiment.InterruptNotice;

import static dev.causalmm.cli.Cli.run;
import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9, "inputs that cannot corrupt results": every bad input fails with exit status 2 and a
 * one-line message before any work starts (no data generated, no model trained: the output folder
 * gets no checkpoints), and leaves every file that was there untouched.
 */
class BadInputTest {
    /** Small sizes, so a test that wrongly starts training still ends soon (and then fails). */
    private static final String[] SMALL = {"--epochs", "1", "--train-size", "300", "--val-size", "50", "--test-size", "50", "--no-progress"};

    @TempDir Path dir;

    private static String[] train(Path out, String... more) {
        List<String> a = new ArrayList<>(List.of("train", "--out", out.toString()));
        for (int i = 0; i < SMALL.length; i++) {
            if (List.of(more).contains(SMALL[i])) i++; // given in `more`: picocli allows each option once
            else a.add(SMALL[i]);
        }
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    /** Every file under {@code root} with its content and modification time. */
    private static Map<String, String> snapshot(Path root) throws IOException {
        Map<String, String> m = new TreeMap<>();
        if (!Files.exists(root)) return m;
        try (var s = Files.walk(root)) {
            for (Path p : s.toList()) {
                String key = root.relativize(p).toString();
                m.put(key, Files.isDirectory(p) ? "dir" : Files.readString(p) + "@" + Files.getLastModifiedTime(p));
            }
        }
        return m;
    }

    /** The message is the first line, names what is wrong, and no training ran. */
    private static void assertRefused(String output, Path out, String... expected) {
        for (String e : expected) assertTrue(output.contains(e), "expected '" + e + "' in: " + output);
        assertTrue(output.startsWith("causalmm: "), output);
        assertFalse(output.contains("Exception"), "no stack trace: " + output);
        assertFalse(Files.exists(out.resolve("checkpoints")), "no training started: " + out);
    }

    @Test
    void duplicateSeedsAreRefused() {
        Path out = dir.resolve("run");
        String o = run(2, train(out, "--seed", "1,1,2"));
        assertRefused(o, out, "seed 1 is given twice", "[1, 1, 2]");
        assertFalse(Files.exists(out), "nothing written");
    }

    @Test
    void nanEvalNoiseIsRefused() {
        Path out = dir.resolve("run");
        String o = run(2, train(out, "--eval-noise", "0,NaN"));
        assertRefused(o, out, "noise levels must be finite numbers >= 0", "NaN");
        assertFalse(Files.exists(out));
    }

    @Test
    void negativeEvalNoiseIsRefusedBeforeTraining() {
        Path out = dir.resolve("run");
        String o = run(2, train(out, "--eval-noise", "-5"));
        assertRefused(o, out, "noise levels must be finite numbers >= 0", "-5");
        assertFalse(Files.exists(out));
    }

    @Test
    void nanEvalNoiseOfEvalIsRefusedBeforeTheCheckpointIsRead() {
        Path out = dir.resolve("eval");
        String o = run(2, "eval", "--checkpoint", dir.resolve("model.ckpt").toString(), "--out", out.toString(), "--noise", "NaN");
        assertRefused(o, out, "noise level must be a finite number >= 0, got NaN");
        assertFalse(Files.exists(out));
    }

    @Test
    void nanC3rLambdaIsRefused() {
        Path out = dir.resolve("run");
        String o = run(2, train(out, "--regularizer", "c3r", "--c3r.lambda-v", "NaN"));
        assertRefused(o, out, "lambda-v must be a finite number >= 0, got NaN");
        assertFalse(Files.exists(out));
        String inf = run(2, train(out, "--regularizer", "c3r", "--c3r.alpha", "Infinity"));
        assertRefused(inf, out, "--c3r.alpha must be a finite number");
        String eta = run(2, train(out, "--regularizer", "c3r", "--c3r.eta", "NaN"));
        assertRefused(eta, out, "--c3r.eta must be a finite number > 0");
    }

    @Test
    void divergingTrainingStopsWithAClearErrorAndStoresNoResults() {
        Path out = dir.resolve("run");
        String o = run(Failure.DIVERGED.exitCode, train(out, "--lr", "1e9", "--epochs", "2", "--batch-size", "32"));
        assertTrue(o.contains("causalmm: late-fusion seed 1: training diverged") && o.contains("epoch 1, step")
                && o.contains("learning rate 1.0E9"), o);
        assertFalse(Files.exists(out.resolve("results.json")), "no results with a NaN loss");
        assertFalse(Files.exists(out.resolve("checkpoints/late-fusion-seed1/last.ckpt")), "the diverged epoch is not checkpointed");
        assertFalse(Files.exists(out.resolve("checkpoints/late-fusion-seed1/model.ckpt")), "no model saved");
    }

    @Test
    void anInterruptedTrainingSaysHowToResume() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        boolean[] finished = {false};
        assertTrue(InterruptNotice.appliesTo(new String[] {"-q", "train", "--out", "x"}));
        Thread hook = InterruptNotice.hook(() -> finished[0], new PrintStream(buf, true));
        hook.run(); // what the JVM runs on Ctrl-C while training
        assertTrue(buf.toString().contains("interrupted — rerun the same command to resume"), buf.toString());
        buf.reset();
        finished[0] = true;
        hook.run(); // a normal exit says nothing
        assertEquals("", buf.toString());
        assertFalse(InterruptNotice.appliesTo(new String[] {"eval"}), "eval does not resume");
        assertTrue(InterruptNotice.appliesTo(new String[] {"experiment"}));
    }

    @Test
    void evalIntoATrainingFolderIsRefused() throws Exception {
        Path out = dir.resolve("run");
        Files.createDirectories(out.resolve("checkpoints/concat-seed1"));
        Files.writeString(out.resolve("results.json"), "{\"schema\": \"causalmm.results/1\", \"command\": \"train\", \"config\": {}}");
        var before = snapshot(out);
        String o = run(2, "eval", "--checkpoint", out.resolve("checkpoints/concat-seed1/model.ckpt").toString(), "--out", out.toString());
        assertTrue(o.contains(out + " holds 'train'") && o.contains("differs in kind (train, this run eval)"), o);
        assertEquals(before, snapshot(out), "the training results are untouched");
        // a training folder without results.json yet (interrupted) is refused too
        Files.delete(out.resolve("results.json"));
        String o2 = run(2, "eval", "--checkpoint", out.resolve("checkpoints/concat-seed1/model.ckpt").toString(), "--out", out.toString());
        assertTrue(o2.contains(out + " holds 'train' (written before owner files)"), o2);
    }

    @Test
    void evalOfAnotherCheckpointIntoAnEvalFolderIsRefused() throws Exception {
        Path out = dir.resolve("eval");
        Files.createDirectories(out);
        Files.writeString(out.resolve("results.json"), "{\"command\": \"eval\", \"config\": {\"checkpoint\": \"" + dir.resolve("a/model.ckpt") + "\"}}");
        var before = snapshot(out);
        String o = run(2, "eval", "--checkpoint", dir.resolve("b/model.ckpt").toString(), "--out", out.toString());
        assertTrue(o.contains("holds 'eval' of checkpoint " + dir.resolve("a/model.ckpt") + "; it differs in checkpoint"), o);
        assertEquals(before, snapshot(out));
    }

    @Test
    void trainingAnotherModelIntoAnExistingOutIsRefused() throws Exception {
        Path out = dir.resolve("run");
        Files.createDirectories(out);
        // the results of `train --model concat` (only what the check reads)
        Files.writeString(out.resolve("results.json"), """
                {"schema": "causalmm.results/1", "command": "train", "seeds": [1],
                 "config": {"dataset": "mmlsyn", "model": "concat", "regularizer": "none", "epochs": 1}}
                """);
        var before = snapshot(out);
        String o = run(2, train(out, "--model", "late-fusion"));
        assertRefused(o, out, "holds 'train' of model concat", "model (concat, this run late-fusion)", "fresh --out (or --overwrite)");
        assertEquals(before, snapshot(out), "the earlier results.json is untouched");
        String demo = run(2, "demo", "--out", out.toString(), "--epochs", "1");
        assertTrue(demo.contains("holds 'train' of model concat; it differs in kind (train, this run demo)"), demo);
        String exp = run(2, "experiment", "--config", writeGrid("g.json", "{\"models\": [\"concat\"], \"epochs\": 1}").toString(),
                "--out", out.toString());
        assertTrue(exp.contains("holds 'train' of model concat; it differs in kind (train, this run experiment)"), exp);
        assertEquals(before, snapshot(out));
    }

    @Test
    void retrainingWithFewerSeedsWouldDropFinishedRunsAndIsRefused() throws Exception {
        Path out = dir.resolve("run");
        Files.createDirectories(out);
        // what `train` wrote for seeds 1 and 2: the same configuration as the command below, as the CLI records it
        String o0 = run(2, train(out, "--seed", "1,1"));
        assertTrue(o0.contains("given twice"), o0);
        Files.writeString(out.resolve("results.json"), "{\"command\": \"train\", \"seeds\": [1, 2], \"config\": "
                + configOf(train(out, "--seed", "1,2")) + "}");
        var before = snapshot(out);
        String o = run(2, train(out, "--seed", "2"));
        assertRefused(o, out, "holds runs of seed(s) [1] that --seed [2] would drop");
        assertEquals(before, snapshot(out));
    }

    /** The config block {@code train} records for these arguments (built like TrainCommand does, without running it). */
    private static String configOf(String[] args) throws Exception {
        TrainCommand t = new TrainCommand();
        new picocli.CommandLine(t).parseArgs(java.util.Arrays.copyOfRange(args, 1, args.length));
        var spec = t.spec();
        return dev.causalmm.io.Json.MAPPER.writeValueAsString(spec);
    }

    @Test
    void optionsOfAnUnusedRegularizerAreRefused() {
        Path out = dir.resolve("run");
        String o = run(2, train(out, "--regularizer", "c3r", "--cmir.alpha", "0.2"));
        assertRefused(o, out, "--cmir.alpha applies only with --regularizer cmir, but this run uses --regularizer c3r");
        String o2 = run(2, train(out, "--c3r.eta", "0.5", "--c3r.step", "plain"));
        assertRefused(o2, out, "--c3r.eta, --c3r.step apply only with --regularizer c3r", "--regularizer none");
        String o3 = run(2, train(out, "--regularizer", "imml", "--c3r.lambda-v", "1"));
        assertRefused(o3, out, "--c3r.lambda-v applies only with --regularizer c3r");
        String demo = run(2, "demo", "--out", out.toString(), "--regularizers", "none", "--c3r.eta", "0.5");
        assertRefused(demo, out, "--c3r.eta applies only with --regularizers including c3r");
        assertFalse(Files.exists(out));
    }

    @Test
    void optionsOfAnUnusedDatasetAreRefused() {
        Path out = dir.resolve("run");
        String o = run(2, train(out, "--dataset", "imagetext", "--modalities", "3"));
        assertRefused(o, out, "--modalities applies only with --dataset mmlsyn, but this run uses --dataset imagetext");
        String seeds = run(2, train(out, "--eval-seeds", "5"));
        assertRefused(seeds, out, "--eval-seeds has no effect without --eval-noise");
        String nm = run(2, "eval", "--checkpoint", dir.resolve("m.ckpt").toString(), "--out", out.toString(), "--noise-modalities", "1");
        assertRefused(nm, out, "--noise-modalities has no effect without --noise");
        // feature-file and image+text-folder options with a generated dataset, and the reverse
        String split = run(2, train(out, "--split", "0.8,0.1,0.1"));
        assertRefused(split, out, "--split applies only with --dataset FEATURE-FILE|MANIFEST, but this run uses --dataset mmlsyn");
        String image = run(2, train(out, "--image-size", "32", "--orientation", "rows"));
        assertRefused(image, out, "applies only with", "--dataset mmlsyn");
        assertFalse(Files.exists(out));
    }

    @Test
    void syntheticDataOptionsWithAFeatureFileAreRefused() throws IOException {
        Path csv = dir.resolve("features.csv");
        StringBuilder b = new StringBuilder("a,b,label\n");
        for (int i = 0; i < 40; i++) b.append(i % 7).append(',').append(i % 3).append(',').append(i % 2).append('\n');
        Files.writeString(csv, b);
        Path out = dir.resolve("run");
        String o = run(2, "train", "--dataset", csv.toString(), "--train-size", "100", "--spurious-test", "0.2", "--out", out.toString());
        assertRefused(o, out, "--train-size, --spurious-test apply only with --dataset mmlsyn|imagetext");
        String t = run(2, "train", "--dataset", csv.toString(), "--tokenizer", "word", "--out", out.toString());
        assertRefused(t, out, "--tokenizer applies only with --dataset MANIFEST.jsonl|.csv");
        assertFalse(Files.exists(out));
    }

    @Test
    void emptyValidationSetIsRefused() {
        Path out = dir.resolve("run");
        String o = run(2, train(out, "--val-size", "0"));
        assertRefused(o, out, "the validation set must not be empty (val size 0)");
        assertFalse(Files.exists(out));
    }

    @Test
    void emptyOutIsRefused() {
        String o = run(2, train(Path.of(""), "--seed", "1"));
        assertTrue(o.contains("--out must name a folder; got an empty path"), o);
        String e = run(2, "eval", "--checkpoint", dir.resolve("m.ckpt").toString(), "--out", "");
        assertTrue(e.contains("--out must name a folder"), e);
        String x = run(2, "experiment", "--config", dir.resolve("none.json").toString(), "--out", "");
        assertTrue(x.contains("--out must name a folder"), x);
        assertFalse(Files.exists(Path.of("results.json")) && isRecent(Path.of("results.json")), "nothing written to the current folder");
    }

    private static boolean isRecent(Path p) {
        try {
            return Files.getLastModifiedTime(p).compareTo(FileTime.fromMillis(System.currentTimeMillis() - 60_000)) > 0;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void directoriesWhereFilesBelongAreNamedInTheMessage() throws Exception {
        Path ckDir = Files.createDirectories(dir.resolve("checkpoints/x"));
        String e = run(2, "eval", "--checkpoint", ckDir.toString(), "--out", dir.resolve("eval").toString());
        assertTrue(e.contains("--checkpoint " + ckDir + " is a folder"), e);
        Path out = dir.resolve("run");
        Files.createDirectories(out.resolve("results.json"));
        String t = run(2, train(out));
        assertRefused(t, out, "cannot write results to " + out.resolve("results.json") + ": it is a directory");
        Path file = Files.writeString(dir.resolve("afile"), "x");
        String f = run(2, train(file.resolve("sub")));
        assertTrue(f.contains(file + " is a file, not a folder"), f);
        String c = run(2, "experiment", "--config", dir.toString());
        assertTrue(c.contains("experiment config " + dir + " is a directory"), c);
    }

    @Test
    void aParseErrorPrintsOneLineAndAHintNotTheUsage() {
        String o = run(2, "train", "--epochs", "one", "--out", dir.toString());
        List<String> lines = o.lines().filter(l -> !l.isBlank()).toList();
        assertTrue(lines.size() <= 3, "short: " + o);
        assertTrue(lines.get(0).startsWith("causalmm: Invalid value for option '--epochs': 'one'"), o);
        assertTrue(o.contains("see 'causalmm train --help'"), o);
        String typo = run(2, "train", "--epoch", "3", "--out", dir.toString());
        assertTrue(typo.contains("Unknown options: '--epoch'") && typo.contains("--epochs") && typo.lines().count() <= 5, typo);
    }

    // ------------------------------------------------------------------ experiment grids

    private Path writeGrid(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }

    private String experiment(int exit, Path cfg, Path out) {
        return run(exit, "experiment", "--config", cfg.toString(), "--out", out.toString(), "--no-progress");
    }

    private static final String TINY = "\"epochs\": 1, \"seeds\": [1], \"noise\": [0], \"regularizers\": [\"none\"],"
            + " \"mmlsyn\": {\"trainSize\": 300, \"valSize\": 50, \"testSize\": 50}";

    @Test
    void gridWithAnUnknownTopLevelKeyIsRefused() throws Exception {
        Path out = dir.resolve("out");
        String o = experiment(2, writeGrid("g.json", "{" + TINY + ", \"epoch\": 5}"), out);
        assertRefused(o, out, "g.json: unknown key 'epoch'", "known keys:", "epochs");
        String y = experiment(2, writeGrid("g.yaml", "epochs: 1\nseeds: [1]\nmodel: [concat]\n"), out);
        assertRefused(y, out, "g.yaml: unknown key 'model'");
        String nested = experiment(2, writeGrid("n.json", "{\"epochs\": 1, \"c3r\": {\"etaa\": 0.5}}"), out);
        assertRefused(nested, out, "n.json: unknown key 'c3r.etaa'", "known keys of 'c3r'");
        assertFalse(Files.exists(out));
    }

    @Test
    void gridSettingsOfAnUnusedDatasetOrRegularizerAreRefused() throws Exception {
        Path out = dir.resolve("out");
        String d = experiment(2, writeGrid("d.json", "{\"dataset\": \"imagetext\", \"mmlsyn\": {\"trainSize\": 300}}"), out);
        assertRefused(d, out, "d.json: key 'mmlsyn' has no effect: the grid's dataset is 'imagetext'");
        String r = experiment(2, writeGrid("r.yaml", "regularizers: [none, imml]\ncmir: {lambdaInv: 0.5}\n"), out);
        assertRefused(r, out, "r.yaml: key 'cmir' has no effect: the grid's regularizers are [none, imml]");
        assertFalse(Files.exists(out));
    }

    @Test
    void gridWithAWronglyTypedValueIsRefused() throws Exception {
        Path out = dir.resolve("out");
        String o = experiment(2, writeGrid("g.json", "{\"models\": [\"concat\"], \"epochs\": \"one\"}"), out);
        assertRefused(o, out, "g.json: key 'epochs' has the wrong type: expected an integer");
        String s = experiment(2, writeGrid("s.json", "{\"epochs\": \"2\"}"), out);
        assertRefused(s, out, "key 'epochs' has the wrong type");
        String y = experiment(2, writeGrid("g.yaml", "epochs: 1.5\n"), out);
        assertRefused(y, out, "g.yaml: key 'epochs' has the wrong type");
        String n = experiment(2, writeGrid("n.yaml", "mmlsyn: {trainSize: many}\n"), out);
        assertRefused(n, out, "n.yaml: key 'mmlsyn.trainSize' has the wrong type");
        String b = experiment(2, writeGrid("b.json", "{\"qmfCompat\": \"yes\"}"), out);
        assertRefused(b, out, "key 'qmfCompat' has the wrong type: expected true or false");
        String nul = experiment(2, writeGrid("nul.json", "{\"epochs\": null}"), out);
        assertRefused(nul, out, "key 'epochs' is null");
        assertFalse(Files.exists(out));
    }

    @Test
    void gridWithNoModelsIsRefused() throws Exception {
        Path out = dir.resolve("out");
        String empty = experiment(2, writeGrid("e.json", "{\"models\": []}"), out);
        assertRefused(empty, out, "'models' must list at least one value");
        String obj = experiment(2, writeGrid("o.json", "{\"models\": {}}"), out);
        assertRefused(obj, out, "o.json: key 'models' has the wrong type: expected a list");
        String regs = experiment(2, writeGrid("r.yaml", "regularizers: []\n"), out);
        assertRefused(regs, out, "'regularizers' must list at least one value");
        assertFalse(Files.exists(out));
    }

    @Test
    void gridWithAnUnknownModelIsRefusedBeforeAnyCellTrains() throws Exception {
        Path out = dir.resolve("out");
        // the unknown model comes second: the first cell must not train either
        String o = experiment(2, writeGrid("g.json", "{" + TINY + ", \"models\": [\"late-fusion\", \"resnet\"]}"), out);
        assertRefused(o, out, "g.json: unknown model 'resnet'");
        assertFalse(Files.exists(out), "no cell trained");
    }

    @Test
    void gridWithNegativeOrNanNoiseIsRefusedBeforeAnyCellTrains() throws Exception {
        Path out = dir.resolve("out");
        String o = experiment(2, writeGrid("g.json", "{\"epochs\": 1, \"seeds\": [1], \"noise\": [0, -5]}"), out);
        assertRefused(o, out, "noise levels must be finite numbers >= 0, got -5.0");
        String dup = experiment(2, writeGrid("d.json", "{\"seeds\": [1, 1]}"), out);
        assertRefused(dup, out, "seed 1 is given twice");
        String lr = experiment(2, writeGrid("lr.yaml", "lr: 0\n"), out);
        assertRefused(lr, out, "lr must be a finite number > 0, got 0.0");
        String nan = experiment(2, writeGrid("nan.yaml", "lr: .nan\n"), out);
        assertRefused(nan, out, "nan.yaml: not valid YAML");
        String c3r = experiment(2, writeGrid("c.json", "{\"c3r\": {\"lambdaV\": -1}}"), out);
        assertRefused(c3r, out, "c.json: key 'c3r': c3r lambda-v must be a finite number >= 0, got -1.0");
        String val = experiment(2, writeGrid("v.json", "{\"mmlsyn\": {\"valSize\": 0}}"), out);
        assertRefused(val, out, "mmlsyn.valSize must be > 0");
        assertFalse(Files.exists(out));
    }

    @Test
    void changingAGridsEpochsDoesNotOverwriteFinishedCells() throws Exception {
        Path out = dir.resolve("out");
        Path cfg = writeGrid("g.json", "{" + TINY + ", \"models\": [\"late-fusion\"]}");
        // a finished cell as the grid wrote it with epochs 1 (training.json: the training identity it was trained with)
        Path cell = Files.createDirectories(out.resolve("cells/late-fusion"));
        var grid = dev.causalmm.experiment.GridConfig.read(cfg);
        Files.writeString(cell.resolve("training.json"), trainingJson(grid));
        Files.writeString(cell.resolve("results.json"), "{\"finished\": true}");
        Files.writeString(cfg, Files.readString(cfg).replace("\"epochs\": 1", "\"epochs\": 2"));
        var before = snapshot(out);
        String o = experiment(2, cfg, out);
        assertRefused(o, out.resolve("cells/late-fusion"), "were trained with other settings", "late-fusion (epochs (1, this run 2))", "fresh --out");
        assertEquals(before, snapshot(out), "the finished cell is untouched");
    }

    /** The training.json GridRunner writes for the grid's single late-fusion cell. */
    private static String trainingJson(dev.causalmm.experiment.GridConfig g) throws Exception {
        var spec = dev.causalmm.experiment.GridRunner.cell(g, "late-fusion", "none", dev.causalmm.engine.Device.CPU);
        var id = (com.fasterxml.jackson.databind.node.ObjectNode) dev.causalmm.io.Json.MAPPER.valueToTree(spec);
        id.remove(List.of("seeds", "device", "dcor", "evalNoise", "evalSeeds", "qmfCompat"));
        return dev.causalmm.io.Json.MAPPER.writeValueAsString(id);
    }

    @Test
    void aBatchLargerThanTheDataIsOneBatchOfEveryRowAndAllocatesForTheRowsOnly() throws Exception {
        Path out = dir.resolve("big-batch");
        String o = run(0, train(out, "--batch-size", "20000000"));
        assertTrue(o.contains("wrote " + out.resolve("results.json")), o);
        assertFalse(o.contains("out of memory") || o.contains("interrupted"), o);
    }

    @Test
    void outOfMemoryIsReportedAsSuchNotAsAnInterruption() {
        OutOfMemoryError oom = new OutOfMemoryError("Java heap space");
        assertEquals(2, Failures.exitCode(oom));
        String m = Failure.message(oom);
        assertTrue(m.startsWith("out of memory (Java heap space)") && m.contains("--batch-size") && m.contains("-Xmx"), m);
        assertFalse(m.contains("interrupted") || m.contains("resume"), m);
    }

    @Test
    void aFullDiskWhileWritingNamesTheFile() {
        Path target = dir.resolve("results.json");
        var e = assertThrows(java.io.IOException.class, () -> dev.causalmm.io.AtomicFiles.write(target, ch -> {
            throw new java.io.IOException("No space left on device");
        }));
        assertEquals("cannot write " + target + ": No space left on device", e.getMessage());
        assertFalse(Files.exists(target), "no torn file");
    }
}
