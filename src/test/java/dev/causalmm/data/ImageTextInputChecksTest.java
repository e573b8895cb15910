package dev.causalmm.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 24's image+text cases, checked when the manifest is opened (before any training): images
 * whose header claims too many pixels, truncated JPEG and PNG files, texts that are all empty, and
 * rows repeated across splits or given two labels (reported as leakage). No LibTorch.
 */
class ImageTextInputChecksTest {
    @TempDir Path dir;

    private static ImageTextFolderOptions small() {
        return ImageTextFolderOptions.defaults().withImage(16, 20, false).withText(8, "word", 1, 1000, true);
    }

    /** A manifest of two good images (train, dev, test rows) plus {@code extra} lines. */
    private Path manifest(List<String> extra) throws IOException {
        ImageTextFixtures.solid(dir.resolve("img/red.jpg"), 30, 20, new java.awt.Color(255, 0, 0), "jpg");
        ImageTextFixtures.solid(dir.resolve("img/green.png"), 20, 30, new java.awt.Color(0, 255, 0), "png");
        List<String> lines = new java.util.ArrayList<>(List.of(
                ImageTextFixtures.line("a red tomato", "img/red.jpg", "tomato", "train"),
                ImageTextFixtures.line("green lettuce", "img/green.png", "lettuce", "train"),
                ImageTextFixtures.line("tomato", "img/red.jpg", "tomato", "dev"),
                ImageTextFixtures.line("unseen lettuce", "img/green.png", "lettuce", "test")));
        lines.addAll(extra);
        return Files.write(dir.resolve("data.jsonl"), lines, StandardCharsets.UTF_8);
    }

    private String refusal(List<String> extra) throws IOException {
        Path m = manifest(extra);
        return assertThrows(IllegalArgumentException.class, () -> ImageTextFolder.open(m, small())).getMessage();
    }

    @Test
    void anImageWhoseHeaderClaimsTooManyPixelsIsRefusedFromItsHeader() throws IOException {
        Files.createDirectories(dir.resolve("img"));
        Files.write(dir.resolve("img/thin.png"), ImageTextFixtures.pngClaiming(1, 600_000_000));
        Files.write(dir.resolve("img/square.png"), ImageTextFixtures.pngClaiming(65535, 65535));
        assertTrue(Files.size(dir.resolve("img/thin.png")) < 120);
        String thin = refusal(List.of(ImageTextFixtures.line("bomb", "img/thin.png", "tomato", "train")));
        assertTrue(thin.contains("data.jsonl:5: image " + dir.resolve("img/thin.png") + ": its header claims 1×600000000"), thin);
        String square = refusal(List.of(ImageTextFixtures.line("bomb", "img/square.png", "tomato", "test")));
        assertTrue(square.contains("65535×65535 = 4294836225 pixels, more than the 178956970"), square);
    }

    @Test
    void truncatedJpegAndPngAreRefusedWhenOpeningOrSkipped() throws IOException {
        ImageTextFixtures.truncated(dir.resolve("img/cut.jpg"), "jpg");
        ImageTextFixtures.truncated(dir.resolve("img/cut.png"), "png");
        for (String name : List.of("cut.jpg", "cut.png")) {
            String o = refusal(List.of(ImageTextFixtures.line("cut", "img/" + name, "tomato", "train")));
            assertTrue(o.contains("data.jsonl:5: image " + dir.resolve("img/" + name) + ": truncated image: no PNG IEND chunk or JPEG end marker"), o);
        }
        Path m = manifest(List.of(ImageTextFixtures.line("cut", "img/cut.jpg", "tomato", "train"),
                ImageTextFixtures.line("cut", "img/cut.png", "lettuce", "test")));
        ImageTextFolder f = ImageTextFolder.of(ImageTextFolder.open(m, small().withSkipBad(true)));
        assertEquals(2, f.skipped().size(), f.skipped().toString());
    }

    @Test
    void anIntactImageWithBytesAfterItsEndMarkerIsAccepted() throws IOException {
        Path m = manifest(List.of());
        Files.write(dir.resolve("img/red.jpg"), new byte[1000], java.nio.file.StandardOpenOption.APPEND);
        assertEquals(2, ImageTextFolder.open(m, small()).train().size());
    }

    @Test
    void emptyTextsNameTheTextFieldNotTheVocabularySize() throws IOException {
        Path m = Files.write(dir.resolve("data.jsonl"), List.of(
                ImageTextFixtures.line("", "img/red.jpg", "tomato", "train"),
                ImageTextFixtures.line("  ", "img/green.png", "lettuce", "train"),
                ImageTextFixtures.line("", "img/green.png", "lettuce", "test")), StandardCharsets.UTF_8);
        ImageTextFixtures.solid(dir.resolve("img/red.jpg"), 30, 20, new java.awt.Color(255, 0, 0), "jpg");
        ImageTextFixtures.solid(dir.resolve("img/green.png"), 20, 30, new java.awt.Color(0, 255, 0), "png");
        String o = assertThrows(IllegalArgumentException.class, () -> ImageTextFolder.open(m, small())).getMessage();
        assertTrue(o.contains("every training text is empty (no words): check the text field (--text-field)"), o);
    }

    @Test
    void rowsRepeatedAcrossSplitsAndTwoLabelsAreReportedAsLeakage() throws IOException {
        Path m = manifest(List.of(
                ImageTextFixtures.line("a red tomato", "img/red.jpg", "tomato", "test"),      // line 5: a training row again
                ImageTextFixtures.line("green lettuce", "img/green.png", "tomato", "dev")));  // line 6: a training sample, another label
        SplitLeakage l = (SplitLeakage) ImageTextFolder.of(ImageTextFolder.open(m, small())).report().get("leakage");
        assertEquals(1, l.testInTrain());
        assertEquals(1, l.valInTrain(), "the relabelled row repeats a training sample too");
        assertEquals(1, l.conflictingLabels());
        assertTrue(l.examples().stream().anyMatch(e -> e.endsWith("data.jsonl:5")), l.examples().toString());
        assertTrue(l.examples().stream().anyMatch(e -> e.endsWith("data.jsonl:6")), l.examples().toString());
        SplitLeakage none = (SplitLeakage) ImageTextFolder.of(ImageTextFolder.open(manifest(List.of()), small())).report().get("leakage");
        assertEquals(0, none.testInTrain() + none.valInTrain() + none.conflictingLabels());
    }
}
