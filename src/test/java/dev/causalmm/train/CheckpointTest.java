package dev.causalmm.train;

import static org.junit.jupiter.api.Assertions.*;

import dev.causalmm.engine.Tensor;
import dev.causalmm.engine.TensorScope;
import dev.causalmm.io.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {

    private static Map<String, Tensor> params(float a, float b) {
        Map<String, Tensor> p = new LinkedHashMap<>();
        p.put("layer.weight", Tensor.of(new float[] {a, a + 1, a + 2, a + 3}, 2, 2));
        p.put("layer.bias", Tensor.of(new float[] {b}, 1));
        return p;
    }

    @Test
    void roundTripRestoresValuesStateAndOptimizerBytes(@TempDir Path dir) throws IOException {
        try (var s = TensorScope.open("t")) {
            var st = Json.object().put("epoch", 4);
            Path f = dir.resolve("a.ckpt");
            Checkpoint.capture(params(1, 9), new byte[] {1, 2, 3}, st).write(f);
            Checkpoint back = Checkpoint.read(f);
            Map<String, Tensor> target = params(0, 0);
            back.restoreInto(target, f.toString());
            assertArrayEquals(new float[] {1, 2, 3, 4}, target.get("layer.weight").toFloatArray());
            assertArrayEquals(new float[] {9}, target.get("layer.bias").toFloatArray());
            assertEquals(4, back.state().get("epoch").asInt());
            assertArrayEquals(new byte[] {1, 2, 3}, back.optimizerState());
        }
    }

    @Test
    void corruptionIsDetectedAndNamesTheFile(@TempDir Path dir) throws IOException {
        try (var s = TensorScope.open("t")) {
            Path f = dir.resolve("b.ckpt");
            Checkpoint.capture(params(1, 2), null, Json.object()).write(f);
            byte[] bytes = Files.readAllBytes(f);
            bytes[bytes.length / 2] ^= 0x5A;
            Files.write(f, bytes);
            var e = assertThrows(IOException.class, () -> Checkpoint.read(f));
            assertTrue(e.getMessage().contains("b.ckpt") && e.getMessage().contains("corrupt"), e.getMessage());
            Files.write(f, new byte[] {1, 2, 3});
            var e2 = assertThrows(IOException.class, () -> Checkpoint.read(f));
            assertTrue(e2.getMessage().contains("not a causalmm checkpoint"), e2.getMessage());
        }
    }

    @Test
    void shapeMismatchNamesTheParameter(@TempDir Path dir) throws IOException {
        try (var s = TensorScope.open("t")) {
            Path f = dir.resolve("c.ckpt");
            Checkpoint.capture(params(1, 2), null, Json.object()).write(f);
            Map<String, Tensor> other = Map.of("layer.weight", Tensor.zeros(3, 2), "layer.bias", Tensor.zeros(1));
            var e = assertThrows(IllegalArgumentException.class, () -> Checkpoint.read(f).restoreInto(other, "c.ckpt"));
            assertTrue(e.getMessage().contains("layer.weight") && e.getMessage().contains("[3, 2]"), e.getMessage());
        }
    }

    @Test
    void aFailedWriteLeavesThePreviousCheckpointIntact(@TempDir Path dir) throws Throwable {
        try (var s = TensorScope.open("t")) {
            Path f = dir.resolve("last.ckpt");
            Checkpoint.capture(params(1, 2), null, Json.object().put("epoch", 1)).write(f);
            byte[] before = Files.readAllBytes(f);
            Checkpoint next = Checkpoint.capture(params(5, 5), new byte[4096], Json.object().put("epoch", 2));
            // the disk fills up while the new version of the same file is being written: the process may
            // not grow any file beyond 256 bytes (RLIMIT_FSIZE; the JVM ignores SIGXFSZ, so the write fails)
            var e = assertThrows(IOException.class, () -> FileSizeLimit.during(256, () -> next.write(f)));
            assertArrayEquals(before, Files.readAllBytes(f), "the old checkpoint was changed by a failed write");
            assertEquals(1, Checkpoint.read(f).state().get("epoch").asInt());
            try (var files = Files.list(dir)) {
                assertEquals(List.of(f), files.toList(), "the torn temporary file is removed");
            }
            // and without the limit the same write goes through
            next.write(f);
            assertEquals(2, Checkpoint.read(f).state().get("epoch").asInt());
        }
    }

    /** Sets the process's RLIMIT_FSIZE (Linux) around an action, through the C library. */
    static final class FileSizeLimit {
        private static final int RLIMIT_FSIZE = 1;

        interface IOAction {
            void run() throws IOException;
        }

        static void during(long bytes, IOAction action) throws Throwable {
            Linker linker = Linker.nativeLinker();
            FunctionDescriptor fd = FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS);
            MethodHandle get = linker.downcallHandle(linker.defaultLookup().find("getrlimit").orElseThrow(), fd);
            MethodHandle set = linker.downcallHandle(linker.defaultLookup().find("setrlimit").orElseThrow(), fd);
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment old = arena.allocate(16, 8);
                assertEquals(0, (int) get.invokeExact(RLIMIT_FSIZE, old));
                MemorySegment limited = arena.allocate(16, 8);
                limited.set(ValueLayout.JAVA_LONG, 0, bytes);
                limited.set(ValueLayout.JAVA_LONG, 8, old.get(ValueLayout.JAVA_LONG, 8));
                assertEquals(0, (int) set.invokeExact(RLIMIT_FSIZE, limited));
                try {
                    action.run();
                } finally {
                    assertEquals(0, (int) set.invokeExact(RLIMIT_FSIZE, old));
                }
            }
        }
    }
}
