package dev.causalmm.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one SHA-256 helper: the standard's test vector, and a streamed file hashes as its bytes do. No LibTorch. */
class Sha256Test {
    @TempDir Path dir;

    @Test
    void hashesTheFipsTestVector() {
        // FIPS 180-2, appendix B.1
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Sha256.of("abc"));
    }

    @Test
    void aStreamedFileOverManyBuffersHashesLikeItsBytes() throws Exception {
        byte[] b = new byte[(1 << 16) * 3 + 123];
        new Random(1).nextBytes(b);
        Path f = Files.write(dir.resolve("x.bin"), b);
        assertEquals(Sha256.of(b), Sha256.file(f));
        b[b.length - 1] ^= 1;
        assertNotEquals(Sha256.of(b), Sha256.file(f));
    }
}
