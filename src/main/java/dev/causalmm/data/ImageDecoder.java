package dev.causalmm.data;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes a JPEG or PNG file (through {@link ImageIO}: the JDK's readers, or TwelveMonkeys' JPEG
 * reader when it is on the class path) and writes a {@code 3×size×size} uint8 crop (0–255, bilinear values rounded)
 * straight into a sample's slot: the shorter side is resized to {@code resize} (bilinear), then a
 * centre crop, or a random crop and a coin-flip horizontal flip. Large JPEGs are subsampled while
 * decoding to no less than twice the resized size, which skips most of the decoding work.
 * Grey images are repeated over the three channels; alpha is dropped.
 */
public final class ImageDecoder {
    private ImageDecoder() {}

    /**
     * The most pixels an image's header may claim: Pillow's decompression-bomb limit (2 × 89,478,485).
     * A larger image would take gigabytes to decode, so it is refused from its header, before decoding.
     */
    public static final long MAX_PIXELS = 178_956_970L;

    /** How many bytes at a file's end are searched for its end marker (PNG IEND, JPEG EOI). */
    private static final int TAIL = 4096;

    /** The pixel size (width, height) of an image from its header only; an error names the file and what it expected. */
    public static int[] probe(Path file) throws IOException {
        try (ImageInputStream in = open(file)) {
            ImageReader r = reader(file, in);
            int w, h;
            try {
                r.setInput(in, true, true);
                w = r.getWidth(0);
                h = r.getHeight(0);
            } catch (IOException | RuntimeException e) {
                throw new IOException(file + ": unreadable image header (" + e.getMessage() + ")", e);
            } finally {
                r.dispose();
            }
            requireSize(file, w, h);
            return new int[] {w, h};
        }
    }

    /**
     * The cheap check of an image before training: its header ({@link #probe}: format, size within
     * {@link #MAX_PIXELS}) and its end marker (a PNG's IEND chunk, a JPEG's EOI) in the file's last
     * bytes. A file without one is truncated and refused now, not after training; as in Pillow, which
     * refuses truncated files by default (the JPEG reader here would fill the missing part with grey).
     */
    public static int[] check(Path file) throws IOException {
        int[] wh = probe(file);
        if (!endsWithMarker(file)) {
            throw new IOException(file + ": truncated image: no PNG IEND chunk or JPEG end marker (FF D9) in its last "
                    + TAIL + " bytes; re-save the file, or give --skip-bad");
        }
        return wh;
    }

    private static void requireSize(Path file, long w, long h) throws IOException {
        if (w <= 0 || h <= 0) throw new IOException(file + ": image of " + w + "×" + h + " pixels");
        if (w * h > MAX_PIXELS) {
            throw new IOException(file + ": its header claims " + w + "×" + h + " = " + w * h + " pixels, more than the "
                    + MAX_PIXELS + " an image may have (a decompression bomb or a corrupt header)");
        }
    }

    /**
     * Whether the file ends as its format says: a PNG's IEND chunk type, or a JPEG's EOI marker (FF D9,
     * which entropy-coded data never holds), within its last {@value #TAIL} bytes. Other formats: true.
     */
    static boolean endsWithMarker(Path file) throws IOException {
        try (var ch = FileChannel.open(file)) {
            long size = ch.size();
            byte[] head = read(ch, 0, (int) Math.min(size, 8));
            boolean png = head.length == 8 && (head[0] & 0xff) == 0x89 && head[1] == 'P' && head[2] == 'N' && head[3] == 'G';
            boolean jpeg = head.length >= 2 && (head[0] & 0xff) == 0xFF && (head[1] & 0xff) == 0xD8;
            if (!png && !jpeg) return true;
            int n = (int) Math.min(size, TAIL);
            byte[] a = read(ch, size - n, n);
            for (int i = n - 2; i >= 0; i--) {
                if (jpeg && (a[i] & 0xff) == 0xFF && (a[i + 1] & 0xff) == 0xD9) return true;
                if (png && i + 4 <= n && a[i] == 'I' && a[i + 1] == 'E' && a[i + 2] == 'N' && a[i + 3] == 'D') return true;
            }
            return false;
        }
    }

    private static byte[] read(FileChannel ch, long at, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining() && ch.read(b, at + b.position()) > 0) {
            // until n bytes or the end of the file
        }
        return Arrays.copyOf(b.array(), b.position());
    }

    /** Decodes {@code file} into a {@code 3×size×size} uint8 crop at {@code dst}; {@code random} null = centre crop, no flip. */
    public static void decodeInto(Path file, MemorySegment dst, int size, int resize, SplittableRandom random) throws IOException {
        BufferedImage img = decode(file, resize);
        int w = img.getWidth(), h = img.getHeight();
        double scale = (double) resize / Math.min(w, h);
        int rw = Math.max(size, (int) Math.round(w * scale)), rh = Math.max(size, (int) Math.round(h * scale));
        int ox, oy;
        boolean flip;
        if (random == null) {
            ox = (rw - size) / 2;
            oy = (rh - size) / 2;
            flip = false;
        } else {
            ox = random.nextInt(rw - size + 1);
            oy = random.nextInt(rh - size + 1);
            flip = random.nextBoolean();
        }
        sample(img, dst, size, (double) w / rw, (double) h / rh, ox, oy, flip);
    }

    static BufferedImage decode(Path file, int resize) throws IOException {
        try (ImageInputStream in = open(file)) {
            ImageReader r = reader(file, in);
            try {
                r.setInput(in, true, true);
                int w = r.getWidth(0), h = r.getHeight(0);
                requireSize(file, w, h);
                ImageReadParam p = r.getDefaultReadParam();
                int sub = Math.max(1, Math.min(w, h) / (2 * resize));
                if (sub > 1) p.setSourceSubsampling(sub, sub, 0, 0);
                BufferedImage img = r.read(0, p);
                if (img == null) throw new IOException(file + ": the decoder returned no image");
                return img;
            } catch (IOException | RuntimeException e) {
                if (e.getMessage() != null && e.getMessage().startsWith(file.toString())) throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
                throw new IOException(file + ": corrupt or truncated image (" + e + ")", e);
            } finally {
                r.dispose();
            }
        }
    }

    private static ImageInputStream open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new NoSuchFileException(file.toString(), null, "image file does not exist");
        ImageInputStream in = ImageIO.createImageInputStream(file.toFile());
        if (in == null) throw new IOException(file + ": cannot open the image file");
        return in;
    }

    private static ImageReader reader(Path file, ImageInputStream in) throws IOException {
        Iterator<ImageReader> it = ImageIO.getImageReaders(in);
        if (!it.hasNext()) {
            in.close();
            throw new IOException(file + ": not a JPEG or PNG image (no image decoder recognises its bytes)");
        }
        return it.next();
    }

    /** Bilinear sampling of the crop [ox, ox+size)×[oy, oy+size) of the image resized by (1/sx, 1/sy), into CHW floats. */
    private static void sample(BufferedImage img, MemorySegment dst, int size, double sx, double sy, int ox, int oy, boolean flip) {
        int w = img.getWidth(), h = img.getHeight();
        int type = img.getType();
        byte[] bytes = null;
        int[] argb = null;
        int stride;
        int channels;
        if (type == BufferedImage.TYPE_3BYTE_BGR || type == BufferedImage.TYPE_BYTE_GRAY || type == BufferedImage.TYPE_4BYTE_ABGR) {
            bytes = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
            channels = type == BufferedImage.TYPE_3BYTE_BGR ? 3 : type == BufferedImage.TYPE_BYTE_GRAY ? 1 : 4;
            stride = w * channels;
            if (img.getRaster().getSampleModelTranslateX() != 0 || img.getRaster().getSampleModelTranslateY() != 0) bytes = null;
        } else {
            channels = 0;
            stride = 0;
        }
        if (bytes == null) {
            argb = img.getRGB(0, 0, w, h, null, 0, w);
        }
        int plane = size * size;
        int[] x0 = new int[size], x1 = new int[size];
        float[] fx = new float[size];
        for (int x = 0; x < size; x++) {
            double src = (ox + x + 0.5) * sx - 0.5;
            src = Math.clamp(src, 0, w - 1);
            int a = (int) src;
            x0[x] = a;
            x1[x] = Math.min(a + 1, w - 1);
            fx[x] = (float) (src - a);
        }
        byte[] row = new byte[3 * size];
        for (int y = 0; y < size; y++) {
            double srcY = Math.clamp((oy + y + 0.5) * sy - 0.5, 0, h - 1);
            int y0 = (int) srcY, y1 = Math.min(y0 + 1, h - 1);
            float fy = (float) (srcY - y0);
            for (int x = 0; x < size; x++) {
                int outX = flip ? size - 1 - x : x;
                float f = fx[x];
                for (int c = 0; c < 3; c++) {
                    float p00, p01, p10, p11;
                    if (bytes != null) {
                        int bc = channels == 1 ? 0 : channels == 3 ? 2 - c : 3 - c; // BGR / ABGR byte order
                        p00 = bytes[y0 * stride + x0[x] * channels + bc] & 0xff;
                        p01 = bytes[y0 * stride + x1[x] * channels + bc] & 0xff;
                        p10 = bytes[y1 * stride + x0[x] * channels + bc] & 0xff;
                        p11 = bytes[y1 * stride + x1[x] * channels + bc] & 0xff;
                    } else {
                        int shift = 16 - 8 * c;
                        p00 = (argb[y0 * w + x0[x]] >> shift) & 0xff;
                        p01 = (argb[y0 * w + x1[x]] >> shift) & 0xff;
                        p10 = (argb[y1 * w + x0[x]] >> shift) & 0xff;
                        p11 = (argb[y1 * w + x1[x]] >> shift) & 0xff;
                    }
                    float top = p00 + (p01 - p00) * f, bottom = p10 + (p11 - p10) * f;
                    row[c * size + outX] = (byte) Math.round(top + (bottom - top) * fy); // in [0, 255]: a convex mix of bytes
                }
            }
            for (int c = 0; c < 3; c++) {
                MemorySegment.copy(row, c * size, dst, ValueLayout.JAVA_BYTE, (long) c * plane + (long) y * size, size);
            }
        }
    }
}
