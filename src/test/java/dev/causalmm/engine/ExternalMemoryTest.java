package dev.causalmm.engine;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ExternalMemoryTest {

    @Test
    void wrapKeepsStridesAndOffsetAndReleasesOnceWhenTheLastViewIsGone() {
        AtomicInteger released = new AtomicInteger();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mem = arena.allocate(4L * 16, 64);
            for (int i = 0; i < 16; i++) mem.setAtIndex(ValueLayout.JAVA_FLOAT, i, i);
            Tensor view;
            try (var s = TensorScope.open("outer")) {
                try (var inner = TensorScope.open("inner")) {
                    // 3x2 column-major after 4 unused floats: (i, j) = 4 + i + 3 j
                    Tensor t = ExternalMemory.wrap(mem.address(), 4, new long[] {3, 2}, new long[] {1, 3},
                            DType.FLOAT32, Device.CPU, released::incrementAndGet);
                    assertArrayEquals(new float[] {4, 7, 5, 8, 6, 9}, t.toFloatArray());
                    var v = ExternalMemory.view(t);
                    assertEquals(mem.address(), v.dataAddress());
                    assertEquals(4, v.storageOffset());
                    assertArrayEquals(new long[] {1, 3}, v.strides());
                    view = t.narrow(0, 1, 2).keep();   // a view outlives the wrapped tensor
                }
                assertEquals(0, released.get(), "a view still holds the storage");
                assertArrayEquals(new float[] {5, 8, 6, 9}, view.toFloatArray());
                mem.setAtIndex(ValueLayout.JAVA_FLOAT, 5, 50f);            // a write from outside is seen
                assertEquals(50f, view.toFloatArray()[0]);
            }
            assertEquals(1, released.get());
        }
    }

    @Test
    void aRetainedReferenceKeepsTheStorageAfterTheTensorIsClosed() {
        AtomicInteger released = new AtomicInteger();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mem = arena.allocate(4L * 4, 64);
            ExternalMemory.Retained ref;
            try (var s = TensorScope.open("t")) {
                Tensor t = ExternalMemory.wrap(mem.address(), 0, new long[] {4}, new long[] {1}, DType.FLOAT32, Device.CPU,
                        released::incrementAndGet);
                ref = ExternalMemory.retain(t);
            }
            assertEquals(0, released.get(), "the retained reference holds the storage");
            Thread other = Thread.ofPlatform().start(() -> assertTrue(ref.release()));
            assertDoesNotThrow(() -> other.join());
            assertFalse(ref.release(), "only the first release counts");
            assertEquals(1, released.get());
        }
    }

    @Test
    void badWrapsAreRefusedAndNeverRelease() {
        AtomicInteger released = new AtomicInteger();
        Runnable r = released::incrementAndGet;
        long pending = ExternalMemory.pendingReleases();
        assertThrows(IllegalArgumentException.class, () -> ExternalMemory.wrap(0, 0, new long[] {2}, new long[] {1}, DType.FLOAT32, Device.CPU, r));
        assertThrows(IllegalArgumentException.class, () -> ExternalMemory.wrap(64, 0, new long[] {2}, new long[] {-1}, DType.FLOAT32, Device.CPU, r));
        assertThrows(IllegalArgumentException.class, () -> ExternalMemory.wrap(64, 0, new long[] {-2}, new long[] {1}, DType.FLOAT32, Device.CPU, r));
        assertThrows(IllegalArgumentException.class, () -> ExternalMemory.wrap(64, 0, new long[] {2, 2}, new long[] {1}, DType.FLOAT32, Device.CPU, r));
        if (!Engine.cudaAvailable()) {
            var e = assertThrows(IllegalArgumentException.class,
                    () -> ExternalMemory.wrap(64, 0, new long[] {2}, new long[] {1}, DType.FLOAT32, Device.cuda(0), r));
            assertTrue(e.getMessage().contains("no CUDA device"), e.getMessage());
        }
        assertEquals(0, released.get());
        assertEquals(pending, ExternalMemory.pendingReleases());
    }

    @Test
    void viewRefusesClosedOrMissingTensors() {
        Tensor t = Tensor.zeros(2);
        t.close();
        assertThrows(IllegalStateException.class, () -> ExternalMemory.view(t));
        assertThrows(IllegalArgumentException.class, () -> ExternalMemory.view(null));
    }

    @Test
    void fromSegmentTellsWhenLibTorchLetsGoOfTheBuffer() {
        AtomicInteger returned = new AtomicInteger();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(4L * 6, 64);
            Tensor saved;
            try (var s = TensorScope.open("step")) {
                Tensor x = TensorMemory.fromSegment(buf, DType.FLOAT32, returned::incrementAndGet, 2, 3);
                saved = x.reshape(3, 2).keep();          // a view that outlives the wrapped tensor
            }
            assertEquals(0, returned.get(), "the buffer is still in use by a view");
            saved.close();
            assertEquals(1, returned.get(), "returned exactly once, when the last view went");
        }
    }

    @Test
    void aSegmentFromAsSegmentEndsWithItsTensor() {
        MemorySegment seg;
        try (var s = TensorScope.open("t")) {
            Tensor t = Tensor.ones(4);
            seg = TensorMemory.asSegment(t);
            assertEquals(1f, seg.getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, 3));
        }
        MemorySegment dead = seg;
        assertThrows(IllegalStateException.class, () -> dead.getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, 0),
                "reading through a segment of a closed tensor must fail, not read freed memory");
    }
}
