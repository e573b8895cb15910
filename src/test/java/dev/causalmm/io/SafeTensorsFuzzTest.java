package dev.causalmm.io;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded mutation fuzz of the safetensors reader: 100,000 inputs from small valid files, half of
 * them byte-level mutations (flips, truncations, splices, length fields) and half mutations inside
 * the JSON header with its length kept right (offsets and shapes replaced by 0, huge, negative or
 * 64-bit-overflowing values). Each must parse (and its float tensors read) or fail with a
 * {@link FormatException} that names the file.
 */
class SafeTensorsFuzzTest {

    static List<byte[]> corpus(Path dir) throws Exception {
        List<byte[]> c = new ArrayList<>();
        int k = 0;
        for (SafeTensors.DType d : new SafeTensors.DType[] {SafeTensors.DType.F32, SafeTensors.DType.BF16, SafeTensors.DType.F16}) {
            Path f = dir.resolve("c" + k++ + ".safetensors");
            SafeTensors.write(f, List.of(new SafeTensors.Data("encoder0.mlp.layer0.weight", new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6}),
                    new SafeTensors.Data("head0.bias", new long[] {3}, new float[] {-1, 0.5f, 7}),
                    new SafeTensors.Data("empty", new long[] {0, 4}, new float[0])), d, Map.of("format", "pt", "causalmm.card", "{\"a\":1}"));
            c.add(Files.readAllBytes(f));
        }
        Path f = dir.resolve("scalar.safetensors");
        SafeTensors.write(f, List.of(new SafeTensors.Data("s", new long[] {}, new float[] {3})), SafeTensors.DType.F32, null);
        c.add(Files.readAllBytes(f));
        return c;
    }

    static void read(byte[] b) throws FormatException {
        try (SafeTensors st = SafeTensors.parse(MemorySegment.ofArray(b), "fuzz.safetensors")) {
            for (SafeTensors.Entry e : st.entries().values()) {
                if (e.dtype().convertsToFloat()) {
                    float[] v = st.floats(e.name());
                    assertEquals(e.elements(), v.length);
                } else {
                    assertEquals(e.end() - e.begin(), st.segment(e.name()).byteSize());
                }
            }
        } catch (FormatException e) {
            assertTrue(e.getMessage().startsWith("fuzz.safetensors"), e.getMessage());
            throw e;
        }
    }

    @Test
    @Timeout(120)
    void safetensorsFuzz(@TempDir Path dir) throws Exception {
        List<byte[]> corpus = corpus(dir);
        int[] outcome = ReaderFuzzTest.fuzz("safetensors", corpus, SafeTensorsFuzzTest::read, 13,
                (Random r, List<byte[]> c) -> r.nextBoolean() ? ReaderFuzzTest.mutate(r, c)
                        : ReaderFuzzTest.mutateJsonHeader(r, c.get(r.nextInt(c.size())), 0));
        assertTrue(outcome[0] > 0 && outcome[1] > 0, "both outcomes must occur: parsed " + outcome[0] + ", rejected " + outcome[1]);
    }
}
