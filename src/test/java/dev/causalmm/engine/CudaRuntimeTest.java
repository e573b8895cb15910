package dev.causalmm.engine;

import static org.junit.jupiter.api.Assertions.*;

import dev.causalmm.testing.Skip;
import dev.causalmm.testing.SkipGroup;
import org.junit.jupiter.api.Test;

/**
 * The FFM bindings of {@link CudaRuntime} against a real {@code libcudart}: every symbol must
 * resolve with the descriptor it is bound with. Runs where the library is installed, GPU or not
 * (the CUDA toolkit on a CPU machine is enough: the calls then fail with "no driver/device", which
 * is checked too); skipped where there is no libcudart at all.
 */
class CudaRuntimeTest {

    private static CudaRuntime runtimeOrSkip() {
        try {
            return CudaRuntime.get();
        } catch (IllegalStateException e) {
            throw Skip.because(SkipGroup.NO_CUDA_RUNTIME, e.getMessage());
        }
    }

    @Test
    void everySymbolBindsAndErrorsAreNamed() {
        CudaRuntime rt = runtimeOrSkip();
        assertTrue(rt.library().startsWith("libcudart.so"), rt.library());
        String e900 = rt.errorName(900);
        assertTrue(e900.contains("capturing") && e900.contains("900"), e900);
        assertTrue(rt.errorName(0).contains("no error"), rt.errorName(0));
    }

    @Test
    void captureStatusOfTheLegacyStreamIsNoneOrTheMissingDriverIsReported() {
        CudaRuntime rt = runtimeOrSkip();
        if (Engine.cudaAvailable()) {
            assertEquals(0, rt.captureStatus(0L)); // the legacy default stream, not capturing
            assertEquals(0, rt.clearLastError());
        } else {
            var e = assertThrows(CudaGraph.CaptureException.class, () -> rt.captureStatus(0L));
            assertTrue(e.getMessage().startsWith("cudaStreamIsCapturing failed: "), e.getMessage());
            rt.clearLastError();
        }
    }
}
