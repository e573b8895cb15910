package dev.causalmm.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Image+text manifests on disk: splits, label map, tokenisation, decoding, bad input. No LibTorch. */
class ImageTextFolderTest {
    @TempDir Path dir;

    private static ImageTextFolderOptions small() {
        return ImageTextFolderOptions.defaults().withImage(16, 20, false).withText(8, "word", 1, 1000, true);
    }

    /** Two solid images (red JPEG, green PNG), two classes, rows with a split field. */
    private Path twoColours(List<String> extra) throws Exception {
        ImageTextFixtures.solid(dir.resolve("img/red.jpg"), 30, 20, new Color(255, 0, 0), "jpg");
        ImageTextFixtures.solid(dir.resolve("img/green.png"), 20, 30, new Color(0, 255, 0), "png");
        List<String> lines = new ArrayList<>(List.of(
                ImageTextFixtures.line("A red Tomato", "img/red.jpg", "tomato", "train"),
                ImageTextFixtures.line("green lettuce, green!", "img/green.png", "lettuce", "train"),
                ImageTextFixtures.line("tomato", "img/red.jpg", "tomato", "dev"),
                ImageTextFixtures.line("unseen words lettuce", "img/green.png", "lettuce", "test")));
        lines.addAll(extra);
        Path m = dir.resolve("data.jsonl");
        Files.write(m, lines, StandardCharsets.UTF_8);
        return m;
    }

    @Test
    void jsonlWithSplitFieldLabelsVocabularyAndPixels() throws Exception {
        DataSplits d = ImageTextFolder.open(twoColours(List.of()), small());
        assertEquals(2, d.train().size());
        assertEquals(1, d.val().size());
        assertEquals(1, d.test().size());
        ImageTextFolder f = ImageTextFolder.of(d);
        assertEquals(List.of("lettuce", "tomato"), f.labels()); // sorted names of the training split
        // vocabulary: pad, blank, then by count (green ×2), ties alphabetical
        assertEquals(List.of("<pad>", "_", "green", "a", "lettuce", "red", "tomato"), f.options().vocabulary());
        assertEquals(List.of(ModalitySpec.image("image", 3, 16, 16), ModalitySpec.tokens("text", 8, 7)), d.modalities());
        try (Arena a = Arena.ofConfined()) {
            SampleReader r = new SampleReader(a, d.modalities());
            r.read(d.train(), 0); // the red JPEG
            assertEquals(1, r.label());
            assertEquals(255, r.value(0, 0), 3);          // R plane
            assertEquals(0, r.value(0, 16 * 16 + 5), 3);  // G plane
            assertEquals(3, r.value(1, 0));                // "a"
            assertEquals(5, r.value(1, 1));                // "red"
            assertEquals(6, r.value(1, 2));                // "tomato" (lower-cased)
            assertEquals(0, r.value(1, 3));                // padding
            r.read(d.test(), 0); // the green PNG; "unseen words" are the blank/unknown id
            assertEquals(0, r.label());
            assertEquals(255, r.value(0, 16 * 16 + 100), 0.01);
            assertEquals(ModalitySpec.BLANK, r.value(1, 0));
            assertEquals(ModalitySpec.BLANK, r.value(1, 1));
            assertEquals(4, r.value(1, 2));
        }
    }

    @Test
    void aCsvIsAManifestOnlyWithAnImageColumn() throws Exception {
        Files.writeString(dir.resolve("features.csv"), "f1,f2,label\n0.5,1.5,a\n");
        Files.writeString(dir.resolve("pairs.csv"), "text,img,label\nhello,a.png,x\n");
        Files.writeString(dir.resolve("renamed.csv"), "caption,path,class\nhello,a.png,x\n");
        assertFalse(ImageTextFolder.isManifest(dir.resolve("features.csv").toString()), "numeric columns and a label: a feature file");
        assertTrue(ImageTextFolder.isManifest(dir.resolve("pairs.csv").toString()));
        assertFalse(ImageTextFolder.isManifest(dir.resolve("renamed.csv").toString()));
        assertTrue(ImageTextFolder.isManifest(dir.resolve("renamed.csv").toString(), "path"), "with --image-field path");
        assertTrue(ImageTextFolder.isManifest("anything.jsonl"));
    }

    @Test
    void csvStratifiedSplitIsSeededAndStratified() throws Exception {
        ImageTextFixtures.solid(dir.resolve("a.png"), 8, 8, Color.RED, "png");
        StringBuilder csv = new StringBuilder("id,caption,path,class\n");
        for (int i = 0; i < 40; i++) {
            csv.append(i).append(",\"a, \"\"quoted\"\"\ncaption ").append(i).append("\",a.png,").append(i % 4 == 0 ? "x" : "y").append('\n');
        }
        Files.writeString(dir.resolve("m.csv"), csv);
        ImageTextFolderOptions o = small().withFields("caption", "path", "class", "split").withSplit(List.of(0.5, 0.25, 0.25), 7, null, null);
        DataSplits d = ImageTextFolder.open(dir.resolve("m.csv"), o);
        // per label: 10 x rows → 3 val, 3 test (2.5 rounds up), 4 train; 30 y rows → 8, 8, 14
        assertEquals(18, d.train().size());
        assertEquals(11, d.val().size());
        assertEquals(11, d.test().size());
        var test = (ImageTextFolder.Split) d.test();
        int xs = 0;
        for (int i = 0; i < test.size(); i++) if (test.label(i) == 0) xs++;
        assertEquals(3, xs, "10 x rows: round(2.5) = 3 go to test"); // stratified
        assertTrue(test.where(0).matches(".*m\\.csv:\\d+"), test.where(0)); // CSV records span two lines
        var again = (ImageTextFolder.Split) ImageTextFolder.open(dir.resolve("m.csv"), o).test();
        for (int i = 0; i < test.size(); i++) assertEquals(test.where(i), again.where(i));
        var other = (ImageTextFolder.Split) ImageTextFolder.open(dir.resolve("m.csv"), o.withSplit(List.of(0.5, 0.25, 0.25), 8, null, null)).test();
        List<String> a = new ArrayList<>(), b = new ArrayList<>();
        for (int i = 0; i < test.size(); i++) { a.add(test.where(i)); b.add(other.where(i)); }
        assertNotEquals(a, b);
    }

    @Test
    void siblingTrainDevTestFiles() throws Exception {
        ImageTextFixtures.solid(dir.resolve("x.jpg"), 8, 8, Color.BLUE, "jpg");
        Files.writeString(dir.resolve("train.jsonl"), ImageTextFixtures.line("p", "x.jpg", "p", null) + "\n" + ImageTextFixtures.line("q", "x.jpg", "q", null) + "\n");
        Files.writeString(dir.resolve("dev.jsonl"), ImageTextFixtures.line("p", "x.jpg", "p", null) + "\n");
        Files.writeString(dir.resolve("test.jsonl"), "\n" + ImageTextFixtures.line("q", "x.jpg", "q", null) + "\n");
        DataSplits d = ImageTextFolder.open(dir.resolve("train.jsonl"), small());
        assertEquals(2, d.train().size());
        assertEquals(1, d.val().size());
        assertEquals(1, d.test().size());
        assertTrue(((ImageTextFolder.Split) d.test()).where(0).endsWith("test.jsonl:2"));
    }

    @Test
    void badRowsNameFileLineAndExpectationOrAreSkipped() throws Exception {
        Files.createDirectories(dir.resolve("img"));
        Files.writeString(dir.resolve("img/corrupt.jpg"), "this is not a JPEG");
        List<String> bad = List.of(
                "{\"text\": \"oops\", \"img\": ",                                                     // line 5: malformed
                ImageTextFixtures.line("gone", "img/missing.jpg", "tomato", "train"),                 // line 6: missing image
                ImageTextFixtures.line("broken", "img/corrupt.jpg", "tomato", "train"),               // line 7: corrupt image
                ImageTextFixtures.line("what", "img/red.jpg", "pizza", "test"),                       // line 8: label not in the map
                "{\"text\": \"no image field\", \"label\": \"tomato\"}");                              // line 9: missing field
        String[] expect = {
                "data.jsonl:5: malformed JSON line (expected a JSON object with fields 'text', 'img', 'label')",
                "data.jsonl:6: image " + dir.resolve("img/missing.jpg") + " does not exist",
                "data.jsonl:7: image " + dir.resolve("img/corrupt.jpg") + ": not a JPEG or PNG image",
                "data.jsonl:8: label 'pizza' is not in the label map [lettuce, tomato]",
                "data.jsonl:9: no field [img]"};
        for (int line = 5; line <= 9; line++) {
            List<String> only = new ArrayList<>();
            for (int k = 0; k < bad.size(); k++) only.add(k == line - 5 ? bad.get(k) : "");
            Path mm = twoColours(only);
            var e = assertThrows(IllegalArgumentException.class, () -> ImageTextFolder.open(mm, small()));
            assertTrue(e.getMessage().contains(expect[line - 5]), e.getMessage());
            assertTrue(e.getMessage().startsWith(mm.toString()), e.getMessage());
        }
        Path m = twoColours(bad);
        DataSplits d = ImageTextFolder.open(m, small().withSkipBad(true));
        ImageTextFolder f = ImageTextFolder.of(d);
        assertEquals(5, f.skipped().size(), f.skipped().toString());
        assertEquals(2 + 1 + 1, d.train().size() + d.val().size() + d.test().size());
        assertEquals(5, f.report().get("skipped"));
    }

    @Test
    void augmentationCropsAndFlipsDeterministically() throws Exception {
        halfImage();
        Files.writeString(dir.resolve("m.jsonl"), ImageTextFixtures.line("a", "half.png", "l", "train") + "\n"
                + ImageTextFixtures.line("b", "half.png", "k", "train") + "\n" + ImageTextFixtures.line("b", "half.png", "k", "test") + "\n");
        ImageTextFolderOptions o = ImageTextFolderOptions.defaults().withImage(16, 16, true).withText(4, "word", 1, 100, true);
        List<Float> firstLeft = new ArrayList<>();
        for (int run = 0; run < 2; run++) {
            DataSplits d = ImageTextFolder.open(dir.resolve("m.jsonl"), o);
            try (Arena a = Arena.ofConfined()) {
                SampleReader r = new SampleReader(a, d.modalities());
                List<Float> left = new ArrayList<>();
                for (int e = 0; e < 12; e++) {
                    r.read(d.train(), 0);
                    left.add(r.value(0, 0));
                }
                if (run == 0) firstLeft.addAll(left);
                else assertEquals(firstLeft, left, "same seed, same crops and flips");
                assertTrue(left.contains(0f) && left.contains(255f), "some reads flipped: " + left);
                r.read(d.test(), 0); // no augmentation at test: centre crop of the 32×16 resize, left pixel black
                assertEquals(0, r.value(0, 0), 0.01);
            }
        }
    }

    /** half.png: left half black, right half white, so a flip swaps them. */
    private void halfImage() throws java.io.IOException {
        var img = new java.awt.image.BufferedImage(40, 20, java.awt.image.BufferedImage.TYPE_INT_RGB);
        var g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(20, 0, 20, 20);
        g.dispose();
        javax.imageio.ImageIO.write(img, "png", dir.resolve("half.png").toFile());
    }

    /** The first pixel of every training image in one loader epoch. */
    private static List<Float> epochPixels(DataSplits d, long seed, int epoch) {
        List<Float> px = new ArrayList<>();
        DataLoader loader = new DataLoader(d.train(), new DataLoader.Options(2, false, false, 2, seed, dev.causalmm.engine.Device.CPU));
        try (var ep = loader.epoch(epoch)) {
            while (ep.hasNext()) {
                try (var s = dev.causalmm.engine.TensorScope.open("t"); Batch b = ep.next()) {
                    float[] v = b.inputs().get(0).toFloatArray();
                    int per = v.length / b.size();
                    for (int i = 0; i < b.size(); i++) px.add(v[i * per]);
                }
            }
        }
        return px;
    }

    @Test
    void augmentationUnderTheLoaderDependsOnSeedAndEpochOnly() throws Exception {
        halfImage();
        StringBuilder m = new StringBuilder();
        for (int i = 0; i < 16; i++) m.append(ImageTextFixtures.line("a", "half.png", i % 2 == 0 ? "l" : "k", "train")).append('\n');
        m.append(ImageTextFixtures.line("b", "half.png", "k", "test")).append('\n');
        Files.writeString(dir.resolve("m.jsonl"), m);
        ImageTextFolderOptions o = ImageTextFolderOptions.defaults().withImage(16, 16, true).withText(4, "word", 1, 100, true);
        DataSplits fresh = ImageTextFolder.open(dir.resolve("m.jsonl"), o);
        List<Float> epoch3 = epochPixels(fresh, 7, 3);
        // another instance (another process, or a resumed run) that has already read other epochs and seeds
        DataSplits used = ImageTextFolder.open(dir.resolve("m.jsonl"), o);
        epochPixels(used, 1, 0);
        epochPixels(used, 7, 1);
        assertEquals(epoch3, epochPixels(used, 7, 3), "the same (seed, epoch): the same crops and flips");
        assertNotEquals(epoch3, epochPixels(used, 7, 4), "another epoch draws anew");
        assertTrue(epoch3.contains(0f) && epoch3.contains(255f), "some images flipped: " + epoch3);
    }

    @Test
    void huggingFaceTokenizerJson() throws Exception {
        Path tj = Path.of("src/test/resources/tiny_tokenizer.json").toAbsolutePath();
        try (HuggingFaceTextTokenizer t = HuggingFaceTextTokenizer.load(tj)) {
            int[] out = new int[6];
            int n = t.encode("Red apples! Blueberry", out);
            // WordPiece ids red 4, apple 10, ##s 11, [UNK] 1, blue 6, ##berry 9 — shifted by 2 (0 padding, 1 blank)
            assertEquals(6, n);
            assertArrayEquals(new int[] {6, 12, 13, 3, 8, 11}, out);
            assertEquals(29 + 2, t.vocabSize());
        }
        var e = assertThrows(java.io.IOException.class, () -> HuggingFaceTextTokenizer.load(dir.resolve("nope.json")));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
        DataSplits d = ImageTextFolder.open(twoColours(List.of()), small().withText(8, tj.toString(), 1, 1000, true));
        assertEquals(ModalitySpec.tokens("text", 8, 31), d.modalities().get(1));
    }

    @Test
    void aManifestWithoutSplitsIsSplitByTheFeatureFileRule() throws Exception {
        ImageTextFixtures.solid(dir.resolve("a.png"), 8, 8, Color.RED, "png");
        StringBuilder csv = new StringBuilder("text,img,label\n");
        int[] y = new int[30];
        for (int i = 0; i < y.length; i++) {
            y[i] = i % 3 == 0 ? 0 : 1; // "cat" sorts before "dog"
            csv.append("t").append(i).append(",a.png,").append(y[i] == 0 ? "cat" : "dog").append('\n');
        }
        Files.writeString(dir.resolve("m.csv"), csv);
        List<Double> ratios = List.of(0.6, 0.2, 0.2);
        var test = (ImageTextFolder.Split) ImageTextFolder.open(dir.resolve("m.csv"), small().withSplit(ratios, 5, null, null)).test();
        int[] expected = StratifiedSplit.split(y, 2, new double[] {0.6, 0.2, 0.2}, 5L)[2];
        List<String> want = new ArrayList<>(), got = new ArrayList<>();
        for (int row : expected) want.add("m.csv:" + (row + 2));
        for (int i = 0; i < test.size(); i++) got.add(test.where(i).substring(test.where(i).lastIndexOf('/') + 1));
        assertEquals(want, got);
    }
}
