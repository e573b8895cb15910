package dev.causalmm.seg;

import static org.junit.jupiter.api.Assertions.*;

import dev.causalmm.io.FormatException;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Seeded mutation fuzz of the cache-entry parser: 100,000 inputs made from small valid entries (bit
 * flips, truncations, 4-byte field overwrites, random bytes, deletions). Each must decode or fail
 * with {@link FormatException}; nothing else escapes, and nothing hangs.
 */
class SegCacheFuzzTest {
    static byte[] entry(SegVolume v, String key) throws IOException {
        var out = new ByteArrayOutputStream();
        SegCache.encode(new DataOutputStream(out), v, key);
        return out.toByteArray();
    }

    static List<byte[]> corpus() throws IOException {
        Random r = new Random(3);
        List<byte[]> c = new ArrayList<>();
        int[][] shapes = {{2, 3, 2}, {1, 1, 1}, {4, 2, 1}};
        for (int k = 0; k < shapes.length; k++) {
            int[] s = shapes[k];
            int n = s[0] * s[1] * s[2];
            float[][] ch = new float[3][];
            for (int m = 0; m < 3; m++) {
                if (m == k) continue;
                ch[m] = new float[n];
                for (int i = 0; i < n; i++) ch[m][i] = (float) r.nextGaussian();
            }
            byte[] regions = k == 1 ? null : new byte[n];
            if (regions != null) for (int i = 0; i < n; i++) regions[i] = (byte) r.nextInt(8);
            SegVolume v = new SegVolume("case" + k, s, List.of("flair", "t1", "t2"), ch, regions,
                    new VolumeGeometry(new int[] {8, 8, 8}, new int[] {k, 1, 2}, Path.of("/data/case" + k + "/flair.nii.gz")));
            c.add(entry(v, "0123456789abcdef01234567"));
        }
        return c;
    }

    @Test
    @Timeout(60)
    void cacheEntryFuzz() throws IOException {
        List<byte[]> corpus = corpus();
        for (byte[] b : corpus) assertDoesNotThrow(() -> SegCache.decode(b, "valid.segvol", "0123456789abcdef01234567"));
        Random r = new Random(19);
        int parsed = 0, rejected = 0;
        for (int i = 0; i < 100_000; i++) {
            byte[] b = corpus.get(r.nextInt(corpus.size())).clone();
            for (int ops = 1 + r.nextInt(3); ops > 0 && b.length > 4; ops--) {
                switch (r.nextInt(5)) {
                    case 0 -> b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
                    case 1 -> b = Arrays.copyOf(b, r.nextInt(b.length));
                    case 2 -> {
                        int[] vals = {0, 1, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, 1 << 20, 65535, r.nextInt()};
                        if (b.length >= 4) ByteBuffer.wrap(b).putInt(r.nextInt(b.length - 3), vals[r.nextInt(vals.length)]);
                    }
                    case 3 -> b[r.nextInt(b.length)] = (byte) r.nextInt(256);
                    default -> {
                        int at = r.nextInt(b.length), len = Math.min(b.length - at, 1 + r.nextInt(8));
                        byte[] s = new byte[b.length - len];
                        System.arraycopy(b, 0, s, 0, at);
                        System.arraycopy(b, at + len, s, at, b.length - at - len);
                        b = s;
                    }
                }
            }
            try {
                SegCache.decode(b, "fuzz.segvol", "0123456789abcdef01234567");
                parsed++;
            } catch (FormatException e) {
                assertNotNull(e.getMessage());
                rejected++;
            } catch (Throwable t) {
                fail("input " + i + " (" + b.length + " bytes) threw " + t, t);
            }
        }
        System.out.printf("segvol fuzz: 100000 inputs, %d parsed, %d rejected%n", parsed, rejected);
        assertTrue(rejected > 50_000, "most mutations must be caught: " + rejected);
    }
}
