package dev.causalmm.engine;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import org.junit.jupiter.api.Test;

class TensorTest {

    @Test
    void arraysRoundTripWithShape() {
        try (var s = TensorScope.open("t")) {
            Tensor t = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
            assertArrayEquals(new long[] {2, 3}, t.shape());
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, t.toFloatArray());
            Tensor sum = t.sum(1, false);
            assertArrayEquals(new float[] {6, 15}, sum.toFloatArray());
            assertEquals(21.0, t.sum().item(), 1e-6);
            assertArrayEquals(new long[] {7, 8}, Tensor.of(new long[] {7, 8}, 2).toLongArray());
        }
    }

    @Test
    void wrongArrayLengthNamesTheShape() {
        var e = assertThrows(IllegalArgumentException.class, () -> Tensor.of(new float[5], 2, 3));
        assertTrue(e.getMessage().contains("[2, 3]"), e.getMessage());
    }

    @Test
    void segmentWrappedAsTensorSharesMemoryBothWays() {
        try (Arena arena = Arena.ofConfined(); var s = TensorScope.open("t")) {
            MemorySegment seg = arena.allocate(ValueLayout.JAVA_FLOAT, 6);
            for (int i = 0; i < 6; i++) seg.setAtIndex(ValueLayout.JAVA_FLOAT, i, i);
            Tensor t = TensorMemory.fromSegment(seg, DType.FLOAT32, 2, 3);
            assertEquals(15.0, t.sum().item(), 1e-6);
            // Java writes are seen by the tensor
            seg.setAtIndex(ValueLayout.JAVA_FLOAT, 0, 100f);
            assertEquals(115.0, t.sum().item(), 1e-6);
            // tensor writes are seen by Java
            t.mul_(2.0);
            assertEquals(200f, seg.getAtIndex(ValueLayout.JAVA_FLOAT, 0));
            assertEquals(10f, seg.getAtIndex(ValueLayout.JAVA_FLOAT, 5));
        }
    }

    @Test
    void tensorStorageAsSegmentSharesMemoryBothWays() {
        try (var s = TensorScope.open("t")) {
            Tensor t = Tensor.zeros(4);
            MemorySegment seg = TensorMemory.asSegment(t);
            assertEquals(16, seg.byteSize());
            seg.setAtIndex(ValueLayout.JAVA_FLOAT, 2, 3.5f);
            assertArrayEquals(new float[] {0, 0, 3.5f, 0}, t.toFloatArray());
            t.fill_(7);
            assertEquals(7f, seg.getAtIndex(ValueLayout.JAVA_FLOAT, 3));
        }
    }

    @Test
    void segmentTooSmallIsRejected() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(8);
            var e = assertThrows(IllegalArgumentException.class, () -> TensorMemory.fromSegment(seg, DType.FLOAT32, 3));
            assertTrue(e.getMessage().contains("too small"));
        }
    }

    @Test
    void scopeFreesWhatItOwnsAndKeepMovesToParent() {
        long before = NativeMemory.liveTensors();
        Tensor kept;
        try (var outer = TensorScope.open("outer")) {
            try (var inner = TensorScope.open("inner")) {
                Tensor a = Tensor.ones(3);
                Tensor b = a.mul(2.0);
                kept = inner.keep(b);
                assertEquals(2, inner.report().liveTensors() + 1); // a live in inner, b moved out
                assertEquals(1, inner.report().liveTensors());
            }
            assertFalse(kept.isClosed());
            assertEquals(6.0, kept.sum().item(), 1e-6);
            assertEquals(2, outer.report().liveTensors()); // kept + the sum
        }
        assertTrue(kept.isClosed());
        assertEquals(before, NativeMemory.liveTensors());
    }

    @Test
    void useAfterScopeCloseIsAClearError() {
        Tensor t;
        try (var s = TensorScope.open("s")) {
            t = Tensor.ones(2);
        }
        var e = assertThrows(IllegalStateException.class, t::shape);
        assertTrue(e.getMessage().contains("closed"));
    }

    @Test
    void strictScopeRefusesLeaks() {
        var e = assertThrows(IllegalStateException.class, () -> {
            try (var s = TensorScope.strict("leaky")) {
                Tensor.zeros(5, 5);
            }
        });
        assertTrue(e.getMessage().contains("leaky") && e.getMessage().contains("[5, 5]"), e.getMessage());
        // a strict scope whose tensors were closed is fine
        try (var s = TensorScope.strict("clean")) {
            Tensor.zeros(2).close();
        }
        assertNull(TensorScope.current());
    }

    @Test
    void scopesAreThreadConfined() throws Exception {
        try (var s = TensorScope.open("main")) {
            Tensor t = Tensor.ones(2);
            // the other thread's outcome is brought back here: an assertion failing on that thread would die with it
            var closing = new java.util.concurrent.FutureTask<Throwable>(() -> {
                try {
                    s.close();
                    return null;
                } catch (Throwable e) {
                    return e;
                }
            });
            Thread.ofVirtual().start(closing).join();
            Throwable thrown = closing.get();
            assertInstanceOf(IllegalStateException.class, thrown, "closing a scope from another thread must fail");
            assertTrue(thrown.getMessage().contains("'main'") && thrown.getMessage().contains("confined"), thrown.getMessage());
            assertFalse(t.isClosed(), "the refused close freed nothing");
            assertSame(s, TensorScope.current(), "the scope is still open on its own thread");
        }
    }

    @Test
    void autogradThroughLinear() {
        try (var s = TensorScope.open("t")) {
            Tensor w = Tensor.of(new float[] {1, 2, 3}, 1, 3).requiresGrad_(true);
            Tensor x = Tensor.of(new float[] {1, 1, 1, 2, 2, 2}, 2, 3);
            Tensor y = Functional.linear(x, w, null).sum();
            assertEquals(18.0, y.item(), 1e-6);
            y.backward();
            assertArrayEquals(new float[] {3, 3, 3}, w.grad().toFloatArray());
            w.clearGrad();
            assertNull(w.grad());
        }
    }

    @Test
    void catStackAndCrossEntropy() {
        try (var s = TensorScope.open("t")) {
            Tensor a = Tensor.of(new float[] {1, 2}, 1, 2);
            Tensor b = Tensor.of(new float[] {3, 4}, 1, 2);
            assertArrayEquals(new long[] {2, 2}, Tensor.cat(List.of(a, b), 0).shape());
            assertArrayEquals(new long[] {1, 2, 2}, Tensor.stack(List.of(a, b), 1).shape());
            Tensor logits = Tensor.of(new float[] {0, 0}, 1, 2);
            double ce = Functional.crossEntropy(logits, Tensor.of(new long[] {1}, 1)).item();
            assertEquals(Math.log(2), ce, 1e-6);
        }
    }

    @Test
    void gradientClippingBoundsTheJointNorm() {
        try (var s = TensorScope.open("t")) {
            Tensor a = Tensor.of(new float[] {1, 1}, 2).requiresGrad_(true);
            Tensor b = Tensor.of(new float[] {1}, 1).requiresGrad_(true);
            a.mul(3.0).sum().add(b.mul(4.0).sum()).backward(); // grads (3,3) and (4): norm sqrt(34)
            Tensor before = Functional.clipGradNorm(List.of(a, b), 1.0);
            assertEquals(0, before.dim(), "the norm stays a 0-d tensor on the device");
            assertEquals(Math.sqrt(34), before.item(), 1e-5);
            float[] ga = a.grad().toFloatArray();
            float[] gb = b.grad().toFloatArray();
            assertEquals(1.0, Math.sqrt(ga[0] * ga[0] + ga[1] * ga[1] + gb[0] * gb[0]), 1e-4);
            assertEquals(3 / Math.sqrt(34), ga[0], 1e-5, "every gradient scaled by the same factor");
            // below the bound nothing changes
            Tensor small = Functional.clipGradNorm(List.of(a, b), 10.0);
            assertEquals(1.0, small.item(), 1e-4);
            assertEquals(3 / Math.sqrt(34), a.grad().toFloatArray()[0], 1e-5);
        }
    }

    @Test
    void closingIsAtomicAndForgetsTheTensorInItsScope() throws Exception {
        long live0 = settledLiveCount();
        try (var s = TensorScope.strict("t")) {
            for (int round = 0; round < 200; round++) {
                Tensor t = Tensor.zeros(DType.FLOAT32, Device.CPU, 4);
                var go = new java.util.concurrent.CountDownLatch(1);
                Thread[] racers = new Thread[3];
                for (int k = 0; k < racers.length; k++) {
                    racers[k] = Thread.ofPlatform().start(() -> {
                        try {
                            go.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        t.close();
                    });
                }
                go.countDown();
                for (Thread r : racers) r.join();
                assertTrue(t.isClosed());
            }
            assertEquals(live0, NativeMemory.liveTensors(), "each raced close freed its tensor exactly once");
            Tensor kept = Tensor.zeros(DType.FLOAT32, Device.CPU, 2);
            kept.close(); // closed on the owning thread: dropped from the scope's list
            assertEquals(0, s.report().liveTensors());
        }
    }

    /** The live-tensor count once earlier tests' dropped tensors have been cleaned (so it only moves with this test). */
    static long settledLiveCount() throws InterruptedException {
        long last = -1;
        for (int i = 0; i < 30; i++) {
            System.gc();
            Thread.sleep(20);
            Tensor.zeros(DType.FLOAT32, Device.CPU, 1).close(); // making a tensor frees what the Cleaner queued for this thread
            long now = NativeMemory.liveTensors();
            if (now == last) return now;
            last = now;
        }
        return last;
    }

    @Test
    void anUnclosedTensorWithoutScopeIsFreedOnceUnreachable() throws Exception {
        assertNull(TensorScope.current());
        long live0 = settledLiveCount();
        for (int i = 0; i < 100; i++) Tensor.zeros(DType.FLOAT32, Device.CPU, 16); // dropped, never closed
        assertTrue(NativeMemory.liveTensors() >= live0 + 1, "they were live");
        for (int i = 0; i < 50 && NativeMemory.liveTensors() > live0; i++) {
            System.gc();
            Thread.sleep(20);
            Tensor.zeros(DType.FLOAT32, Device.CPU, 1).close(); // the creating thread frees the queued handles here
        }
        assertTrue(NativeMemory.liveTensors() <= live0, "the Cleaner freed every dropped tensor: " + NativeMemory.liveTensors() + " > " + live0);
        assertTrue(NativeMemory.reclaimedTensors() >= 100, "each was counted as a missed close");
        live0 = NativeMemory.liveTensors();
        long reclaimed = NativeMemory.reclaimedTensors();
        Tensor owned = Tensor.zeros(DType.FLOAT32, Device.CPU, 1);
        owned.close();
        owned.close();
        assertEquals(live0, NativeMemory.liveTensors(), "an explicit close, twice, frees once");
        assertEquals(reclaimed, NativeMemory.reclaimedTensors(), "an explicit close is not a reclaim");
    }

    @Test
    void deviceNamesParse() {
        assertEquals(Device.CPU, Device.parse("cpu"));
        assertEquals(Engine.cudaAvailable() ? Device.cuda(0) : Device.CPU, Device.parse("auto"));
        var e = assertThrows(IllegalArgumentException.class, () -> Device.parse("gpu0"));
        assertTrue(e.getMessage().contains("gpu0"));
        if (!Engine.cudaAvailable()) {
            var c = assertThrows(IllegalArgumentException.class, () -> Device.parse("cuda:0"));
            assertTrue(c.getMessage().contains("CUDA is not available: " + Engine.cudaStatus().reason()), c.getMessage());
        }
    }
}
