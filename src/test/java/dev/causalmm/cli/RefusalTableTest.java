package dev.causalmm.cli;

import static org.junit.jupiter.api.Assertions.*;

import dev.causalmm.data.ImageTextFixtures;
import dev.causalmm.io.Nifti;
import dev.causalmm.io.NiftiImage;
import dev.causalmm.nn.UNetConfig;
import dev.causalmm.seg.SegDataOptions;
import dev.causalmm.seg.SegModelConfig;
import dev.causalmm.seg.SegPipeline;
import java.io.IOException;
import java.nio.ByteOrder;
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
        for (int i = 0; i < 2; i++) {
            String id = "c" + i;
            SegCliTest.writeCase(dir.resolve("no-t1").resolve(id), 10 + i, SegCliTest.brats2018Names(id, "flair", "t1ce", "t2"), id + "_seg.nii.gz",
                    false, ByteOrder.LITTLE_ENDIAN);
            Path c = dir.resolve("empty-mask").resolve(id);
            SegCliTest.writeCase(c, 10 + i, SegCliTest.brats2018Names(id, "flair", "t1", "t1ce", "t2"), id + "_seg.nii.gz", false, ByteOrder.LITTLE_ENDIAN);
            int n = SegCliTest.N;
            Nifti.write(c.resolve(id + "_mask.nii.gz"), NiftiImage.ofBytes(SegCliTest.header(ByteOrder.LITTLE_ENDIAN), new int[] {n, n, n}, new byte[n * n * n]));
            Path nan = dir.resolve("nan-voxel").resolve(id);
            SegCliTest.writeCase(nan, 10 + i, SegCliTest.brats2018Names(id, "flair", "t1", "t1ce", "t2"), id + "_seg.nii.gz", false, ByteOrder.LITTLE_ENDIAN);
            float[] t2 = new float[n * n * n];
            java.util.Arrays.fill(t2, 400f);
            t2[(3 * n + 2) * n + 1] = Float.NaN; // voxel (x 1, y 2, z 3)
            Nifti.write(nan.resolve(id + "_t2.nii.gz"), NiftiImage.ofFloats(SegCliTest.header(ByteOrder.LITTLE_ENDIAN), new int[] {n, n, n}, t2));
        }
        Files.writeString(dir.resolve("corrupt.csv"), "f1,f2,label\n1,2,0\n3,oops,1\n");
        for (String data : List.of("none.csv", "corrupt.csv")) {
            Files.writeString(dir.resolve("grid-" + data + ".json"), "{\"name\": \"g\", \"dataset\": \"" + dir.resolve(data)
                    + "\", \"models\": [\"concat\", \"late-fusion\"], \"epochs\": 1, \"seeds\": [1], \"noise\": [0]}");
        }
        Path it = dir.resolve("imagetext");
        ImageTextFixtures.write(it, 5, 1);
        Files.write(it.resolve("images/bomb.png"), ImageTextFixtures.pngClaiming(1, 600_000_000));
        Files.write(it.resolve("images/square.png"), ImageTextFixtures.pngClaiming(65535, 65535));
        ImageTextFixtures.truncated(it.resolve("images/cut.jpg"), "jpg");
        ImageTextFixtures.truncated(it.resolve("images/cut.png"), "png");
        for (String bad : List.of("bomb.png", "square.png", "cut.jpg", "cut.png")) {
            List<String> lines = new ArrayList<>(Files.readAllLines(it.resolve("data.jsonl")));
            lines.add(ImageTextFixtures.line("bad image", "images/" + bad, ImageTextFixtures.LABELS[0], "train"));
            Files.write(it.resolve(bad + ".jsonl"), lines);
        }
    }

    static Stream<Arguments> train() {
        String m = dir.resolve("m.jsonl").toString();
        return Stream.of(
                bad("--image-size", "--dataset", m, "--image-size", "0"),
                bad("--text-length", "--dataset", m, "--text-length", "0"),
                bad("--min-count", "--dataset", m, "--min-count", "0"),
                bad("--max-vocab", "--dataset", m, "--max-vocab", "0"),
                bad("--resize", "--dataset", m, "--resize", "0"),
                bad("--tokenizer nothere.json: no such file (" + Path.of("nothere.json").toAbsolutePath() + ")", "--dataset", m, "--tokenizer", "nothere.json"),
                bad("not a TorchScript file", "--encoder", "audio=" + garbage),
                bad("cannot read it", "--encoder", "audio=" + dir.resolve("none.pt")),
                bad("the data has no modality 'audio'", "--encoder", "audio=" + Path.of("src/test/resources/tiny_image_encoder.pt").toAbsolutePath()),
                bad("--lr", "--lr", "1e300"),
                bad("--lr", "--lr", "NaN"),
                bad("--nproc", "--nproc", "100000"),
                bad("--train-size", "--train-size", "2000000000"),
                bad("--imml.predominant 7", "--regularizer", "imml", "--imml.predominant", "7"),
                bad("epochs", "--epochs", "-1"),
                bad("batch size", "--batch-size", "-1"),
                bad("its header claims 1×600000000", "--dataset", imageText("bomb.png")),
                bad("its header claims 65535×65535", "--dataset", imageText("square.png")),
                bad("cut.jpg: truncated image", "--dataset", imageText("cut.jpg")),
                bad("cut.png: truncated image", "--dataset", imageText("cut.png")));
    }

    /** The image+text manifest with one training row whose image is {@code bad}. */
    private static String imageText(String bad) {
        return dir.resolve("imagetext").resolve(bad + ".jsonl").toString();
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
                bad("garbage.json", "--config", garbage.toString()),
                bad("none.csv", "--config", dir.resolve("grid-none.csv.json").toString()),
                bad("corrupt.csv", "--config", dir.resolve("grid-corrupt.csv.json").toString()));
    }

    static Stream<Arguments> segTrain() {
        return Stream.of(
                bad("--checkpoint-every", "--checkpoint-every", "-1"),
                bad("--lr", "--lr", "1e300"),
                bad("steps", "--steps", "0"),
                bad("--downsample", "--downsample", "9"),
                bad("--fusion", "--fusion", "sideways"),
                bad("--regularizer", "--regularizer", "garbage"),
                bad("--modality t1: none of the 2 case(s)", "--data", dir.resolve("no-t1").toString()),
                bad("--patch 512 is larger than every case (largest side 24 voxels); use at most 24", "--data", dir.resolve("empty-mask").toString(), "--patch", "512", "--downsample", "1"),
                bad("c0_t2.nii.gz: modality t2 of case c0 has a non-finite value NaN at voxel (x 1, y 2, z 3", "--data", dir.resolve("nan-voxel").toString()),
                bad("the brain mask of case c0 is empty", "--data", dir.resolve("empty-mask").toString(), "--mask", "*_mask.nii.gz"));
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
        assertRefused(fragment, args.contains("--data") ? List.of("seg-train") : List.of("seg-train", "--data", cases.toString()), args);
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
