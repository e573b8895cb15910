package dev.causalmm.interop;

import static dev.causalmm.interop.DLPackLayouts.*;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.*;

import dev.causalmm.engine.DType;
import dev.causalmm.engine.Device;
import dev.causalmm.engine.ExternalMemory;
import dev.causalmm.engine.Tensor;
import dev.causalmm.engine.TensorScope;
import dev.causalmm.testing.Need;
import dev.causalmm.testing.Requires;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/**
 * DLPack with CUDA memory. Runs only where LibTorch sees a CUDA device (a -Pgpu build on a GPU
 * machine); skipped elsewhere. The C stage never touches device memory: it refuses to read it.
 */
@Requires(Need.CUDA)
class DLPackCudaTest {

    @Test
    void aCudaTensorCrossesAsDeviceMemoryWithoutACopy() {
        Device gpu = Device.cuda(0);
        long exportsBefore = DLPack.exportDeleterCalls();
        try (var s = TensorScope.open("t")) {
            Tensor t = Tensor.arange(12, DType.FLOAT32, Device.CPU).reshape(3, 4).to(gpu);
            MemorySegment m = DLPack.exportTensor(t.transpose(0, 1));
            assertEquals(DLDevice.CUDA, m.get(JAVA_INT, M_TENSOR + T_DEVICE_TYPE));
            assertEquals(0, m.get(JAVA_INT, M_TENSOR + T_DEVICE_ID));
            assertEquals(ExternalMemory.view(t).dataAddress(), m.get(JAVA_LONG, M_TENSOR + T_DATA), "a device pointer, not a copy");
            assertTrue(Double.isNaN(NativeStage.get().sum(m)), "the host-only C stage refuses device memory");

            Tensor back = DLPack.importTensor(m, DLPack.ImportOptions.on(gpu));
            assertEquals(gpu, back.device());
            assertEquals(ExternalMemory.view(t).dataAddress(), ExternalMemory.view(back).dataAddress());
            assertArrayEquals(t.transpose(0, 1).toFloatArray(), back.toFloatArray());
            back.fill_(3);                                   // a write through the import is the original's
            assertEquals(36.0, t.sum().item(), 1e-6);
            MemorySegment v = DLPack.exportVersioned(t, false);
            var e = assertThrows(IllegalArgumentException.class, () -> DLPack.importVersioned(v, DLPack.ImportOptions.on(Device.CPU)));
            assertTrue(e.getMessage().contains("device mismatch"), e.getMessage());
            DLPack.releaseVersioned(v);                     // refused, so still the caller's to release
        }
        assertEquals(exportsBefore + 2, DLPack.exportDeleterCalls());
        assertEquals(0, DLPack.liveExports());
    }

    @Test
    void aReadOnlyBf16CudaExportImportsWhenAllowed() {
        try (var s = TensorScope.open("t")) {
            Tensor t = Tensor.ones(DType.BFLOAT16, Device.cuda(0), 4, 4);
            MemorySegment v = DLPack.exportVersioned(t, true);
            assertEquals(FLAG_READ_ONLY, v.get(JAVA_LONG, V_FLAGS));
            Tensor ro = DLPack.importVersioned(v, DLPack.ImportOptions.on(Device.cuda(0)).allowingReadOnly());
            assertEquals(16.0, ro.to(DType.FLOAT32).sum().item(), 1e-6);
        }
        assertEquals(0, DLPack.liveExports());
    }
}
