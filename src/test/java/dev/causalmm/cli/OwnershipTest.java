package dev.causalmm.cli;

import static dev.causalmm.cli.Cli.run;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.causalmm.io.Json;
import dev.causalmm.io.OutputFolder;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 24's ownership rule, as a table: every command that writes, pointed at a folder another run,
 * model or command owns (by its owner file, or recognised from an older folder's files), is refused
 * with exit 2 and a message naming the owner, before any work, leaving every file as it was;
 * {@code --overwrite} takes such a folder over; re-running the same command still resumes.
 */
class OwnershipTest {
    private static final String ELSEWHERE = "/elsewhere/other.ckpt";
    private static final String[] SEG_ARGS = {"--steps", "2", "--batch-size", "1", "--patch", "16", "--downsample", "1", "--width", "4",
        "--depth", "2", "--seed", "3", "--time-limit", "0"};

    @TempDir static Path dir;
    static Path trainRun, ckpt, segData, segCkpt, grid;

    @BeforeAll
    static void fixtures() throws IOException {
        trainRun = dir.resolve("train");
        run(0, train(trainRun, "concat"));
        ckpt = trainRun.resolve("checkpoints/concat-seed1/model.ckpt");
        segData = dir.resolve("segdata");
        for (int i = 0; i < 2; i++) {
            String id = "c" + i;
            SegCliTest.writeCase(segData.resolve(id), 10 + i, SegCliTest.brats2018Names(id, "flair", "t1", "t1ce", "t2"), id + "_seg.nii.gz",
                    false, ByteOrder.LITTLE_ENDIAN);
        }
        segCkpt = dir.resolve("seg");
        run(0, segTrain(segCkpt));
        grid = Files.writeString(dir.resolve("g.json"), "{\"name\": \"g\", \"models\": [\"concat\"], \"epochs\": 1, \"seeds\": [1],"
                + " \"noise\": [0], \"regularizers\": [\"none\"], \"mmlsyn\": {\"trainSize\": 300, \"valSize\": 50, \"testSize\": 50}}");
    }

    static String[] train(Path out, String model) {
        return new String[] {"train", "--model", model, "--epochs", "1", "--train-size", "300", "--val-size", "50", "--test-size", "50",
            "--no-progress", "--out", out.toString()};
    }

    static String[] segTrain(Path out, String... more) {
        List<String> a = new ArrayList<>(List.of("seg-train", "--data", segData.toString(), "--out", out.toString()));
        for (int i = 0; i < SEG_ARGS.length; i += 2) {
            if (!List.of(more).contains(SEG_ARGS[i])) a.addAll(List.of(SEG_ARGS[i], SEG_ARGS[i + 1]));
        }
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    /** A folder some other run or command owns, made fresh under {@code base}. */
    interface Target {
        Path make(Path base) throws IOException;
    }

    static Path copy(Path src, Path dst) throws IOException {
        try (var s = Files.walk(src)) {
            for (Path p : s.toList()) {
                Path q = dst.resolve(src.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(q);
                else Files.copy(p, q);
            }
        }
        return dst;
    }

    static Path withFiles(Path base, Map<String, String> files) throws IOException {
        for (var e : files.entrySet()) {
            Path f = base.resolve(e.getKey());
            Files.createDirectories(f.getParent());
            Files.writeString(f, e.getValue());
        }
        return base;
    }

    static String owner(String kind, String checkpoint) {
        return "{\"schema\": \"causalmm.provenance/1\", \"kind\": \"" + kind + "\", \"identity\": {\"checkpoint\": \"" + checkpoint
                + "\", \"sha256\": \"00\"}}";
    }

    static final Target TRAIN_FOLDER = b -> copy(trainRun, b);
    static final Target SEG_FOLDER = b -> copy(segCkpt, b);
    static final Target SEG_ITSELF = b -> segCkpt;
    static final Target EXPORT_FOLDER = b -> withFiles(b, Map.of(OutputFolder.OWNER_FILE, owner("export", ELSEWHERE),
            "model.safetensors", "weights", "model.json", "{}", "model.pt", "archive"));
    static final Target LEGACY_EXPORT = b -> withFiles(b, Map.of("model.safetensors", "weights", "model.json", "{}"));
    static final Target EVAL_OTHER = b -> withFiles(b, Map.of("results.json",
            "{\"command\": \"eval\", \"config\": {\"checkpoint\": \"" + ELSEWHERE + "\"}}"));
    static final Target GRID_OTHER = b -> withFiles(b, Map.of("results.json", "{\"schema\": \"causalmm.experiment/1\", \"name\": \"other\"}",
            "cells/concat/results.json", "{}"));
    static final Target SEG_EVAL_OTHER = b -> withFiles(b, Map.of(OutputFolder.OWNER_FILE, owner("seg-eval", ELSEWHERE),
            "results.json", "{\"subsets\": []}", "report.md", "# other", "dice-heatmap.png", "png"));
    static final Target LEGACY_PRED = b -> withFiles(b, Map.of("c0_pred.nii.gz", "labels of another checkpoint"));
    static final Target A_FILE = b -> Files.writeString(b, "a file");
    static final Target PROC = b -> Path.of("/proc/causalmm-ownership-test");

    static final Function<Path, String[]> TRAIN = out -> train(out, "late-fusion");
    static final Function<Path, String[]> EVAL = out -> new String[] {"eval", "--checkpoint", ckpt.toString(), "--out", out.toString()};
    static final Function<Path, String[]> EXPORT = out -> new String[] {"export", "--checkpoint", ckpt.toString(), "--out", out.toString()};
    static final Function<Path, String[]> EXPERIMENT = out -> new String[] {"experiment", "--config", grid.toString(), "--out", out.toString(),
        "--no-progress"};
    static final Function<Path, String[]> SEG_TRAIN = out -> segTrain(out);
    static final Function<Path, String[]> SEG_TRAIN_SEED4 = out -> segTrain(out, "--seed", "4");
    static final Function<Path, String[]> SEG_EVAL = out -> new String[] {"seg-eval", "--checkpoint", segCkpt.toString(), "--data",
        segData.toString(), "--out", out.toString()};
    static final Function<Path, String[]> SEG_PREDICT = out -> new String[] {"seg-predict", "--checkpoint", segCkpt.toString(), "--data",
        segData.toString(), "--out", out.toString()};

    record Case(String label, Function<Path, String[]> command, Target target, String... expected) {
        @Override
        public String toString() {
            return label;
        }
    }

    static Stream<Case> refusals() {
        return Stream.of(
                new Case("train into a seg-train folder", TRAIN, SEG_FOLDER, "holds 'seg-train'", "differs in kind (seg-train, this run train)"),
                new Case("train into an export", TRAIN, EXPORT_FOLDER, "holds 'export' of checkpoint " + ELSEWHERE),
                new Case("train of another model", TRAIN, TRAIN_FOLDER, "holds 'train' of model concat", "model (concat, this run late-fusion)"),
                new Case("eval into a train folder", EVAL, TRAIN_FOLDER, "holds 'train' of model concat; it differs in kind (train, this run eval)"),
                new Case("eval into another checkpoint's eval", EVAL, EVAL_OTHER, "holds 'eval' of checkpoint " + ELSEWHERE + "; it differs in checkpoint"),
                new Case("export into a train folder", EXPORT, TRAIN_FOLDER, "holds 'train' of model concat; it differs in kind"),
                new Case("export over another model's export", EXPORT, EXPORT_FOLDER, "holds 'export' of checkpoint " + ELSEWHERE + "; it differs in checkpoint"),
                new Case("export over an older export", EXPORT, LEGACY_EXPORT, "holds 'export' (written before owner files); it differs in identity"),
                new Case("experiment into a train folder", EXPERIMENT, TRAIN_FOLDER, "holds 'train' of model concat; it differs in kind"),
                new Case("experiment into another grid", EXPERIMENT, GRID_OTHER, "holds 'experiment' of name other; it differs in name (other, this run g)"),
                new Case("seg-train into a train folder", SEG_TRAIN, TRAIN_FOLDER, "holds 'train' of model concat; it differs in kind"),
                new Case("seg-train of another seed", SEG_TRAIN_SEED4, SEG_FOLDER, "holds 'seg-train'", "seed (3, this run 4)"),
                new Case("seg-eval into a train folder", SEG_EVAL, TRAIN_FOLDER, "holds 'train' of model concat; it differs in kind"),
                new Case("seg-eval over another checkpoint's", SEG_EVAL, SEG_EVAL_OTHER, "holds 'seg-eval' of checkpoint " + ELSEWHERE),
                new Case("seg-eval into its own checkpoint", SEG_EVAL, SEG_ITSELF, "holds 'seg-train'", "differs in kind (seg-train, this run seg-eval)"),
                new Case("seg-predict over older predictions", SEG_PREDICT, LEGACY_PRED, "holds 'seg-predict' (written before owner files)"),
                new Case("seg-predict into an export", SEG_PREDICT, EXPORT_FOLDER, "holds 'export' of checkpoint " + ELSEWHERE),
                new Case("seg-train into a file", SEG_TRAIN, A_FILE, "is a file, not a folder"),
                new Case("seg-eval into a file", SEG_EVAL, A_FILE, "is a file, not a folder"),
                new Case("seg-eval into /proc", SEG_EVAL, PROC, "cannot write to --out /proc/causalmm-ownership-test"),
                new Case("seg-train into /proc", SEG_TRAIN, PROC, "cannot write to --out /proc/causalmm-ownership-test"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void aFolderOfAnotherOwnerIsRefusedBeforeAnyWork(Case c) throws IOException {
        Path out = c.target().make(Files.createTempDirectory(dir, "case").resolve("out"));
        Map<String, String> before = snapshot(out);
        String o = run(2, c.command().apply(out));
        for (String e : c.expected()) assertTrue(o.contains(e), "expected '" + e + "' in: " + o);
        assertTrue(o.startsWith("causalmm: "), o);
        assertFalse(o.contains("Exception"), "no stack trace: " + o);
        assertEquals(before, snapshot(out), "every file is untouched");
    }

    @Test
    void overwriteTakesAnExportOverAndLeavesNoStaleArchive() throws IOException {
        Path out = EXPORT_FOLDER.make(dir.resolve("export-over"));
        run(0, "export", "--checkpoint", ckpt.toString(), "--out", out.toString(), "--overwrite", "--no-libtorch-archive");
        assertFalse(Files.exists(out.resolve("model.pt")), "the other model's archive is gone");
        assertFalse(Files.exists(out.resolve(OutputFolder.INCOMPLETE)), "the set was completed");
        JsonNode owner = Json.MAPPER.readTree(out.resolve(OutputFolder.OWNER_FILE).toFile());
        assertEquals("export", owner.path("kind").asText());
        assertEquals(ckpt.toAbsolutePath().normalize().toString(), owner.at("/identity/checkpoint").asText());
        // the same model again, with its archive and then without: no model.pt of an older export stays behind
        run(0, "export", "--checkpoint", ckpt.toString(), "--out", out.toString());
        assertTrue(Files.exists(out.resolve("model.pt")));
        run(0, "export", "--checkpoint", ckpt.toString(), "--out", out.toString(), "--no-libtorch-archive");
        assertFalse(Files.exists(out.resolve("model.pt")), "a stale model.pt of the same owner is removed");
    }

    @Test
    void overwriteTakesAnotherCheckpointsEvalOver() throws IOException {
        Path out = EVAL_OTHER.make(dir.resolve("eval-over"));
        run(0, "eval", "--checkpoint", ckpt.toString(), "--out", out.toString(), "--overwrite");
        JsonNode r = Json.MAPPER.readTree(out.resolve("results.json").toFile());
        assertEquals("eval", r.path("command").asText());
        assertEquals(ckpt.toString(), r.at("/config/checkpoint").asText());
    }

    @Test
    void sameRunAgainResumesAndSegTrainResumes() throws IOException {
        Path out = copy(trainRun, dir.resolve("again"));
        String o = run(0, train(out, "concat"));
        assertTrue(o.contains("wrote " + out.resolve("results.json")), o);
        Path seg = copy(segCkpt, dir.resolve("seg-again"));
        String s = run(0, segTrain(seg, "--steps", "3", "--resume"));
        assertTrue(s.contains("seg-train: 3 steps"), s);
    }

    @Test
    void aGridNameFromTheConfigCannotLeaveRuns() throws IOException {
        Path cfg = Files.writeString(dir.resolve("escape.json"), Files.readString(grid).replace("\"name\": \"g\"", "\"name\": \"../escaped-grid\""));
        String o = run(2, "experiment", "--config", cfg.toString(), "--no-progress");
        assertTrue(o.contains("experiment name '../escaped-grid' must be one folder name"), o);
        assertFalse(Files.exists(Path.of("escaped-grid")) || Files.exists(Path.of("runs/../escaped-grid")));
    }

    /** Every file under {@code root} (or {@code root} itself) with the SHA-256 of its content. */
    static Map<String, String> snapshot(Path root) throws IOException {
        Map<String, String> m = new TreeMap<>();
        if (!Files.exists(root)) return m;
        try (var s = Files.walk(root)) {
            for (Path p : s.toList()) {
                m.put(root.relativize(p).toString(), Files.isDirectory(p) ? "dir" : sha(Files.readAllBytes(p)));
            }
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
        return m;
    }

    private static String sha(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
