package dev.causalmm.cli;

import static org.junit.jupiter.api.Assertions.*;

import dev.causalmm.nn.UNetConfig;
import dev.causalmm.seg.SegDataOptions;
import dev.causalmm.seg.SegModelConfig;
import dev.causalmm.seg.SegPipeline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 24's probe as tables: for every command, each bad option or file is refused before any work
 * with exit status 2, one line naming the option, file or field, no stack trace, and nothing written
 * (the folder's files are as they were). {@code OUT} in a case's arguments is a fresh output folder.
 */
class RefusalTableTest {
    @TempDir static Path dir;
    static Path cases, checkpoint, damaged, garbage;

    @BeforeAll
    static void fixtures() throws IOException {
        cases = Files.createDirectories(dir.resolve("cases"));
        checkpoint = Files.createDirectories(dir.resolve("seg-ckpt"));
        var cfg = new SegModelConfig(new UNetConfig(4, 3, 8, 64, 3, false, UNetConfig.Fusion.CHANNELS, 0.01),
                List.of("flair", "t1", "t1ce", "t2"), new int[] {16, 16, 16}, 1, "brats2018",
                SegPipeline.optionsJson(SegDataOptions.defaults()), 1);
        Files.writeString(checkpoint.resolve("config.json"), cfg.toJson().toString());
        damaged = Files.createDirectories(dir.resolve("damaged-ckpt"));
        Files.writeString(damaged.resolve("config.json"), "{\"unet\": [1, 2");
        garbage = Files.write(dir.resolve("garbage.json"), new byte[] {0, 1, 2, 3, 4, 5});
    }

    static Stream<Arguments> train() {
        String m = dir.resolve("m.jsonl").toString();
        return Stream.of(
                bad("--image-size", "--dataset", m, "--image-size", "0"),
                bad("--text-length", "--dataset", m, "--text-length", "0"),
                bad("--min-count", "--dataset", m, "--min-count", "0"),
                bad("--max-vocab", "--dataset", m, "--max-vocab", "0"),
                bad("--resize", "--dataset", m, "--resize", "0"),
                bad("--tokenizer nothere.json: no such file", "--dataset", m, "--tokenizer", "nothere.json"),
                bad("not a TorchScript file", "--encoder", "audio=" + garbage),
                bad("cannot read it", "--encoder", "audio=" + dir.resolve("none.pt")),
                bad("--lr", "--lr", "1e300"),
                bad("--lr", "--lr", "NaN"),
                bad("--nproc", "--nproc", "100000"),
                bad("--train-size", "--train-size", "2000000000"),
                bad("--imml.predominant 7", "--regularizer", "imml", "--imml.predominant", "7"),
                bad("epochs", "--epochs", "-1"),
                bad("batch size", "--batch-size", "-1"));
    }

    static Stream<Arguments> eval() {
        return Stream.of(
                bad("none.ckpt", "--checkpoint", dir.resolve("none.ckpt").toString()),
                bad("garbage.json", "--checkpoint", garbage.toString()));
    }

    static Stream<Arguments> export() {
        return Stream.of(
                bad("none.ckpt", "--checkpoint", dir.resolve("none.ckpt").toString()),
                bad("garbage.json", "--checkpoint", garbage.toString()));
    }

    static Stream<Arguments> experiment() {
        return Stream.of(
                bad("none.yaml", "--config", dir.resolve("none.yaml").toString()),
                bad("garbage.json", "--config", garbage.toString()));
    }

    static Stream<Arguments> segTrain() {
        return Stream.of(
                bad("--checkpoint-every", "--checkpoint-every", "-1"),
                bad("--lr", "--lr", "1e300"),
                bad("steps", "--steps", "0"),
                bad("--downsample", "--downsample", "9"),
                bad("--fusion", "--fusion", "sideways"),
                bad("--regularizer", "--regularizer", "garbage"));
    }

    static Stream<Arguments> segInference() {
        return Stream.of(
                bad("--threshold", "--threshold", "NaN"),
                bad("--threshold", "--threshold", "2"),
                bad("--threshold", "--threshold", "-1"),
                bad("--window", "--window", "0"),
                bad("--window", "--window", "4096"),
                bad("--window", "--window", "-8"),
                bad("--window 12: the checkpoint's U-Net of depth 3 needs a multiple of 8", "--window", "12"),
                bad("--modality gives 1 modalities", "--modality", "flair=*_flair.nii.gz"),
                bad("not a segmentation checkpoint folder", "--checkpoint", cases.toString()),
                bad("not valid JSON", "--checkpoint", damaged.toString()));
    }

    private static Arguments bad(String fragment, String... args) {
        return Arguments.of(fragment, List.of(args));
    }

    @ParameterizedTest(name = "train {1}")
    @MethodSource("train")
    void trainRefuses(String fragment, List<String> args) throws IOException {
        assertRefused(fragment, List.of("train", "--epochs", "1", "--no-progress"), args);
    }

    @ParameterizedTest(name = "eval {1}")
    @MethodSource("eval")
    void evalRefuses(String fragment, List<String> args) throws IOException {
        assertRefused(fragment, List.of("eval"), args);
    }

    @ParameterizedTest(name = "export {1}")
    @MethodSource("export")
    void exportRefuses(String fragment, List<String> args) throws IOException {
        assertRefused(fragment, List.of("export"), args);
    }

    @ParameterizedTest(name = "experiment {1}")
    @MethodSource("experiment")
    void experimentRefuses(String fragment, List<String> args) throws IOException {
        assertRefused(fragment, List.of("experiment"), args);
    }

    @ParameterizedTest(name = "seg-train {1}")
    @MethodSource("segTrain")
    void segTrainRefuses(String fragment, List<String> args) throws IOException {
        assertRefused(fragment, List.of("seg-train", "--data", cases.toString()), args);
    }

    @ParameterizedTest(name = "seg-eval {1}")
    @MethodSource("segInference")
    void segEvalRefuses(String fragment, List<String> args) throws IOException {
        assertRefused(fragment, withCheckpoint("seg-eval", args), args);
    }

    @ParameterizedTest(name = "seg-predict {1}")
    @MethodSource("segInference")
    void segPredictRefuses(String fragment, List<String> args) throws IOException {
        assertRefused(fragment, withCheckpoint("seg-predict", args), args);
    }

    private static List<String> withCheckpoint(String command, List<String> args) {
        return args.contains("--checkpoint") ? List.of(command, "--data", cases.toString())
                : List.of(command, "--data", cases.toString(), "--checkpoint", checkpoint.toString());
    }

    /** Runs {@code base + args + --out OUT}: exit 2, the fragment in one line, no stack trace, no file changed. */
    private static void assertRefused(String fragment, List<String> base, List<String> args) throws IOException {
        Path out = Files.createTempDirectory(dir, "out").resolve("run");
        Map<String, String> before = snapshot(dir);
        List<String> all = new ArrayList<>(base);
        all.addAll(args);
        all.addAll(List.of("--out", out.toString()));
        String o = Cli.run(2, all.toArray(String[]::new));
        assertTrue(o.contains(fragment), "expected '" + fragment + "' in: " + o);
        assertTrue(o.startsWith("causalmm: "), o);
        assertFalse(o.contains("Exception") || o.contains("\tat "), "no stack trace: " + o);
        assertFalse(Files.exists(out), "nothing written to " + out + ": " + o);
        assertEquals(before, snapshot(dir), "files untouched");
    }

    /** Every file under {@code root} with its size and modification time. */
    static Map<String, String> snapshot(Path root) throws IOException {
        Map<String, String> m = new TreeMap<>();
        try (var s = Files.walk(root)) {
            for (Path p : s.toList()) {
                m.put(root.relativize(p).toString(), Files.isDirectory(p) ? "dir" : Files.size(p) + "@" + Files.getLastModifiedTime(p));
            }
        }
        return m;
    }
}
