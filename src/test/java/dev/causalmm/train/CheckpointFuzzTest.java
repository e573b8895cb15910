package dev.causalmm.train;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.causalmm.engine.Tensor;
import dev.causalmm.io.FormatException;
import dev.causalmm.io.Json;
import dev.causalmm.io.ReaderFuzzTest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded mutation fuzz of the CMMCKPT1 reader: 100,000 inputs from small valid checkpoints. The
 * CRC would reject almost every mutation at once, so most inputs get their CRC recomputed after the
 * mutation, which sends them through the header and payload parsing (lengths, shapes, optimizer
 * byte count). Each must parse or fail with a {@link FormatException} naming the file.
 */
class CheckpointFuzzTest {

    static List<byte[]> corpus(Path dir) throws Exception {
        List<byte[]> c = new ArrayList<>();
        for (int k = 0; k < 3; k++) {
            Map<String, Tensor> params = new LinkedHashMap<>();
            params.put("layer.weight", Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3).unscoped());
            params.put("layer.bias", Tensor.of(new float[] {k}, 1).unscoped());
            if (k == 2) params.put("scalar", Tensor.of(new float[] {7}).unscoped());
            ObjectNode st = Json.object();
            st.put("epoch", k);
            st.putArray("history").add(0.5);
            Path f = dir.resolve("c" + k + ".ckpt");
            Checkpoint.capture(params, k == 1 ? new byte[0] : new byte[] {1, 2, 3, (byte) k}, st).write(f);
            params.values().forEach(Tensor::close);
            c.add(Files.readAllBytes(f));
        }
        return c;
    }

    /** Recomputes the trailing CRC-32 so the mutation reaches the parser behind the check. */
    static byte[] fixCrc(byte[] b) {
        if (b.length < 8) return b;
        CRC32 crc = new CRC32();
        crc.update(b, 0, b.length - 8);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(b.length - 8, crc.getValue());
        return b;
    }

    static void read(byte[] b) throws FormatException {
        try {
            Checkpoint ck = Checkpoint.parse(b, "fuzz.ckpt");
            long floats = 0;
            for (long[] s : ck.shapes().values()) {
                long n = 1;
                for (long d : s) n *= d;
                floats += n;
            }
            assertTrue(floats * 4 + ck.optimizerState().length <= b.length, "more values than the file holds");
        } catch (FormatException e) {
            assertTrue(e.getMessage().startsWith("fuzz.ckpt"), e.getMessage());
            throw e;
        }
    }

    @Test
    @Timeout(120)
    void checkpointFuzz(@TempDir Path dir) throws Exception {
        List<byte[]> corpus = corpus(dir);
        int[] outcome = ReaderFuzzTest.fuzz("CMMCKPT1", corpus, CheckpointFuzzTest::read, 17, (Random r, List<byte[]> c) -> switch (r.nextInt(4)) {
            case 0 -> ReaderFuzzTest.mutate(r, c);                                              // CRC left as is
            case 1 -> fixCrc(ReaderFuzzTest.mutate(r, c));
            default -> fixCrc(ReaderFuzzTest.mutateJsonHeader(r, c.get(r.nextInt(c.size())).clone(), 8));
        });
        assertTrue(outcome[0] > 0 && outcome[1] > 0, "both outcomes must occur: parsed " + outcome[0] + ", rejected " + outcome[1]);
    }
}
