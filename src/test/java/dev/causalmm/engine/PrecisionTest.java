package dev.causalmm.engine;

import static org.junit.jupiter.api.Assertions.*;

import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Precision modes, the bf16 autocast region, and guards of per-OS-thread LibTorch state. */
class PrecisionTest {

    @Test
    void parsesTheThreeModes() {
        assertEquals(Precision.BF16, Precision.parse("BF16"));
        assertEquals(Precision.TF32, Precision.parse(" tf32"));
        assertEquals("fp32", Precision.FP32.toString());
        var e = assertThrows(IllegalArgumentException.class, () -> Precision.parse("fp16"));
        assertTrue(e.getMessage().contains("unknown precision 'fp16' (expected fp32, tf32 or bf16)"), e.getMessage());
    }

    @Test
    void autocastRunsMatmulsInBf16AndRestoresTheStateItFound() {
        try (var s = TensorScope.open("t")) {
            Tensor a = Tensor.randn(DType.FLOAT32, Device.CPU, 8, 8);
            Tensor w = Tensor.randn(DType.FLOAT32, Device.CPU, 8, 8).requiresGrad_(true);
            assertFalse(Autocast.isEnabled(Device.CPU));
            Tensor y;
            try (var outer = Autocast.bf16(Device.CPU)) {
                assertTrue(Autocast.isEnabled(Device.CPU));
                y = a.matmul(w);
                assertEquals(DType.BFLOAT16, y.dtype(), "matmul runs in bf16 under autocast");
                try (var inner = Autocast.bf16(Device.CPU)) {
                    assertTrue(Autocast.isEnabled(Device.CPU));
                }
                assertTrue(Autocast.isEnabled(Device.CPU), "closing a nested region keeps the outer one");
                Tensor labels = Tensor.of(new long[] {0, 1, 2, 3, 4, 5, 6, 7}, 8);
                assertEquals(DType.FLOAT32, Functional.crossEntropy(y, labels).dtype(), "losses run in float32 under autocast");
                assertEquals(DType.FLOAT32, Functional.crossEntropyPerSample(y, labels).dtype());
            }
            assertFalse(Autocast.isEnabled(Device.CPU));
            assertEquals(DType.FLOAT32, a.matmul(w).dtype());
            y.to(DType.FLOAT32).sum().backward();
            assertEquals(DType.FLOAT32, w.grad().dtype(), "the master weight's gradient stays float32");
            float[] exact = a.transpose(0, 1).matmul(Tensor.ones(DType.FLOAT32, Device.CPU, 8, 8)).toFloatArray();
            float[] got = w.grad().toFloatArray();
            for (int i = 0; i < exact.length; i++) assertEquals(exact[i], got[i], 0.05 * (1 + Math.abs(exact[i])), "gradient " + i);
        }
    }

    @Test
    void weightsChangedBetweenRegionsAreSeenByTheNextRegion() {
        // autocast's cast cache is off: a region after an update must not reuse stale bf16 weights
        try (var s = TensorScope.open("t")) {
            Tensor x = Tensor.ones(DType.FLOAT32, Device.CPU, 1, 4);
            Tensor w = Tensor.ones(DType.FLOAT32, Device.CPU, 4, 1).requiresGrad_(true);
            double first, second;
            try (var ac = Autocast.bf16(Device.CPU)) {
                first = x.matmul(w).to(DType.FLOAT32).item();
            }
            try (var ng = NoGrad.enter()) {
                w.mul_(2.0);
            }
            try (var ac = Autocast.bf16(Device.CPU)) {
                second = x.matmul(w).to(DType.FLOAT32).item();
            }
            assertEquals(4.0, first, 1e-6);
            assertEquals(8.0, second, 1e-6);
        }
    }

    @Test
    void threadStateGuardsRefuseVirtualThreadsAndForeignCloses() throws Exception {
        AtomicReference<Throwable> seen = new AtomicReference<>();
        Thread.ofVirtual().start(() -> {
            try {
                NoGrad.enter().close();
            } catch (Throwable t) {
                seen.set(t);
            }
        }).join();
        assertInstanceOf(IllegalStateException.class, seen.get());
        assertTrue(seen.get().getMessage().contains("NoGrad sets LibTorch state of the OS thread"), seen.get().getMessage());
        seen.set(null);
        Thread.ofVirtual().start(() -> {
            try {
                Autocast.bf16(Device.CPU).close();
            } catch (Throwable t) {
                seen.set(t);
            }
        }).join();
        assertTrue(seen.get() != null && seen.get().getMessage().contains("Autocast sets LibTorch state"), String.valueOf(seen.get()));
        NoGrad ng = NoGrad.enter();
        seen.set(null);
        Thread.ofPlatform().start(() -> {
            try {
                ng.close();
            } catch (Throwable t) {
                seen.set(t);
            }
        }).join();
        assertTrue(seen.get() != null && seen.get().getMessage().contains("must be closed on it"), String.valueOf(seen.get()));
        ng.close();
    }

    @Test
    void cudaStatusSaysWhyCudaIsMissing() {
        Engine.CudaStatus s = Engine.cudaStatus();
        if (s.available()) {
            assertTrue(s.devices() > 0);
            assertEquals("", s.reason());
        } else {
            assertEquals(0, s.devices());
            assertFalse(s.reason().isBlank());
            var e = assertThrows(IllegalArgumentException.class, () -> Device.parse("cuda"));
            assertTrue(e.getMessage().contains("CUDA is not available: " + s.reason()), e.getMessage());
            assertEquals(Device.CPU, Device.parse("auto"));
        }
    }
}
