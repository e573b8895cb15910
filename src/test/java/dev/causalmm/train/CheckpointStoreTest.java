package dev.causalmm.train;

import static org.junit.jupiter.api.Assertions.*;

import dev.causalmm.engine.Tensor;
import dev.causalmm.engine.TensorScope;
import dev.causalmm.io.Json;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointStoreTest {

    private static Map<String, Tensor> params(float a) {
        Map<String, Tensor> p = new LinkedHashMap<>();
        p.put("w", Tensor.of(new float[] {a, a + 1, a + 2}, 3));
        p.put("b", Tensor.of(new float[] {-a}, 1));
        return p;
    }

    @Test
    void lastIsAlwaysWrittenBestOnlyWhenAsked(@TempDir Path dir) {
        try (var s = TensorScope.open("t")) {
            var store = new CheckpointStore(dir);
            assertFalse(store.hasLast());
            assertNull(store.readBestWeights(), "no best.ckpt yet");
            store.save(Checkpoint.capture(params(1), null, Json.object().put("epoch", 0)), true);
            store.save(Checkpoint.capture(params(5), null, Json.object().put("epoch", 1)), false);
            assertTrue(store.hasLast());
            assertEquals(dir.resolve("last.ckpt"), store.last());
            assertEquals(dir.resolve("best.ckpt"), store.best());
            assertEquals(1, store.readLast().state().get("epoch").asInt(), "last.ckpt holds the latest epoch");
            Map<String, float[]> best = store.readBestWeights();
            assertArrayEquals(new float[] {1, 2, 3}, best.get("w"), "best.ckpt keeps the epoch it was written for");
            assertArrayEquals(new float[] {-1}, best.get("b"));
        }
    }

    @Test
    void restorePutsTheSnapshotBack() {
        try (var s = TensorScope.open("t")) {
            Map<String, Tensor> p = params(2);
            Map<String, float[]> snap = CheckpointStore.snapshot(p);
            p.get("w").fill_(0);
            p.get("b").fill_(7);
            CheckpointStore.restore(p, snap);
            assertArrayEquals(new float[] {2, 3, 4}, p.get("w").toFloatArray());
            assertArrayEquals(new float[] {-2}, p.get("b").toFloatArray());
        }
    }

    @Test
    void aCorruptLastFailsNamingTheFile(@TempDir Path dir) throws Exception {
        var store = new CheckpointStore(dir);
        Files.write(store.last(), new byte[] {1, 2, 3});
        var e = assertThrows(UncheckedIOException.class, store::readLast);
        assertTrue(e.getMessage().contains(store.last().toString()) && e.getMessage().contains("not a causalmm checkpoint"),
                e.getMessage());
    }
}
