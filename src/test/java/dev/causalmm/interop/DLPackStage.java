package dev.causalmm.interop;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * FFM bindings of {@code native/dlpack-stage} ({@code libdlpack_stage.so}): a C stage that
 * produces DLPack tensors (a filled float batch, its labels, a strided matrix, arbitrary headers)
 * and consumes them (sum, scale in place, call the deleter, also from a thread of its own).
 * Every tensor crosses as a {@code DLManagedTensor*}/{@code DLManagedTensorVersioned*}
 * {@link MemorySegment}; see {@link DLPack} for turning them into tensors and back.
 *
 * <p>The library is loaded into the global arena and never unloaded: a tensor it produced may be
 * freed (its deleter, code in the library, called) at any later time.
 */
public final class DLPackStage {
    private final Path path;
    private final MethodHandle fillBatch, fillLabels, fillBatchVersioned, makeColumnMajor, makeRaw;
    private final MethodHandle sum, sumVersioned, scale, scaleVersioned;
    private final MethodHandle release, releaseVersioned, releaseOnNewThread, releaseVersionedOnNewThread;
    private final MethodHandle produced, deleted, badDeletes, released, abi;

    private DLPackStage(Path path, SymbolLookup lib) {
        this.path = path;
        Linker l = Linker.nativeLinker();
        FunctionDescriptor counter = FunctionDescriptor.of(JAVA_LONG);
        FunctionDescriptor consume = FunctionDescriptor.ofVoid(ADDRESS);
        fillBatch = bind(l, lib, "stage_fill_batch", FunctionDescriptor.of(ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG));
        fillLabels = bind(l, lib, "stage_fill_labels", FunctionDescriptor.of(ADDRESS, JAVA_LONG, JAVA_LONG));
        fillBatchVersioned = bind(l, lib, "stage_fill_batch_versioned",
                FunctionDescriptor.of(ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG));
        makeColumnMajor = bind(l, lib, "stage_make_column_major", FunctionDescriptor.of(ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG));
        makeRaw = bind(l, lib, "stage_make_raw", FunctionDescriptor.of(ADDRESS, JAVA_INT, ADDRESS, ADDRESS,
                JAVA_BYTE, JAVA_BYTE, JAVA_SHORT, JAVA_INT, JAVA_INT));
        sum = bind(l, lib, "stage_sum", FunctionDescriptor.of(JAVA_DOUBLE, ADDRESS));
        sumVersioned = bind(l, lib, "stage_sum_versioned", FunctionDescriptor.of(JAVA_DOUBLE, ADDRESS));
        scale = bind(l, lib, "stage_scale", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_DOUBLE));
        scaleVersioned = bind(l, lib, "stage_scale_versioned", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_DOUBLE));
        release = bind(l, lib, "stage_release", consume);
        releaseVersioned = bind(l, lib, "stage_release_versioned", consume);
        releaseOnNewThread = bind(l, lib, "stage_release_on_new_thread", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        releaseVersionedOnNewThread = bind(l, lib, "stage_release_versioned_on_new_thread", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        produced = bind(l, lib, "stage_produced", counter);
        deleted = bind(l, lib, "stage_deleted", counter);
        badDeletes = bind(l, lib, "stage_bad_deletes", counter);
        released = bind(l, lib, "stage_released", counter);
        abi = bind(l, lib, "stage_abi", FunctionDescriptor.ofVoid(ADDRESS));
    }

    /** Loads the shared library at {@code library} (built from {@code native/dlpack-stage}). */
    public static DLPackStage load(Path library) {
        if (!Files.isRegularFile(library)) {
            throw new IllegalArgumentException("no dlpack-stage library at " + library + " (build it: make -C native/dlpack-stage)");
        }
        return new DLPackStage(library, SymbolLookup.libraryLookup(library, Arena.global()));
    }

    public Path path() {
        return path;
    }

    private static MethodHandle bind(Linker l, SymbolLookup lib, String name, FunctionDescriptor fd) {
        MemorySegment sym = lib.find(name).orElseThrow(() -> new IllegalArgumentException("symbol " + name + " missing from the dlpack-stage library"));
        return l.downcallHandle(sym, fd);
    }

    // ------------------------------------------------------------------ producer

    /** A {@code rows×cols} float32 batch, row {@code r} of class {@code r % classes}; a {@code DLManagedTensor*}. */
    public MemorySegment fillBatch(long rows, long cols, long classes, long seed) {
        return checked((MemorySegment) call(() -> (MemorySegment) fillBatch.invokeExact(rows, cols, classes, seed)), "stage_fill_batch");
    }

    /** The int64 labels {@code r % classes}; a {@code DLManagedTensor*}. */
    public MemorySegment fillLabels(long rows, long classes) {
        return checked((MemorySegment) call(() -> (MemorySegment) fillLabels.invokeExact(rows, classes)), "stage_fill_labels");
    }

    /** {@link #fillBatch} as a {@code DLManagedTensorVersioned*} with the given DLPack flags. */
    public MemorySegment fillBatchVersioned(long rows, long cols, long classes, long seed, long flags) {
        return checked((MemorySegment) call(() -> (MemorySegment) fillBatchVersioned.invokeExact(rows, cols, classes, seed, flags)),
                "stage_fill_batch_versioned");
    }

    /** A float32 {@code rows×cols} matrix stored column-major after {@code pad} unused floats; (i, j) = 100 i + j. */
    public MemorySegment makeColumnMajor(long rows, long cols, long pad) {
        return checked((MemorySegment) call(() -> (MemorySegment) makeColumnMajor.invokeExact(rows, cols, pad)), "stage_make_column_major");
    }

    /** Any header over zeroed host memory (strides null: row-major), for tests of what an importer refuses. */
    public MemorySegment makeRaw(long[] shape, long[] strides, int code, int bits, int lanes, int deviceType, int deviceId) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = shape.length == 0 ? MemorySegment.NULL : a.allocateFrom(JAVA_LONG, shape);
            MemorySegment st = strides == null ? MemorySegment.NULL : a.allocateFrom(JAVA_LONG, strides);
            return checked((MemorySegment) call(() -> (MemorySegment) makeRaw.invokeExact(shape.length, s, st,
                    (byte) code, (byte) bits, (short) lanes, deviceType, deviceId)), "stage_make_raw");
        }
    }

    // ------------------------------------------------------------------ consumer

    /** Sum of a host tensor's elements, honouring strides and byte_offset (NaN if C cannot read it). */
    public double sum(MemorySegment managed) {
        return (double) call(() -> (double) sum.invokeExact(managed));
    }

    public double sumVersioned(MemorySegment managed) {
        return (double) call(() -> (double) sumVersioned.invokeExact(managed));
    }

    /** Multiplies a float host tensor by {@code factor} in place, in C; 0 on success. */
    public int scale(MemorySegment managed, double factor) {
        return (int) call(() -> (int) scale.invokeExact(managed, factor));
    }

    /** As {@link #scale}; -2 for a read-only tensor. */
    public int scaleVersioned(MemorySegment managed, double factor) {
        return (int) call(() -> (int) scaleVersioned.invokeExact(managed, factor));
    }

    /** C calls the tensor's deleter on this thread. */
    public void release(MemorySegment managed) {
        call(() -> {
            release.invokeExact(managed);
            return null;
        });
    }

    public void releaseVersioned(MemorySegment managed) {
        call(() -> {
            releaseVersioned.invokeExact(managed);
            return null;
        });
    }

    /** C calls the tensor's deleter on a new POSIX thread and joins it. */
    public void releaseOnNewThread(MemorySegment managed) {
        int rc = (int) call(() -> (int) releaseOnNewThread.invokeExact(managed));
        if (rc != 0) throw new IllegalStateException("pthread_create/join failed");
    }

    public void releaseVersionedOnNewThread(MemorySegment managed) {
        int rc = (int) call(() -> (int) releaseVersionedOnNewThread.invokeExact(managed));
        if (rc != 0) throw new IllegalStateException("pthread_create/join failed");
    }

    // ------------------------------------------------------------------ counters

    /** Tensors the stage has handed out. */
    public long produced() {
        return (long) call(() -> (long) produced.invokeExact());
    }

    /** Deleter calls that freed one of the stage's tensors. */
    public long deleted() {
        return (long) call(() -> (long) deleted.invokeExact());
    }

    /** Deleter calls on a tensor already freed (or not the stage's): 0 unless a consumer erred. */
    public long badDeletes() {
        return (long) call(() -> (long) badDeletes.invokeExact());
    }

    /** Deleters the stage called as a consumer. */
    public long released() {
        return (long) call(() -> (long) released.invokeExact());
    }

    /** The C compiler's sizes and offsets of the DLPack structs (see {@code stage_abi}). */
    public long[] abi() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(JAVA_LONG, 10);
            call(() -> {
                abi.invokeExact(out);
                return null;
            });
            return out.toArray(JAVA_LONG);
        }
    }

    private interface NativeCall {
        Object run() throws Throwable;
    }

    private static Object call(NativeCall c) {
        try {
            return c.run();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** The returned header, sized to its struct so that its fields can be read and written. */
    private static MemorySegment checked(MemorySegment m, String fn) {
        if (m.address() == 0) throw new IllegalArgumentException(fn + " returned NULL (bad sizes or out of memory)");
        long size = fn.endsWith("versioned") ? DLPackLayouts.DL_MANAGED_TENSOR_VERSIONED.byteSize() : DLPackLayouts.DL_MANAGED_TENSOR.byteSize();
        return m.reinterpret(size);
    }
}
