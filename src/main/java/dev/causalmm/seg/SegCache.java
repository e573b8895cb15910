package dev.causalmm.seg;

import dev.causalmm.io.Sha256;
import dev.causalmm.io.AtomicFiles;
import dev.causalmm.io.FormatException;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A folder of preprocessed cases, one file {@code CASE.KEY.segvol} each. The key is a SHA-256 of
 * every input file's absolute path, size and modification time, and of the options that change
 * the result (modality order, label scheme, mask glob, normalisation, crop margin), so editing a
 * file or an option makes a new entry instead of reusing a stale one; older entries of the case
 * are deleted when a new one is written. A damaged entry is logged and recomputed, never trusted.
 *
 * <p>Format (big-endian): magic {@code CMMSEGV2}, the key, the case id (texts as int length + UTF-8), shape, source
 * shape and crop offset (3 ints each), the voxel spacing in mm (3 doubles), the reference image path, the modality count, then per
 * modality its name, a presence byte and its float32 voxels; a presence byte and the region
 * bytes. Files are written atomically.
 */
public final class SegCache {
    private static final Logger LOG = LoggerFactory.getLogger(SegCache.class);
    private static final byte[] MAGIC = "CMMSEGV2".getBytes(StandardCharsets.US_ASCII);
    private static final String SUFFIX = ".segvol";
    private final Path dir;

    public SegCache(Path dir) {
        this.dir = dir;
    }

    /** The cache key of a case under {@code options}. */
    public static String key(SegCase c, Optional<Path> mask, SegDataOptions options) throws IOException {
        StringBuilder s = new StringBuilder("segvol-v2\n").append(c.id()).append('\n');
        for (String m : options.modalityNames()) s.append(m).append('=').append(stamp(c.modalityFiles().get(m))).append('\n');
        s.append("label=").append(stamp(c.labelFile().orElse(null))).append('\n');
        s.append("mask=").append(stamp(mask.orElse(null))).append('\n');
        s.append("scheme=").append(options.labelScheme().mapText()).append('\n');
        s.append("normalise=").append(options.normalise()).append(" auto=").append(SegPreprocessor.NORMALISED_MAX_MEAN).append('/').append(SegPreprocessor.NORMALISED_MAX_STD_RATIO).append(" bg=0").append('\n');
        s.append("margin=").append(options.cropMargin()).append('\n');
        return Sha256.of(s.toString()).substring(0, 24); // the first 12 bytes
    }

    private static String stamp(Path f) throws IOException {
        if (f == null) return "-";
        Path a = f.toAbsolutePath().normalize();
        return a + " " + Files.size(a) + " " + Files.getLastModifiedTime(a).toMillis();
    }

    private Path file(String id, String key) {
        return dir.resolve(safe(id) + "." + key + SUFFIX);
    }

    private static String safe(String id) {
        return id.replaceAll("[^A-Za-z0-9_.-]", "_");
    }

    /** The cached volume, or empty when absent or unreadable (then it is logged and ignored). */
    public Optional<SegVolume> get(String id, String key) throws IOException {
        Path f = file(id, key);
        if (!Files.isRegularFile(f)) return Optional.empty();
        try {
            return Optional.of(decode(Files.readAllBytes(f), f.toString(), key));
        } catch (FormatException e) {
            LOG.warn("ignoring a damaged cache entry: {}", e.getMessage());
            return Optional.empty();
        }
    }

    /** Stores {@code v} under {@code key}, replacing the case's older entries. */
    public void put(String key, SegVolume v) throws IOException {
        Files.createDirectories(dir);
        Path f = file(v.id(), key);
        AtomicFiles.writeStream(f, out -> encode(new DataOutputStream(new java.io.BufferedOutputStream(out, 1 << 16)), v, key));
        String prefix = safe(v.id()) + ".";
        try (Stream<Path> s = Files.list(dir)) {
            for (Path old : s.toList()) {
                String n = old.getFileName().toString();
                if (n.startsWith(prefix) && n.endsWith(SUFFIX) && !old.equals(f)
                        && n.substring(prefix.length(), n.length() - SUFFIX.length()).matches("[0-9a-f]{24}")) {
                    Files.deleteIfExists(old);
                }
            }
        }
    }

    static void encode(DataOutputStream out, SegVolume v, String key) throws IOException {
        out.write(MAGIC);
        writeText(out, key);
        writeText(out, v.id());
        for (int a : v.shape()) out.writeInt(a);
        for (int a : v.geometry().sourceShape()) out.writeInt(a);
        for (int a : v.geometry().cropOffset()) out.writeInt(a);
        for (double a : v.geometry().spacing()) out.writeDouble(a);
        writeText(out, v.geometry().referenceImage().toString());
        out.writeInt(v.modalities().size());
        byte[] buf = new byte[1 << 16];
        MemorySegment bufSeg = MemorySegment.ofArray(buf);
        ValueLayout.OfFloat be = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN);
        for (int m = 0; m < v.modalities().size(); m++) {
            writeText(out, v.modalities().get(m));
            float[] ch = v.channels()[m];
            out.writeBoolean(ch != null);
            if (ch == null) continue;
            for (int i = 0; i < ch.length; i += buf.length / 4) {
                int n = Math.min(buf.length / 4, ch.length - i);
                MemorySegment.copy(ch, i, bufSeg, be, 0, n);
                out.write(buf, 0, 4 * n);
            }
        }
        out.writeBoolean(v.regions() != null);
        if (v.regions() != null) out.write(v.regions());
        out.flush();
    }

    private static void writeText(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    static SegVolume decode(byte[] bytes, String source, String key) throws FormatException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        try {
            byte[] magic = new byte[MAGIC.length];
            b.get(magic);
            if (!java.util.Arrays.equals(magic, MAGIC)) throw new FormatException(source + ": not a causalmm segmentation cache file");
            String storedKey = utf(b);
            if (!storedKey.equals(key)) throw new FormatException(source + ": key " + storedKey + ", expected " + key);
            String id = utf(b);
            int[] shape = ints(b), sourceShape = ints(b), offset = ints(b);
            double[] spacing = {b.getDouble(), b.getDouble(), b.getDouble()};
            Path ref = Path.of(utf(b));
            for (int a = 0; a < 3; a++) {
                if (shape[a] < 1 || offset[a] < 0 || sourceShape[a] < 1 || (long) offset[a] + shape[a] > sourceShape[a]) {
                    throw new FormatException(source + ": crop " + java.util.Arrays.toString(shape) + " at " + java.util.Arrays.toString(offset)
                            + " does not fit the source grid " + java.util.Arrays.toString(sourceShape));
                }
            }
            long voxels = (long) shape[0] * shape[1] * shape[2];
            int mods = b.getInt();
            if (voxels < 0 || voxels > Integer.MAX_VALUE || mods < 0 || mods > 64) {
                throw new FormatException(source + ": shape " + java.util.Arrays.toString(shape) + " / " + mods + " modalities out of range");
            }
            List<String> names = new ArrayList<>();
            float[][] channels = new float[mods][];
            ValueLayout.OfFloat be = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN);
            for (int m = 0; m < mods; m++) {
                names.add(utf(b));
                if (b.get() != 0) {
                    if (b.remaining() < 4 * voxels) throw new FormatException(source + ": truncated");
                    channels[m] = new float[(int) voxels];
                    MemorySegment.copy(MemorySegment.ofArray(bytes), be, b.position(), channels[m], 0, (int) voxels);
                    b.position(b.position() + 4 * (int) voxels);
                }
            }
            byte[] regions = null;
            if (b.get() != 0) {
                if (b.remaining() != voxels) throw new FormatException(source + ": region bytes " + b.remaining() + ", expected " + voxels);
                regions = new byte[(int) voxels];
                b.get(regions);
                for (byte r : regions) if ((r & ~7) != 0) throw new FormatException(source + ": region byte " + r + " is not WT|TC|ET bits");
            } else if (b.hasRemaining()) {
                throw new FormatException(source + ": " + b.remaining() + " trailing bytes");
            }
            return new SegVolume(id, shape, names, channels, regions, new VolumeGeometry(sourceShape, offset, ref, spacing));
        } catch (BufferUnderflowException | IllegalArgumentException | NullPointerException e) {
            throw new FormatException(source + ": damaged cache entry (" + e + ")");
        }
    }

    private static int[] ints(ByteBuffer b) {
        return new int[] {b.getInt(), b.getInt(), b.getInt()};
    }

    private static String utf(ByteBuffer b) throws FormatException {
        int n = b.getInt();
        if (n < 0 || n > b.remaining()) throw new FormatException("text of " + n + " bytes with " + b.remaining() + " left");
        byte[] s = new byte[n];
        b.get(s);
        return new String(s, StandardCharsets.UTF_8);
    }
}
