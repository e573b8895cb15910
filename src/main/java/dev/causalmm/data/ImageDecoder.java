package dev.causalmm.data;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
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

    /** The pixel size (width, height) of an image from its header only; an error names the file and what it expected. */
    public static int[] probe(Path file) throws IOException {
        try (ImageInputStream in = open(file)) {
            ImageReader r = reader(file, in);
            try {
                r.setInput(in, true, true);
                return new int[] {r.getWidth(0), r.getHeight(0)};
            } catch (IOException | RuntimeException e) {
                throw new IOException(file + ": unreadable image header (" + e.getMessage() + ")", e);
            } finally {
                r.dispose();
            }
        }
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
                if (w <= 0 || h <= 0) throw new IOException(file + ": image of " + w + "×" + h + " pixels");
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
