package dev.causalmm.io;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Seeded mutation fuzz of the NIfTI reader: 100,000 inputs made from the headers of the real
 * conformance files (dims shrunk, small data appended) and from small written files of every
 * version, byte order and datatype, plain and gzip. Each must parse or fail with
 * {@link FormatException}, quickly, and must never ask its arena for more bytes than the input can
 * hold (its length for {@code .nii}; 1032 times it for gzip, deflate's largest expansion).
 */
class NiftiFuzzTest {
    /** An arena that fails the test when asked for more than {@code limit} bytes in all. */
    static final class BoundedArena implements Arena {
        final Arena inner = Arena.ofConfined();
        final long limit;
        long total;

        BoundedArena(long limit) {
            this.limit = limit;
        }

        @Override
        public MemorySegment allocate(long byteSize, long byteAlignment) {
            total += byteSize;
            if (total > limit) throw new AssertionError("allocated " + total + " bytes, the input can hold only " + limit);
            return inner.allocate(byteSize, byteAlignment);
        }

        @Override
        public MemorySegment.Scope scope() {
            return inner.scope();
        }

        @Override
        public void close() {
            inner.close();
        }
    }

    /** The conformance files' real headers (up to vox_offset, extensions included) with dims shrunk to {@code small} and data appended. */
    static List<byte[]> realHeaders(Random r) throws IOException {
        List<byte[]> out = new ArrayList<>();
        try (var files = Files.list(NiftiTest.CONFORMANCE)) {
            for (Path f : files.filter(p -> p.toString().matches(".*\\.nii(\\.gz)?$")).sorted().toList()) {
                byte[] raw;
                try (InputStream in = f.toString().endsWith(".gz") ? new GZIPInputStream(Files.newInputStream(f)) : Files.newInputStream(f)) {
                    raw = in.readAllBytes();
                }
                NiftiHeader h = Nifti.readHeader(f);
                byte[] head = Arrays.copyOf(raw, (int) h.voxOffset());
                ByteBuffer b = ByteBuffer.wrap(head).order(h.byteOrder());
                int[] small = h.dims().length == 4 ? new int[] {3, 2, 2, 2} : new int[] {3, 2, 2};
                for (int i = 0; i < small.length; i++) {
                    if (h.version() == 1) b.putShort(42 + 2 * i, (short) small[i]);
                    else b.putLong(24 + 8 * i, small[i]);
                }
                int n = 1;
                for (int d : small) n *= d;
                byte[] data = new byte[n * h.datatype().bytes()];
                r.nextBytes(data);
                byte[] file = NiftiTest.concat(head, data);
                out.add(file);
                out.add(NiftiTest.gzip(file));
            }
        }
        out.add(Files.readAllBytes(NiftiTest.CONFORMANCE.resolve("standard.nii.gz")));
        return out;
    }

    static List<byte[]> corpus() throws IOException {
        Random r = new Random(11);
        List<byte[]> c = new ArrayList<>(realHeaders(r));
        try (Arena arena = Arena.ofConfined()) {
            int k = 0;
            for (int version : new int[] {1, 2}) {
                for (ByteOrder o : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
                    for (NiftiDataType t : NiftiDataType.values()) {
                        int[] dims = k % 3 == 0 ? new int[] {2, 3, 2, 1} : new int[] {4, 3};
                        NiftiImage img = NiftiTest.randomImage(NiftiTest.richHeader(version, o, t, dims), arena, k);
                        c.add(Nifti.toBytes(img, k++ % 2 == 0));
                    }
                }
            }
        }
        return c;
    }

    @Test
    @Timeout(120)
    void niftiFuzz() throws IOException {
        List<byte[]> corpus = corpus();
        ReaderFuzzTest.fuzz("NIfTI", corpus, NiftiFuzzTest::readBounded, 7);
    }

    static void readBounded(byte[] b) throws FormatException {
        boolean gz = GzipReader.isGzip(b, b.length);
        long limit = gz ? b.length * Nifti.MAX_INFLATE_RATIO + 4096 : b.length;
        try (BoundedArena arena = new BoundedArena(limit)) {
            NiftiImage img = Nifti.read(b, "fuzz.nii", arena);
            img.toFloats();
        } catch (FormatException e) {
            throw e;
        } catch (IOException e) {
            throw new AssertionError("not a FormatException: " + e, e);
        }
    }
}
