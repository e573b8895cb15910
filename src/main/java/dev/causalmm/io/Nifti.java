package dev.causalmm.io;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * A small, strict NIfTI-1/NIfTI-2 reader and writer ({@code .nii}, {@code .nii.gz}). No maintained
 * Java NIfTI library is on Maven Central (niftijio and SCIFIO's NIfTI format are not published
 * there), hence this one.
 *
 * <p>Reads: both header versions in either byte order (detected from {@code sizeof_hdr}); the
 * datatypes of {@link NiftiDataType}; {@code dim[0]} from 1 to 7, where axes past the 4th must have
 * size 1; header extensions skipped by {@code vox_offset}; gzip detected from the content, not the
 * name, and inflated straight into the caller's {@link Arena}. Refuses two-file (.hdr/.img)
 * NIfTI, ANALYZE 7.5, and anything malformed, with a {@link FormatException} naming the file and
 * the field. Nothing larger than the file can hold is allocated: for {@code .nii} the data must be
 * present in the file before its segment is allocated; for {@code .nii.gz} the claimed size must
 * fit deflate's maximum ratio (1032:1) of the compressed size, and claims over
 * {@value #DIRECT_LIMIT} bytes are decoded in chunks that the stream must actually deliver before
 * the final segment is allocated.
 *
 * <p>Writes: the header's version and byte order, {@code vox_offset} 352 (NIfTI-1) or 544
 * (NIfTI-2) with no extensions, gzip (level 1, as nibabel) when the name ends in {@code .gz};
 * atomically through {@link AtomicFiles}.
 */
public final class Nifti {
    /** Claims up to this many voxel bytes in a {@code .nii.gz} are allocated before decoding. */
    public static final long DIRECT_LIMIT = 256L << 20;
    /** Deflate's largest possible expansion is 1032:1; a gzip file cannot hold more than this many bytes per compressed byte. */
    static final long MAX_INFLATE_RATIO = 1032;
    private static final int SWAP_CHUNK = 1 << 20;
    private static final int V1_SIZE = 348, V2_SIZE = 540;

    private Nifti() {}

    /** Reads a {@code .nii} or {@code .nii.gz} file; the voxels are allocated in {@code arena}. */
    public static NiftiImage read(Path file, Arena arena) throws IOException {
        return read(file, (SegmentAllocator) arena);
    }

    /**
     * Reads a file with the voxels from {@code allocator}: e.g. {@link SegmentAllocator#prefixAllocator}
     * over a segment reused from volume to volume. Fresh native memory costs a page fault per 4 KiB
     * on first touch (on the 2-core test VM that is ~100 ms for a 36 MB BraTS volume, three times
     * the decoding itself), so loops over many volumes read faster into recycled memory. The
     * image is valid while the allocator's memory is.
     */
    public static NiftiImage read(Path file, SegmentAllocator arena) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            boolean gz = isGzip(ch);
            return withSource(ch, size, gz, file.toString(), (in, g) -> readVoxels(in, g, parseHeader(in, file.toString()), size, gz,
                    file.toString(), arena));
        }
    }

    /** Reads only the header of a {@code .nii} or {@code .nii.gz} file (for gzip, only its first kilobytes are inflated). */
    public static NiftiHeader readHeader(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return withSource(ch, ch.size(), isGzip(ch), file.toString(), (in, g) -> parseHeader(in, file.toString()));
        }
    }

    /** Reads a NIfTI file held in memory; {@code source} names it in messages. */
    public static NiftiImage read(byte[] bytes, String source, SegmentAllocator arena) throws IOException {
        boolean gz = GzipReader.isGzip(bytes, bytes.length);
        return withSource(new ArrayChannel(bytes), bytes.length, gz, source,
                (in, g) -> readVoxels(in, g, parseHeader(in, source), bytes.length, gz, source, arena));
    }

    /**
     * Writes {@code image} as {@code .nii} or, when the name ends in {@code .gz}, {@code .nii.gz},
     * replacing {@code file} atomically.
     *
     * @throws IllegalArgumentException when the name ends in neither, or NIfTI-1 cannot hold a dim
     */
    public static void write(Path file, NiftiImage image) throws IOException {
        String name = file.getFileName().toString().toLowerCase();
        boolean gz = name.endsWith(".nii.gz");
        if (!gz && !name.endsWith(".nii")) throw new IllegalArgumentException(file + ": a NIfTI file name ends in .nii or .nii.gz");
        byte[] header = encodeHeader(image.header());
        AtomicFiles.writeStream(file, out -> encode(out, header, image, gz));
    }

    /** The file's bytes ({@code .nii.gz} content when {@code gzip}); for tests and in-memory use. */
    public static byte[] toBytes(NiftiImage image, boolean gzip) throws IOException {
        var out = new ByteArrayOutputStream();
        encode(out, encodeHeader(image.header()), image, gzip);
        return out.toByteArray();
    }

    // ------------------------------------------------------------------ reading

    private interface Source {
        /** Fills {@code dst}; false when the data ended first. */
        boolean read(ByteBuffer dst) throws IOException;
    }

    /** A channel over an array that copies in one step (the JDK's stream adapter copies 8 KiB at a time). */
    private static final class ArrayChannel implements ReadableByteChannel {
        private final ByteBuffer src;

        ArrayChannel(byte[] b) {
            src = ByteBuffer.wrap(b);
        }

        @Override
        public int read(ByteBuffer dst) {
            if (!src.hasRemaining()) return -1;
            int n = Math.min(src.remaining(), dst.remaining());
            dst.put(src.slice(src.position(), n));
            src.position(src.position() + n);
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {}
    }

    private static boolean isGzip(FileChannel ch) throws IOException {
        ByteBuffer head = ByteBuffer.allocate(2);
        while (head.hasRemaining() && ch.read(head, head.position()) > 0) { /* positional: does not move */ }
        return GzipReader.isGzip(head.array(), head.position());
    }

    private interface Body<T> {
        T apply(Source in, GzipReader gz) throws IOException;
    }

    private static <T> T withSource(ReadableByteChannel ch, long size, boolean gz, String source, Body<T> body) throws IOException {
        if (!gz) {
            Source plain = dst -> {
                while (dst.hasRemaining()) if (ch.read(dst) < 0) return false;
                return true;
            };
            return body.apply(plain, null);
        }
        try (GzipReader g = new GzipReader(ch, source, (int) Math.min(1 << 18, Math.max(size, 64)))) {
            return body.apply(g::read, g);
        }
    }

    private static NiftiHeader parseHeader(Source in, String source) throws IOException {
        ByteBuffer first = ByteBuffer.allocate(4);
        if (!in.read(first)) throw new FormatException(source + ": " + first.position() + " bytes; too short for a NIfTI header");
        int le = first.order(ByteOrder.LITTLE_ENDIAN).getInt(0), be = first.order(ByteOrder.BIG_ENDIAN).getInt(0);
        int hdrSize = le == V1_SIZE || be == V1_SIZE ? V1_SIZE : le == V2_SIZE || be == V2_SIZE ? V2_SIZE : -1;
        if (hdrSize < 0) {
            throw new FormatException(source + ": sizeof_hdr is " + le + " (little-endian) / " + be + " (big-endian), expected 348 "
                    + "(NIfTI-1) or 540 (NIfTI-2): not a NIfTI file");
        }
        ByteOrder order = le == hdrSize ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
        ByteBuffer h = ByteBuffer.allocate(hdrSize).order(order);
        h.put(first.array());
        if (!in.read(h)) throw new FormatException(source + ": truncated header (" + h.position() + " of " + hdrSize + " bytes)");
        return hdrSize == V1_SIZE ? parseV1(h, source) : parseV2(h, source);
    }

    private static NiftiImage readVoxels(Source in, GzipReader gz, NiftiHeader header, long fileSize, boolean gzip, String source,
            SegmentAllocator arena) throws IOException {
        int hdrSize = header.version() == 1 ? V1_SIZE : V2_SIZE;
        long nbytes = dataBytes(header, source);
        long end = header.voxOffset() + nbytes;
        if (end < 0) throw new FormatException(source + ": vox_offset + data size overflows");
        if (!gzip && end > fileSize) {
            throw new FormatException(source + ": truncated data: " + Arrays.toString(header.dims()) + " " + typeName(header) + " needs "
                    + nbytes + " bytes from vox_offset " + header.voxOffset() + ", the file has " + fileSize + " bytes");
        }
        if (gzip && fileSize < Long.MAX_VALUE / MAX_INFLATE_RATIO && end > fileSize * MAX_INFLATE_RATIO + 4096) {
            throw new FormatException(source + ": " + Arrays.toString(header.dims()) + " " + typeName(header) + " needs " + nbytes
                    + " bytes, more than a " + fileSize + "-byte gzip file can hold: corrupt dims or truncated file");
        }
        skip(in, header.voxOffset() - hdrSize, source);
        MemorySegment data = nbytes <= DIRECT_LIMIT || !gzip ? readDirect(in, nbytes, header, source, arena)
                : readChunked(in, nbytes, header, source, arena);
        if (gz != null) gz.checkEnd(1 << 16);
        swapToNative(data, header);
        return new NiftiImage(header, data);
    }

    private static String typeName(NiftiHeader h) {
        return h.datatype().name().toLowerCase();
    }

    private static long dataBytes(NiftiHeader h, String source) throws FormatException {
        try {
            long n = h.datatype().bytes();
            for (int d : h.dims()) n = Math.multiplyExact(n, (long) d);
            return n;
        } catch (ArithmeticException e) {
            throw new FormatException(source + ": dims " + Arrays.toString(h.dims()) + " overflow a 64-bit byte count");
        }
    }

    private static void skip(Source in, long n, String source) throws IOException {
        ByteBuffer scratch = ByteBuffer.allocate((int) Math.min(n, 1 << 16));
        while (n > 0) {
            scratch.clear().limit((int) Math.min(scratch.capacity(), n));
            if (!in.read(scratch)) throw new FormatException(source + ": truncated inside the header extensions (before vox_offset)");
            n -= scratch.limit();
        }
    }

    private static MemorySegment readDirect(Source in, long nbytes, NiftiHeader h, String source, SegmentAllocator arena) throws IOException {
        MemorySegment data = arena.allocate(nbytes, 8);
        fill(in, data, h, source, 0, nbytes);
        return data;
    }

    /** For large gzip claims: the stream must deliver each 64 MiB chunk before the next one is allocated. */
    private static MemorySegment readChunked(Source in, long nbytes, NiftiHeader h, String source, SegmentAllocator arena) throws IOException {
        long chunk = 64L << 20;
        try (Arena tmp = Arena.ofConfined()) {
            List<MemorySegment> parts = new ArrayList<>();
            for (long off = 0; off < nbytes; off += chunk) {
                MemorySegment part = tmp.allocate(Math.min(chunk, nbytes - off), 8);
                fill(in, part, h, source, off, nbytes);
                parts.add(part);
            }
            MemorySegment data = arena.allocate(nbytes, 8);
            long off = 0;
            for (MemorySegment p : parts) {
                MemorySegment.copy(p, 0, data, off, p.byteSize());
                off += p.byteSize();
            }
            return data;
        }
    }

    private static void fill(Source in, MemorySegment dst, NiftiHeader h, String source, long base, long total) throws IOException {
        for (long off = 0; off < dst.byteSize(); ) {
            long n = Math.min(dst.byteSize() - off, 1L << 30);
            ByteBuffer bb = dst.asSlice(off, n).asByteBuffer();
            if (!in.read(bb)) {
                throw new FormatException(source + ": truncated data: " + Arrays.toString(h.dims()) + " " + typeName(h) + " needs " + total
                        + " bytes after vox_offset, the file holds " + (base + off + bb.position()));
            }
            off += n;
        }
    }

    private static void swapToNative(MemorySegment data, NiftiHeader h) {
        int size = h.datatype().bytes();
        if (size == 1 || h.byteOrder() == ByteOrder.nativeOrder()) return;
        ValueLayout layout = switch (size) {
            case 2 -> ValueLayout.JAVA_SHORT_UNALIGNED;
            case 4 -> ValueLayout.JAVA_INT_UNALIGNED;
            default -> ValueLayout.JAVA_LONG_UNALIGNED;
        };
        MemorySegment tmp = MemorySegment.ofArray(new long[SWAP_CHUNK / 8]);
        for (long off = 0; off < data.byteSize(); off += SWAP_CHUNK) {
            long n = Math.min(SWAP_CHUNK, data.byteSize() - off);
            MemorySegment.copy(data, layout.withOrder(h.byteOrder()), off, tmp, layout.withOrder(ByteOrder.nativeOrder()), 0, n / size);
            MemorySegment.copy(tmp, 0, data, off, n);
        }
    }

    private static String text(ByteBuffer b, int at, int len) {
        int n = 0;
        while (n < len && b.get(at + n) != 0) n++;
        byte[] s = new byte[n];
        b.get(at, s);
        return new String(s, StandardCharsets.ISO_8859_1);
    }

    private static NiftiHeader parseV1(ByteBuffer b, String source) throws FormatException {
        String magic = text(b, 344, 4);
        checkMagic(magic, b.get(347), "n+1", "ni1", source, 1);
        long[] dim = new long[8];
        for (int i = 0; i < 8; i++) dim[i] = b.getShort(40 + 2 * i);
        double[] pixdim = new double[8];
        for (int i = 0; i < 8; i++) pixdim[i] = b.getFloat(76 + 4 * i);
        double voxOffset = b.getFloat(108);
        if (!(voxOffset >= V1_SIZE) || voxOffset != Math.rint(voxOffset) || voxOffset > 1L << 40) {
            throw new FormatException(source + ": vox_offset = " + voxOffset + ", expected a whole number >= 348");
        }
        double[] q = new double[6];
        for (int i = 0; i < 6; i++) q[i] = b.getFloat(256 + 4 * i);
        var details = new NiftiHeader.Details(b.get(39) & 0xff, b.getShort(68), b.getFloat(56), b.getFloat(60), b.getFloat(64),
                text(b, 328, 16), b.getShort(74), b.getShort(120), b.get(122) & 0xff, b.getFloat(132), b.getFloat(136), b.getFloat(128),
                b.getFloat(124), text(b, 228, 24));
        return build(1, b.order(), dim, pixdim, b.getShort(70), (long) voxOffset, b.getFloat(112), b.getFloat(116), b.getShort(252), q,
                b.getShort(254), floats(b, 280), floats(b, 296), floats(b, 312), b.get(123) & 0xff, text(b, 148, 80), details, source);
    }

    private static double[] floats(ByteBuffer b, int at) {
        return new double[] {b.getFloat(at), b.getFloat(at + 4), b.getFloat(at + 8), b.getFloat(at + 12)};
    }

    private static double[] doubles(ByteBuffer b, int at, int n) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) d[i] = b.getDouble(at + 8 * i);
        return d;
    }

    private static NiftiHeader parseV2(ByteBuffer b, String source) throws FormatException {
        checkMagic(text(b, 4, 4), b.get(7), "n+2", "ni2", source, 2);
        byte[] tail = new byte[4];
        b.get(8, tail);
        if (!Arrays.equals(tail, new byte[] {'\r', '\n', 032, '\n'})) {
            throw new FormatException(source + ": NIfTI-2 magic bytes 4-7 are " + Arrays.toString(tail)
                    + ", expected \\r\\n\\032\\n (the file was altered by a text-mode transfer?)");
        }
        long[] dim = new long[8];
        for (int i = 0; i < 8; i++) dim[i] = b.getLong(16 + 8 * i);
        long voxOffset = b.getLong(168);
        if (voxOffset < V2_SIZE) throw new FormatException(source + ": vox_offset = " + voxOffset + ", expected >= 540");
        var details = new NiftiHeader.Details(b.get(524) & 0xff, b.getInt(504), b.getDouble(80), b.getDouble(88), b.getDouble(96),
                text(b, 508, 16), b.getLong(224), b.getLong(232), b.getInt(496), b.getDouble(208), b.getDouble(216), b.getDouble(200),
                b.getDouble(192), text(b, 320, 24));
        return build(2, b.order(), dim, doubles(b, 104, 8), b.getShort(12), voxOffset, b.getDouble(176), b.getDouble(184), b.getInt(344),
                doubles(b, 352, 6), b.getInt(348), doubles(b, 400, 4), doubles(b, 432, 4), doubles(b, 464, 4), b.getInt(500),
                text(b, 240, 80), details, source);
    }

    private static void checkMagic(String magic, byte terminator, String single, String pair, String source, int version)
            throws FormatException {
        if (magic.equals(single) && terminator == 0) return;
        if (magic.equals(pair)) {
            throw new FormatException(source + ": magic '" + pair + "' marks a two-file NIfTI-" + version
                    + " header (.hdr/.img); only single-file .nii/.nii.gz is supported");
        }
        throw new FormatException(source + ": magic is '" + magic.replaceAll("[^\\x20-\\x7e]", "?") + "', expected '" + single
                + "' (NIfTI-" + version + " single file; ANALYZE 7.5 is not supported)");
    }

    private static NiftiHeader build(int version, ByteOrder order, long[] dim, double[] pixdim, int datatype, long voxOffset, double slope,
            double inter, int qformCode, double[] quatern, int sformCode, double[] srowX, double[] srowY, double[] srowZ, int units,
            String descrip, NiftiHeader.Details details, String source) throws FormatException {
        if (dim[0] < 1 || dim[0] > 7) throw new FormatException(source + ": dim[0] = " + dim[0] + ", expected 1 to 7");
        int n = (int) dim[0];
        for (int i = 1; i <= n; i++) {
            if (dim[i] < 1) throw new FormatException(source + ": dim[" + i + "] = " + dim[i] + ", expected >= 1");
            if (dim[i] > Integer.MAX_VALUE) throw new FormatException(source + ": dim[" + i + "] = " + dim[i] + " exceeds 2^31-1");
            if (i > 4 && dim[i] != 1) {
                throw new FormatException(source + ": dim[" + i + "] = " + dim[i] + "; only up to 4-D is supported (axes past the 4th must be 1)");
            }
        }
        int[] dims = new int[Math.min(n, 4)];
        for (int i = 0; i < dims.length; i++) dims[i] = (int) dim[i + 1];
        NiftiDataType type = NiftiDataType.forCode(datatype);
        if (type == null) {
            throw new FormatException(source + ": datatype " + NiftiDataType.describe(datatype) + " is not supported (expected uint8, int16, "
                    + "int32, float32, float64, int8, uint16 or uint32)");
        }
        return new NiftiHeader(version, order, dims, pixdim, type, voxOffset, slope, inter, qformCode, quatern, sformCode, srowX, srowY,
                srowZ, units, descrip, details);
    }

    // ------------------------------------------------------------------ writing

    static byte[] encodeHeader(NiftiHeader h) {
        int[] dims = h.dims();
        if (h.version() == 1) {
            for (int i = 0; i < dims.length; i++) {
                if (dims[i] > Short.MAX_VALUE) throw new IllegalArgumentException("dim[" + (i + 1) + "] = " + dims[i]
                        + " does not fit NIfTI-1 (at most 32767); write NIfTI-2 (header.withFormat(2, order))");
            }
        }
        NiftiHeader.Details d = h.details();
        double[] p = h.pixdim(), q = h.quatern();
        if (h.version() == 1) {
            ByteBuffer b = ByteBuffer.allocate(352).order(h.byteOrder());
            b.putInt(0, V1_SIZE);
            b.put(38, (byte) 'r');
            b.put(39, (byte) d.dimInfo());
            b.putShort(40, (short) dims.length);
            for (int i = 1; i < 8; i++) b.putShort(40 + 2 * i, (short) (i <= dims.length ? dims[i - 1] : 1));
            b.putFloat(56, (float) d.intentP1()).putFloat(60, (float) d.intentP2()).putFloat(64, (float) d.intentP3());
            b.putShort(68, (short) d.intentCode());
            b.putShort(70, (short) h.datatype().code()).putShort(72, (short) (8 * h.datatype().bytes()));
            b.putShort(74, (short) d.sliceStart());
            for (int i = 0; i < 8; i++) b.putFloat(76 + 4 * i, (float) p[i]);
            b.putFloat(108, 352).putFloat(112, (float) h.sclSlope()).putFloat(116, (float) h.sclInter());
            b.putShort(120, (short) d.sliceEnd());
            b.put(122, (byte) d.sliceCode()).put(123, (byte) h.xyztUnits());
            b.putFloat(124, (float) d.calMax()).putFloat(128, (float) d.calMin());
            b.putFloat(132, (float) d.sliceDuration()).putFloat(136, (float) d.toffset());
            putText(b, 148, 80, h.descrip());
            putText(b, 228, 24, d.auxFile());
            b.putShort(252, (short) h.qformCode()).putShort(254, (short) h.sformCode());
            for (int i = 0; i < 6; i++) b.putFloat(256 + 4 * i, (float) q[i]);
            double[][] rows = {h.srowX(), h.srowY(), h.srowZ()};
            for (int r = 0; r < 3; r++) for (int i = 0; i < 4; i++) b.putFloat(280 + 16 * r + 4 * i, (float) rows[r][i]);
            putText(b, 328, 16, d.intentName());
            b.put(344, (byte) 'n').put(345, (byte) '+').put(346, (byte) '1');
            return b.array();
        }
        ByteBuffer b = ByteBuffer.allocate(544).order(h.byteOrder());
        b.putInt(0, V2_SIZE);
        b.put(4, new byte[] {'n', '+', '2', 0, '\r', '\n', 032, '\n'});
        b.putShort(12, (short) h.datatype().code()).putShort(14, (short) (8 * h.datatype().bytes()));
        b.putLong(16, dims.length);
        for (int i = 1; i < 8; i++) b.putLong(16 + 8 * i, i <= dims.length ? dims[i - 1] : 1);
        b.putDouble(80, d.intentP1()).putDouble(88, d.intentP2()).putDouble(96, d.intentP3());
        for (int i = 0; i < 8; i++) b.putDouble(104 + 8 * i, p[i]);
        b.putLong(168, 544).putDouble(176, h.sclSlope()).putDouble(184, h.sclInter());
        b.putDouble(192, d.calMax()).putDouble(200, d.calMin()).putDouble(208, d.sliceDuration()).putDouble(216, d.toffset());
        b.putLong(224, d.sliceStart()).putLong(232, d.sliceEnd());
        putText(b, 240, 80, h.descrip());
        putText(b, 320, 24, d.auxFile());
        b.putInt(344, h.qformCode()).putInt(348, h.sformCode());
        for (int i = 0; i < 6; i++) b.putDouble(352 + 8 * i, q[i]);
        double[][] rows = {h.srowX(), h.srowY(), h.srowZ()};
        for (int r = 0; r < 3; r++) for (int i = 0; i < 4; i++) b.putDouble(400 + 32 * r + 8 * i, rows[r][i]);
        b.putInt(496, d.sliceCode()).putInt(500, h.xyztUnits()).putInt(504, d.intentCode());
        putText(b, 508, 16, d.intentName());
        b.put(524, (byte) d.dimInfo());
        return b.array();
    }

    private static void putText(ByteBuffer b, int at, int len, String s) {
        byte[] t = s.getBytes(StandardCharsets.ISO_8859_1);
        b.put(at, t, 0, Math.min(len, t.length));
    }

    private static void encode(OutputStream target, byte[] header, NiftiImage image, boolean gzip) throws IOException {
        OutputStream out = gzip ? new GZIPOutputStream(target, 1 << 16) {
            {
                def.setLevel(Deflater.BEST_SPEED);
            }
        } : new BufferedOutputStream(target, 1 << 16);
        out.write(header);
        NiftiHeader h = image.header();
        int size = h.datatype().bytes();
        ValueLayout layout = switch (size) {
            case 1 -> ValueLayout.JAVA_BYTE;
            case 2 -> ValueLayout.JAVA_SHORT_UNALIGNED;
            case 4 -> ValueLayout.JAVA_INT_UNALIGNED;
            default -> ValueLayout.JAVA_LONG_UNALIGNED;
        };
        byte[] buf = new byte[SWAP_CHUNK];
        MemorySegment tmp = MemorySegment.ofArray(buf);
        MemorySegment v = image.voxels();
        for (long off = 0; off < v.byteSize(); off += SWAP_CHUNK) {
            int n = (int) Math.min(SWAP_CHUNK, v.byteSize() - off);
            MemorySegment.copy(v, layout.withOrder(ByteOrder.nativeOrder()), off, tmp, layout.withOrder(h.byteOrder()), 0, n / size);
            out.write(buf, 0, n);
        }
        if (out instanceof GZIPOutputStream g) g.finish();
        out.flush();
    }
}
