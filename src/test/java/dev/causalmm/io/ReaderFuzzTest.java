package dev.causalmm.io;

import static dev.causalmm.io.TestFiles.*;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Seeded mutation fuzz of the binary readers: 100,000 inputs each made from small valid files (bit
 * flips, truncations, length-field overwrites, splices, insertions and deletions). Every input must
 * parse or fail with {@link FormatException}, within a per-input time bound, in the surefire heap.
 */
public class ReaderFuzzTest {
    static final int INPUTS = 100_000;
    static final long PER_INPUT_NANOS = TimeUnit.SECONDS.toNanos(2);

    public interface Reader { void read(byte[] b) throws FormatException; }

    static List<byte[]> matCorpus() {
        List<byte[]> c = new ArrayList<>();
        for (ByteOrder o : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
            for (boolean z : new boolean[] {false, true}) {
                c.add(mat(o, z, numeric(o, "x1_train", DOUBLE, MI_DOUBLE, new int[] {3, 2}, 1, 2, 3, 4, 5, 6),
                        numeric(o, "gt_train", UINT8, MI_UINT8, new int[] {3, 1}, 1, 2, 1)));
                c.add(mat(o, z, matrix(o, "X", CELL, 0, 0, new int[] {1, 2}, numeric(o, "", DOUBLE, MI_UINT8, new int[] {2, 2}, 1, 2, 3, 4),
                                numeric(o, "", SINGLE, MI_SINGLE, new int[] {2, 1}, 0.5, 1.5)),
                        numeric(o, "Y", DOUBLE, MI_INT16, new int[] {2, 1}, 0, 1)));
                c.add(mat(o, z, matrix(o, "S", SPARSE, 0, 3, new int[] {3, 2}, data(o, MI_INT32, 0, 2, 1), data(o, MI_INT32, 0, 2, 3),
                        data(o, MI_DOUBLE, 5, 6, 7)), matrix(o, "name", CHAR, 0, 0, new int[] {1, 2}, data(o, MI_UINT16, 'h', 'i')),
                        numeric(o, "big", INT64, MI_INT64, new int[] {1, 2}, -3, 1L << 40)));
            }
        }
        return c;
    }

    static List<byte[]> npyCorpus() {
        return List.of(npy("<f8", false, new int[] {2, 3}, 1, 2, 3, 4, 5, 6), npy(">f4", true, new int[] {3, 2}, 1, 2, 3, 4, 5, 6),
                npy("|u1", false, new int[] {4}, 1, 2, 3, 4), npy("<i8", false, new int[] {}, 7), npy(">i2", false, new int[] {2, 1, 2}, 1, -2, 3, 4),
                npy("|b1", false, new int[] {3}, 1, 0, 1), npy("<f2", true, new int[] {1, 2}, 0.5, 2));
    }

    static List<byte[]> npzCorpus() throws Exception {
        List<byte[]> n = npyCorpus();
        return List.of(npz(false, "x1", n.get(0), "y", n.get(2)), npz(true, "x1", n.get(1), "y", n.get(3)), npz(true, "a", n.get(4)),
                npz(false, "b", n.get(5), "c", n.get(6)));
    }

    /** One seeded mutation of a corpus file (shared with the other packages' fuzz tests). */
    public static byte[] mutate(Random r, List<byte[]> corpus) {
        byte[] b = corpus.get(r.nextInt(corpus.size())).clone();
        int ops = 1 + r.nextInt(3);
        for (int k = 0; k < ops && b.length > 0; k++) {
            switch (r.nextInt(7)) {
                case 0 -> { // bit flips
                    int flips = 1 + r.nextInt(8);
                    for (int i = 0; i < flips; i++) b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
                }
                case 1 -> b = java.util.Arrays.copyOf(b, r.nextInt(b.length)); // truncation
                case 2 -> { // overwrite a 4-byte (often a length) field with an interesting value
                    int at = b.length < 4 ? 0 : (r.nextBoolean() ? r.nextInt(b.length / 4) * 4 : r.nextInt(b.length - 3));
                    if (b.length < 4) break;
                    int[] vals = {0, 1, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, 0x7ffffff8, 8, 65535, 1 << 20, r.nextInt()};
                    ByteBuffer.wrap(b).order(r.nextBoolean() ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN).putInt(at, vals[r.nextInt(vals.length)]);
                }
                case 3 -> { // splice with another valid file
                    byte[] o = corpus.get(r.nextInt(corpus.size()));
                    int cut = r.nextInt(b.length + 1), from = r.nextInt(o.length + 1);
                    byte[] s = new byte[cut + o.length - from];
                    System.arraycopy(b, 0, s, 0, cut);
                    System.arraycopy(o, from, s, cut, o.length - from);
                    b = s;
                }
                case 4 -> b[r.nextInt(b.length)] = (byte) r.nextInt(256); // random byte
                case 5 -> { // delete a range
                    int at = r.nextInt(b.length), len = Math.min(b.length - at, 1 + r.nextInt(16));
                    byte[] s = new byte[b.length - len];
                    System.arraycopy(b, 0, s, 0, at);
                    System.arraycopy(b, at + len, s, at, b.length - at - len);
                    b = s;
                }
                default -> { // insert random bytes
                    int at = r.nextInt(b.length + 1), len = 1 + r.nextInt(16);
                    byte[] s = new byte[b.length + len];
                    System.arraycopy(b, 0, s, 0, at);
                    for (int i = 0; i < len; i++) s[at + i] = (byte) r.nextInt(256);
                    System.arraycopy(b, at, s, at + len, b.length - at);
                    b = s;
                }
            }
        }
        return b;
    }

    /**
     * A mutation inside a little-endian length-prefixed JSON header that keeps the length field
     * right, so the parser gets past it: a number replaced by an interesting one (0, huge, negative,
     * past 64 bits), a byte changed, or a range deleted.
     *
     * @param lengthAt offset of the int64 header length; the header follows it
     */
    public static byte[] mutateJsonHeader(Random r, byte[] file, int lengthAt) {
        ByteBuffer bb = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        if (file.length < lengthAt + 8) return file;
        long n = bb.getLong(lengthAt);
        int from = lengthAt + 8;
        if (n <= 0 || n > file.length - from) return file;
        String h = new String(file, from, (int) n, java.nio.charset.StandardCharsets.ISO_8859_1);
        String[] vals = {"0", "1", "2", "3", "4", "8", "-1", "2147483647", "2147483648", "4294967296", "4611686018427387904",
                "9223372036854775807", "9223372036854775808", "1e308", "1.5", "null", "\"x\"", "[]", "{}", "99999999999999999999999"};
        String m;
        var digits = java.util.regex.Pattern.compile("-?[0-9]+").matcher(h);
        List<int[]> spans = new ArrayList<>();
        while (digits.find()) spans.add(new int[] {digits.start(), digits.end()});
        int op = r.nextInt(4);
        if (op <= 1 && !spans.isEmpty()) {
            int[] sp = spans.get(r.nextInt(spans.size()));
            m = h.substring(0, sp[0]) + vals[r.nextInt(vals.length)] + h.substring(sp[1]);
        } else if (op == 2 && !h.isEmpty()) {
            int at = r.nextInt(h.length());
            m = h.substring(0, at) + "{}[],:\"0aF-e.\\ \u00ff".charAt(r.nextInt(16)) + h.substring(at + 1);
        } else {
            int at = r.nextInt(h.length() + 1), len = Math.min(h.length() - at, r.nextInt(12));
            m = h.substring(0, at) + h.substring(at + len);
        }
        byte[] mh = m.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        byte[] out = new byte[file.length - (int) n + mh.length];
        System.arraycopy(file, 0, out, 0, from);
        System.arraycopy(mh, 0, out, from, mh.length);
        System.arraycopy(file, from + (int) n, out, from + mh.length, file.length - from - (int) n);
        ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putLong(lengthAt, mh.length);
        return out;
    }

    /** Runs {@link #INPUTS} inputs from {@code mutator} through {@code reader}: each parses or fails with FormatException, quickly. */
    public static int[] fuzz(String name, List<byte[]> corpus, Reader reader, long seed, java.util.function.BiFunction<Random, List<byte[]>, byte[]> mutator) {
        for (byte[] valid : corpus) assertDoesNotThrow(() -> reader.read(valid), name + " corpus");
        Random r = new Random(seed);
        int ok = 0, rejected = 0;
        long worst = 0;
        for (int i = 0; i < INPUTS; i++) {
            byte[] b = mutator.apply(r, corpus);
            long t0 = System.nanoTime();
            try {
                reader.read(b);
                ok++;
            } catch (FormatException e) {
                assertNotNull(e.getMessage());
                rejected++;
            } catch (Throwable t) {
                fail(name + " fuzz input " + i + " (seed " + seed + ", " + b.length + " bytes) threw " + t, t);
            }
            long dt = System.nanoTime() - t0;
            worst = Math.max(worst, dt);
            assertTrue(dt < PER_INPUT_NANOS, name + " fuzz input " + i + " took " + dt / 1e6 + " ms");
        }
        System.out.printf("%s fuzz: %d inputs, %d parsed, %d rejected with FormatException, slowest %.2f ms%n", name, INPUTS, ok,
                rejected, worst / 1e6);
        return new int[] {ok, rejected};
    }

    static void fuzz(String name, List<byte[]> corpus, Reader reader, long seed) {
        fuzz(name, corpus, reader, seed, ReaderFuzzTest::mutate);
    }

    @Test
    @Timeout(120)
    void matFuzz() {
        fuzz("MAT", matCorpus(), b -> MatFile.read(b, "fuzz.mat", 1 << 20), 1);
    }

    @Test
    @Timeout(120)
    void npyFuzz() {
        fuzz("NPY", npyCorpus(), b -> Npy.read(b, "fuzz.npy"), 2);
    }

    @Test
    @Timeout(120)
    void npzFuzz() throws Exception {
        fuzz("NPZ", npzCorpus(), b -> Npy.readNpz(b, "fuzz.npz", 1 << 20), 3);
    }
}
