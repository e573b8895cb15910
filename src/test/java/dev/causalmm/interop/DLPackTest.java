package dev.causalmm.interop;

import static dev.causalmm.interop.DLPackLayouts.*;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.*;

import dev.causalmm.engine.DType;
import dev.causalmm.engine.Device;
import dev.causalmm.engine.Engine;
import dev.causalmm.engine.ExternalMemory;
import dev.causalmm.engine.Tensor;
import dev.causalmm.engine.TensorScope;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * DLPack both ways with the C stage: zero copy (a write on one side is seen on the other), every
 * deleter exactly once (counted in C and in Java), strides/offset/dtype kept, bad headers refused.
 */
class DLPackTest {
    private DLPackStage stage;
    private long producedBefore, deletedBefore, releasedBefore, exportDeletesBefore, importReleasesBefore, unknownBefore;
    /** Deleter calls on released exports a test makes on purpose. */
    private long expectedUnknown;

    @BeforeEach
    void counters() {
        stage = NativeStage.get();
        producedBefore = stage.produced();
        deletedBefore = stage.deleted();
        releasedBefore = stage.released();
        exportDeletesBefore = DLPack.exportDeleterCalls();
        importReleasesBefore = DLPack.importReleases();
        unknownBefore = DLPack.unknownDeleterCalls();
    }

    /** Whatever a test did, every tensor C produced was freed once and every Java export released once. */
    @AfterEach
    void everyDeleterRanOnce() {
        assertEquals(stage.produced() - producedBefore, stage.deleted() - deletedBefore, "C tensors produced vs freed");
        assertEquals(0, stage.badDeletes(), "a C deleter ran twice");
        assertEquals(0, DLPack.liveExports(), "Java exports not released");
        assertEquals(expectedUnknown, DLPack.unknownDeleterCalls() - unknownBefore, "a Java deleter ran twice");
        assertEquals(0, ExternalMemory.releaseFailures());
    }

    private static long data(MemorySegment managed) {
        return managed.reinterpret(DL_MANAGED_TENSOR.byteSize()).get(JAVA_LONG, M_TENSOR + T_DATA);
    }

    private static long[] longs(MemorySegment managed, long tensorAt, long field, int n) {
        long p = managed.reinterpret(DL_MANAGED_TENSOR_VERSIONED.byteSize()).get(JAVA_LONG, tensorAt + field);
        return MemorySegment.ofAddress(p).reinterpret(8L * n).toArray(JAVA_LONG);
    }

    @Test
    void javaLayoutsMatchTheCCompiler() {
        long[] abi = stage.abi();
        assertArrayEquals(new long[] {
                DL_TENSOR.byteSize(), DL_MANAGED_TENSOR.byteSize(), DL_MANAGED_TENSOR_VERSIONED.byteSize(),
                T_SHAPE, T_STRIDES, T_BYTE_OFFSET, M_CTX, M_DELETER, V_FLAGS, V_TENSOR}, abi);
        assertEquals(48, abi[0]);
        assertEquals(80, abi[2]);
    }

    @Test
    void aBatchFilledInCIsTheTensorsMemory() {
        MemorySegment batch = stage.fillBatch(8, 6, 3, 42);
        double cSum = stage.sum(batch);
        try (var s = TensorScope.open("t")) {
            Tensor x = DLPack.importTensor(batch);
            assertArrayEquals(new long[] {8, 6}, x.shape());
            assertEquals(DType.FLOAT32, x.dtype());
            assertEquals(data(batch), ExternalMemory.view(x).dataAddress(), "the tensor is the C memory, not a copy");
            assertEquals(cSum, x.sum().item(), 1e-4);
            // C writes after the import: Java sees them
            assertEquals(0, stage.scale(batch, 3.0));
            assertEquals(3 * cSum, x.sum().item(), 1e-3);
            // Java writes: C sees them
            x.fill_(0.5);
            assertEquals(0.5 * 48, stage.sum(batch), 1e-9);
            assertEquals(deletedBefore, stage.deleted(), "not freed while the tensor lives");
        }
        assertEquals(deletedBefore + 1, stage.deleted(), "freed when the scope closed");
        assertEquals(importReleasesBefore + 1, DLPack.importReleases());
    }

    @Test
    void anExportedTensorIsTheJavaMemoryAndOutlivesItsScope() {
        MemorySegment exported;
        Tensor t;
        try (var s = TensorScope.open("t")) {
            t = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
            exported = DLPack.exportTensor(t);
            assertEquals(ExternalMemory.view(t).dataAddress(), data(exported));
            assertEquals(21.0, stage.sum(exported), 1e-9);
            t.mul_(2);                                           // Java writes: C sees them
            assertEquals(42.0, stage.sum(exported), 1e-9);
            assertEquals(0, stage.scale(exported, 0.5));          // C writes: Java sees them
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, t.toFloatArray());
            assertEquals(1, DLPack.liveExports());
        }
        assertTrue(t.isClosed());
        // the Java tensor is gone; the export's reference keeps the memory for C
        assertEquals(21.0, stage.sum(exported), 1e-9);
        stage.release(exported);
        assertEquals(exportDeletesBefore + 1, DLPack.exportDeleterCalls());
        assertEquals(releasedBefore + 1, stage.released());
    }

    @Test
    void deletersRunOnceOnAThreadTheJvmHasNeverSeen() {
        try (var s = TensorScope.open("t")) {
            Tensor t = Tensor.ones(DType.FLOAT64, Device.CPU, 5);
            MemorySegment legacy = DLPack.exportTensor(t);
            MemorySegment versioned = DLPack.exportVersioned(t, false);
            assertEquals(2, DLPack.liveExports());
            stage.releaseOnNewThread(legacy);
            stage.releaseVersionedOnNewThread(versioned);
        }
        assertEquals(exportDeletesBefore + 2, DLPack.exportDeleterCalls());
        // and the C deleter of an imported batch from a Java thread other than the importer's
        MemorySegment batch = stage.fillBatch(2, 2, 2, 1);
        Tensor[] holder = new Tensor[1];
        holder[0] = DLPack.importTensor(batch).unscoped();
        Thread other = Thread.ofPlatform().start(() -> holder[0].close());
        assertDoesNotThrow(() -> other.join());
        assertEquals(deletedBefore + 1, stage.deleted());
    }

    @Test
    void stridesAndByteOffsetSurviveTheImport() {
        MemorySegment m = stage.makeColumnMajor(3, 4, 5);
        try (var s = TensorScope.open("t")) {
            Tensor x = DLPack.importTensor(m);
            var v = ExternalMemory.view(x);
            assertArrayEquals(new long[] {1, 3}, v.strides());
            assertEquals(5, v.storageOffset(), "byte_offset 20 = 5 float32s, kept as the storage offset");
            float[] expect = new float[12];
            for (int i = 0; i < 3; i++) for (int j = 0; j < 4; j++) expect[i * 4 + j] = 100 * i + j;
            assertArrayEquals(expect, x.toFloatArray());
            // re-exported, C reads the same strided view through byte_offset
            MemorySegment again = DLPack.exportTensor(x.narrow(1, 1, 2));
            assertArrayEquals(new long[] {1, 3}, longs(again, M_TENSOR, T_STRIDES, 2));
            assertEquals(4L * (5 + 3), again.get(JAVA_LONG, M_TENSOR + T_BYTE_OFFSET));
            assertEquals(x.narrow(1, 1, 2).sum().item(), stage.sum(again), 1e-6);
            stage.release(again);
        }
    }

    @Test
    void aNonContiguousJavaViewIsExportedAsItIs() {
        try (var s = TensorScope.open("t")) {
            Tensor base = Tensor.arange(24, DType.FLOAT32, Device.CPU).reshape(4, 6);
            Tensor view = base.transpose(0, 1).narrow(0, 2, 3);   // 3x4, strides {1, 6}, offset 2
            MemorySegment m = DLPack.exportTensor(view);
            assertArrayEquals(new long[] {3, 4}, longs(m, M_TENSOR, T_SHAPE, 2));
            assertArrayEquals(new long[] {1, 6}, longs(m, M_TENSOR, T_STRIDES, 2));
            assertEquals(8, m.get(JAVA_LONG, M_TENSOR + T_BYTE_OFFSET));
            assertEquals(ExternalMemory.view(base).dataAddress(), data(m));
            assertEquals(view.sum().item(), stage.sum(m), 1e-6);
            // Java to Java: the round trip gives the same view of the same memory
            Tensor back = DLPack.importTensor(m);
            var v = ExternalMemory.view(back);
            assertEquals(ExternalMemory.view(base).dataAddress(), v.dataAddress());
            assertEquals(2, v.storageOffset());
            assertArrayEquals(new long[] {1, 6}, v.strides());
            assertArrayEquals(view.toFloatArray(), back.toFloatArray());
            base.fill_(1);
            assertEquals(12.0, back.sum().item(), 1e-6);
            long live = DLPack.liveExports();
            assertEquals(1, live, "the import holds the export until LibTorch frees it");
        }
        assertEquals(exportDeletesBefore + 1, DLPack.exportDeleterCalls());
    }

    @Test
    void everyEngineDTypeCrossesBothWays() {
        record Expect(DType d, int code, int bits) {}
        Expect[] all = {
                new Expect(DType.FLOAT32, 2, 32), new Expect(DType.FLOAT64, 2, 64), new Expect(DType.FLOAT16, 2, 16),
                new Expect(DType.BFLOAT16, 4, 16), new Expect(DType.INT64, 0, 64), new Expect(DType.INT32, 0, 32),
                new Expect(DType.UINT8, 1, 8), new Expect(DType.BOOL, 6, 8)};
        assertEquals(DType.values().length, all.length);
        try (var s = TensorScope.open("t")) {
            for (Expect e : all) {
                Tensor t = Tensor.arange(6, DType.FLOAT32, Device.CPU).to(e.d());
                MemorySegment m = DLPack.exportTensor(t);
                assertEquals(e.code(), m.get(JAVA_BYTE, M_TENSOR + T_DTYPE_CODE), e.d().toString());
                assertEquals(e.bits(), Byte.toUnsignedInt(m.get(JAVA_BYTE, M_TENSOR + T_DTYPE_BITS)), e.d().toString());
                Tensor back = DLPack.importTensor(m);
                assertEquals(e.d(), back.dtype());
                assertArrayEquals(t.to(DType.FLOAT64).toDoubleArray(), back.to(DType.FLOAT64).toDoubleArray());
                if (e.d() != DType.FLOAT16 && e.d() != DType.BFLOAT16) { // C reads every other dtype
                    MemorySegment again = DLPack.exportTensor(back);
                    assertEquals(t.to(DType.FLOAT64).sum().item(), stage.sum(again), 1e-9, e.d().toString());
                    stage.release(again);
                }
            }
        }
    }

    @Test
    void scalarsAndEmptyTensorsCrossToo() {
        try (var s = TensorScope.open("t")) {
            Tensor scalar = Tensor.scalar(2.5);
            MemorySegment m = DLPack.exportTensor(scalar);
            assertEquals(0, m.get(JAVA_INT, M_TENSOR + T_NDIM));
            assertEquals(2.5, stage.sum(m), 1e-9, "C reads a 0-d tensor as one element");
            Tensor back = DLPack.importTensor(m);
            assertEquals(0, back.dim());
            assertEquals(2.5, back.item(), 1e-9);

            Tensor empty = Tensor.zeros(0, 3);
            Tensor emptyBack = DLPack.importTensor(DLPack.exportTensor(empty));
            assertArrayEquals(new long[] {0, 3}, emptyBack.shape());
            assertEquals(0, emptyBack.numel());
        }
    }

    @Test
    void pinnedHostMemoryImportsAsACpuTensor() {
        MemorySegment m = stage.makeRaw(new long[] {3}, null, DLDataType.FLOAT, 32, 1, DLDevice.CUDA_HOST, 0);
        try (var s = TensorScope.open("t")) {
            Tensor x = DLPack.importTensor(m, DLPack.ImportOptions.on(Device.CPU));
            assertEquals(Device.CPU, x.device());
            x.fill_(1);
            assertEquals(3.0, stage.sum(m), 1e-9);
        }
    }

    @Test
    void versionedTensorsKeepVersionAndFlags() {
        MemorySegment writable = stage.fillBatchVersioned(4, 3, 2, 7, 0);
        MemorySegment readOnly = stage.fillBatchVersioned(4, 3, 2, 7, FLAG_READ_ONLY);
        try (var s = TensorScope.open("t")) {
            Tensor x = DLPack.importVersioned(writable);
            double before = x.sum().item();
            assertEquals(0, stage.scaleVersioned(writable, -1));
            assertEquals(-before, x.sum().item(), 1e-5);
            var e = assertThrows(IllegalArgumentException.class, () -> DLPack.importVersioned(readOnly));
            assertTrue(e.getMessage().contains("read-only"), e.getMessage());
            Tensor ro = DLPack.importVersioned(readOnly, DLPack.ImportOptions.DEFAULT.allowingReadOnly());
            assertEquals(before, ro.sum().item(), 1e-5);

            Tensor t = Tensor.of(new float[] {1, 2, 3}, 3);
            MemorySegment out = DLPack.exportVersioned(t, true);
            assertEquals(1, out.get(JAVA_INT, V_MAJOR));
            assertEquals(1, out.get(JAVA_INT, V_MINOR));
            assertEquals(FLAG_READ_ONLY, out.get(JAVA_LONG, V_FLAGS));
            assertEquals(6.0, stage.sumVersioned(out), 1e-9);
            assertEquals(-2, stage.scaleVersioned(out, 2), "C honours the read-only flag");
            stage.releaseVersioned(out);
        }
    }

    @Test
    void badHeadersAreRefusedAndStayTheCallers() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DLPack.importTensor(MemorySegment.NULL))
                .getMessage().contains("NULL"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DLPack.importVersioned(null))
                .getMessage().contains("NULL"));
        record Bad(int code, int bits, int lanes, int device, String message) {}
        var bad = new java.util.ArrayList<>(java.util.List.of(
                new Bad(DLDataType.COMPLEX, 64, 1, DLDevice.CPU, "unsupported DLPack dtype (code 5 complex"),
                new Bad(DLDataType.FLOAT, 32, 4, DLDevice.CPU, "4 lanes"),
                new Bad(DLDataType.FLOAT, 24, 1, DLDevice.CPU, "unsupported DLPack dtype"),
                new Bad(DLDataType.FLOAT, 32, 1, 4, "unsupported DLPack device kDLOpenCL")));
        if (!Engine.cudaAvailable()) bad.add(new Bad(DLDataType.FLOAT, 32, 1, DLDevice.CUDA, "no CUDA device"));
        for (Bad b : bad) {
            MemorySegment m = stage.makeRaw(new long[] {2}, null, b.code(), b.bits(), b.lanes(), b.device(), 0);
            assertRefused(m, b.message());
            stage.release(m);
        }
        // the caller asked for CUDA memory and got host memory
        MemorySegment host = stage.makeRaw(new long[] {2}, null, DLDataType.FLOAT, 32, 1, DLDevice.CPU, 0);
        var e = assertThrows(IllegalArgumentException.class, () -> DLPack.importTensor(host, DLPack.ImportOptions.on(Device.cuda(0))));
        assertTrue(e.getMessage().contains("device mismatch"), e.getMessage());
        // negative ndim, NULL shape, negative size and stride: written into a C header by hand
        assertRefused(patched(host, T_NDIM, -1), "ndim -1");
        assertRefused(patched(host, T_NDIM, 1000), "ndim 1000");
        patched(host, T_NDIM, 1);
        MemorySegment two = stage.makeRaw(new long[] {2, 3}, null, DLDataType.FLOAT, 32, 1, DLDevice.CPU, 0);
        long shape = two.get(JAVA_LONG, M_TENSOR + T_SHAPE);
        two.set(JAVA_LONG, M_TENSOR + T_SHAPE, 0);
        assertRefused(two, "shape is NULL");
        two.set(JAVA_LONG, M_TENSOR + T_SHAPE, shape);
        MemorySegment.ofAddress(shape).reinterpret(16).set(JAVA_LONG, 0, -2);
        assertRefused(two, "negative size");
        MemorySegment.ofAddress(shape).reinterpret(16).set(JAVA_LONG, 0, 2);
        long strides = two.get(JAVA_LONG, M_TENSOR + T_STRIDES);
        MemorySegment.ofAddress(strides).reinterpret(16).set(JAVA_LONG, 8, -1);
        assertRefused(two, "negative stride");
        // a future major version: refused without reading past flags, released by its deleter
        MemorySegment v2 = stage.fillBatchVersioned(2, 2, 2, 0, 0);
        v2.reinterpret(8).set(JAVA_INT, 0, 2);
        var ve = assertThrows(IllegalArgumentException.class, () -> DLPack.importVersioned(v2));
        assertTrue(ve.getMessage().contains("version 2.1"), ve.getMessage());
        DLPack.releaseVersioned(v2);
        // an export that no longer has storage
        Tensor closed = Tensor.zeros(2);
        closed.close();
        assertThrows(IllegalStateException.class, () -> DLPack.exportTensor(closed));
        // refused tensors were not taken: releasing them now frees each exactly once (checked after the test)
        for (MemorySegment m : new MemorySegment[] {host, two}) stage.release(m);
    }

    private static MemorySegment patched(MemorySegment m, long field, int value) {
        m.reinterpret(DL_MANAGED_TENSOR.byteSize()).set(JAVA_INT, M_TENSOR + field, value);
        return m;
    }

    /** The import fails with {@code message} and does not call the deleter: the tensor is still the caller's. */
    private void assertRefused(MemorySegment m, String message) {
        long deleted = stage.deleted();
        var e = assertThrows(IllegalArgumentException.class, () -> DLPack.importTensor(m));
        assertTrue(e.getMessage().contains(message), "expected '" + message + "' in: " + e.getMessage());
        assertEquals(deleted, stage.deleted(), "a refused import must not call the deleter");
    }

    @Test
    void manyExchangesEachDeleterExactlyOnce() {
        int n = 300;
        try (var s = TensorScope.open("t")) {
            Tensor src = Tensor.rand(DType.FLOAT32, Device.CPU, 16);
            for (int i = 0; i < n; i++) {
                try (var step = TensorScope.open("step")) {
                    Tensor x = DLPack.importTensor(stage.fillBatch(4, 4, 2, i));
                    Tensor y = DLPack.importTensor(DLPack.exportTensor(src));   // Java -> Java
                    MemorySegment out = DLPack.exportTensor(x.add(1));
                    if (i % 2 == 0) stage.release(out); else stage.releaseOnNewThread(out);
                    assertEquals(src.sum().item(), y.sum().item(), 1e-5);
                }
            }
        }
        assertEquals(producedBefore + n, stage.produced());
        assertEquals(exportDeletesBefore + 2L * n, DLPack.exportDeleterCalls());
        assertEquals(importReleasesBefore + 2L * n, DLPack.importReleases());
    }

    @Test
    void concurrentExchangesKeepEveryDeleterExactlyOnce() throws Exception {
        int threads = 4, perThread = 100;
        Tensor shared = Tensor.rand(DType.FLOAT32, Device.CPU, 64).unscoped();
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(threads)) {
            var futures = new java.util.ArrayList<java.util.concurrent.Future<?>>();
            for (int w = 0; w < threads; w++) {
                int worker = w;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        try (var s = TensorScope.open("w")) {
                            MemorySegment out = DLPack.exportTensor(shared);          // same storage from every thread
                            Tensor x = DLPack.importTensor(stage.fillBatch(2, 8, 2, worker * 1000L + i));
                            assertEquals(stage.sum(out), shared.sum().item(), 1e-4);
                            if ((i + worker) % 2 == 0) stage.releaseOnNewThread(out); else stage.release(out);
                            assertEquals(16, x.numel());
                        }
                    }
                    return null;
                }));
            }
            for (var f : futures) f.get();
        } finally {
            shared.close();
        }
        assertEquals(producedBefore + (long) threads * perThread, stage.produced());
        assertEquals(exportDeletesBefore + (long) threads * perThread, DLPack.exportDeleterCalls());
        assertEquals(importReleasesBefore + (long) threads * perThread, DLPack.importReleases());
    }

    @Test
    void aCallerThatReleasesTwiceDoesNotFreeTheJavaSideTwice() {
        // the second call finds no export (the key was removed) and is counted, never freed again;
        // the header itself is gone after the first call, so this runs on a copy of it
        Tensor t = Tensor.zeros(3);
        MemorySegment m = DLPack.exportTensor(t);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment copy = a.allocate(DL_MANAGED_TENSOR);
            copy.copyFrom(m);
            DLPack.release(m);
            long unknown = DLPack.unknownDeleterCalls();
            DLPack.release(copy);
            assertEquals(unknown + 1, DLPack.unknownDeleterCalls());
            assertNotEquals(0, copy.get(ADDRESS, M_DELETER).address());
        } finally {
            t.close();
        }
        expectedUnknown = 1;
    }
}
