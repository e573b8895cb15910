package dev.causalmm.data;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;

/**
 * Writes a real image+text dataset to disk: three classes told apart by colour and shape (red
 * disc "tomato", green square "lettuce", blue triangle "blueberry") on noisy backgrounds, as JPEG
 * (even rows) and PNG (odd rows, some grey-scale), and texts that name the class in 60 % of the
 * rows among distractor words. A JSONL manifest with a {@code split} field (train/dev/test) in the
 * layout of the Food-101 / MVSA reference code.
 */
public final class ImageTextFixtures {
    public static final String[] LABELS = {"tomato", "lettuce", "blueberry"};
    private static final Color[] COLOURS = {new Color(220, 40, 30), new Color(40, 200, 50), new Color(40, 60, 220)};
    private static final String[][] CLASS_WORDS = {{"tomato", "red", "sauce"}, {"lettuce", "green", "salad"}, {"blueberry", "blue", "muffin"}};
    private static final String[] DISTRACTORS = {"a", "the", "photo", "of", "my", "lunch", "today", "with", "fresh", "food", "nice", "plate", "kitchen", "tasty"};

    private ImageTextFixtures() {}

    /** One manifest line per sample; returns the manifest. {@code perClass} samples per class and split size n·(0.6, 0.2, 0.2). */
    public static Path write(Path dir, int perClass, long seed) throws IOException {
        Files.createDirectories(dir.resolve("images"));
        SplittableRandom r = new SplittableRandom(seed);
        List<String> lines = new ArrayList<>();
        int row = 0;
        for (int i = 0; i < perClass; i++) {
            for (int c = 0; c < LABELS.length; c++, row++) {
                boolean png = row % 2 == 1;
                String name = "images/" + LABELS[c] + "_" + i + (png ? ".png" : ".jpg");
                BufferedImage img = draw(c, r, png && row % 6 == 1);
                ImageIO.write(img, png ? "png" : "jpg", dir.resolve(name).toFile());
                String split = i < perClass * 6 / 10 ? "train" : i < perClass * 8 / 10 ? "dev" : "test";
                lines.add(line(text(c, r), name, LABELS[c], split));
            }
        }
        Path manifest = dir.resolve("data.jsonl");
        Files.write(manifest, lines, StandardCharsets.UTF_8);
        return manifest;
    }

    public static String line(String text, String img, String label, String split) {
        return "{\"text\": \"" + text + "\", \"img\": \"" + img + "\", \"label\": \"" + label + "\"" + (split == null ? "" : ", \"split\": \"" + split + "\"") + "}";
    }

    static String text(int c, SplittableRandom r) {
        int n = 5 + r.nextInt(6);
        List<String> w = new ArrayList<>();
        for (int k = 0; k < n; k++) w.add(DISTRACTORS[r.nextInt(DISTRACTORS.length)]);
        if (r.nextDouble() < 0.6) w.set(r.nextInt(n), CLASS_WORDS[c][r.nextInt(3)]);
        return String.join(" ", w);
    }

    /** A 48×40 image (non-square: the loader resizes the shorter side and crops). */
    static BufferedImage draw(int c, SplittableRandom r, boolean grey) {
        int w = 48, h = 40;
        BufferedImage img = new BufferedImage(w, h, grey ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        int bg = 110 + r.nextInt(40);
        g.setColor(new Color(bg, bg, bg));
        g.fillRect(0, 0, w, h);
        for (int k = 0; k < 60; k++) {
            int v = 80 + r.nextInt(100);
            g.setColor(new Color(v, v, v));
            g.fillRect(r.nextInt(w), r.nextInt(h), 2, 2);
        }
        g.setColor(COLOURS[c]);
        int s = 16 + r.nextInt(6), x = 8 + r.nextInt(w - s - 16), y = 6 + r.nextInt(h - s - 12);
        switch (c) {
            case 0 -> g.fillOval(x, y, s, s);
            case 1 -> g.fillRect(x, y, s, s);
            default -> g.fillPolygon(new int[] {x, x + s, x + s / 2}, new int[] {y + s, y + s, y}, 3);
        }
        g.setStroke(new BasicStroke(1));
        g.dispose();
        return img;
    }

    /** A solid-colour image written as JPEG or PNG. */
    public static void solid(Path file, int w, int h, Color colour, String format) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(colour);
        g.fillRect(0, 0, w, h);
        g.dispose();
        Files.createDirectories(file.getParent());
        ImageIO.write(img, format, file.toFile());
    }

    /** A PNG of 100-odd bytes whose IHDR claims {@code w×h} pixels (valid CRCs, a tiny IDAT, IEND). */
    public static byte[] pngClaiming(int w, int h) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        chunk(out, "IHDR", ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0).array());
        chunk(out, "IDAT", new byte[] {0x78, (byte) 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01});
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) throws IOException {
        out.write(ByteBuffer.allocate(4).putInt(data.length).array());
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        out.write(t);
        out.write(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    /** A noisy 64×64 image in {@code format}, cut to half its bytes. */
    public static void truncated(Path file, String format) throws IOException {
        BufferedImage img = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        SplittableRandom r = new SplittableRandom(1);
        for (int y = 0; y < 64; y++) for (int x = 0; x < 64; x++) img.setRGB(x, y, r.nextInt(1 << 24));
        Files.createDirectories(file.getParent());
        ImageIO.write(img, format, file.toFile());
        byte[] b = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(b, b.length / 2));
    }
}
