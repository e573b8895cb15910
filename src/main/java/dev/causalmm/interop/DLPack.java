package dev.causalmm.interop;

import static dev.causalmm.interop.DLPackLayouts.*;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import dev.causalmm.engine.DType;
import dev.causalmm.engine.Device;
import dev.causalmm.engine.Engine;
import dev.causalmm.engine.ExternalMemory;
import dev.causalmm.engine.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DLPack exchange through FFM, both ways, without copying the elements.
 *
 * <p><b>Export</b> ({@link #exportTensor}, {@link #exportVersioned}): a {@code DLManagedTensor*}
 * (or {@code DLManagedTensorVersioned*}) that describes the tensor's own memory: shape, strides,
 * dtype, device, and the storage offset as {@code byte_offset} from the storage's start. It holds
 * a reference to the storage, so closing the Java tensor (or its scope) does not free the memory
 * while a consumer has it. The consumer calls its {@code deleter} exactly once, from any thread
 * (one the JVM has never seen included): the deleter, an FFM upcall stub, drops the reference and
 * frees the struct. The header is {@code malloc}ed, because its lifetime is the consumer's, not an
 * arena's.
 *
 * <p><b>Import</b> ({@link #importTensor}, {@link #importVersioned}): a tensor over the producer's
 * memory (LibTorch {@code for_blob} with a context deleter). The producer's deleter runs exactly
 * once, when LibTorch frees the storage, i.e. after the tensor and every view of it (including
 * what autograd saved) are gone, on the thread that drops the last reference. After a successful
 * import the managed tensor belongs to LibTorch: do not call its deleter yourself. If an import
 * throws, nothing was taken: the managed tensor is still the caller's to release
 * ({@link #release}).
 *
 * <p>Pure Java over mapped LibTorch calls ({@code data_ptr}, sizes, strides, {@code for_blob}),
 * not the mangled {@code at::toDLPack}/{@code at::fromDLPack} symbols: those would tie the code to
 * the C++ ABI of one LibTorch build (name mangling, {@code std::function} layout), could not
 * count or check deleters, and would still need this code to read the versioned struct's flags.
 *
 * <p>CUDA: an exported CUDA tensor has {@code kDLCUDA} and a device pointer; because the legacy
 * struct carries no stream, export waits for the device ({@link Engine#synchronize()}) so the
 * consumer sees finished data. An imported {@code kDLCUDA} tensor becomes a tensor on
 * {@code cuda:id} (a CPU-only LibTorch refuses it clearly). {@code kDLCUDAHost} (pinned host
 * memory) imports as a CPU tensor.
 */
public final class DLPack {
    private static final Logger LOG = LoggerFactory.getLogger(DLPack.class);
    private static final Linker LINKER = Linker.nativeLinker();

    /** Tensors exported and not yet released by their consumer, by the key stored in {@code manager_ctx}. */
    private static final ConcurrentHashMap<Long, ExternalMemory.Retained> EXPORTS = new ConcurrentHashMap<>();
    private static final AtomicLong NEXT_KEY = new AtomicLong(1);
    private static final AtomicLong EXPORT_DELETES = new AtomicLong();
    private static final AtomicLong UNKNOWN_DELETES = new AtomicLong();
    private static final AtomicLong IMPORT_DELETES = new AtomicLong();

    /** Dimensions accepted on import: far above any real tensor, low enough to bound what a bad header makes us read. */
    public static final int MAX_DIMS = 64;

    private static final MethodHandle MALLOC;
    private static final MethodHandle FREE;
    /** Calls a {@code void (*)(void*)} at a given address: a producer's deleter. */
    private static final MethodHandle CALL_DELETER;
    private static final MemorySegment LEGACY_DELETER;
    private static final MemorySegment VERSIONED_DELETER;

    static {
        var libc = LINKER.defaultLookup();
        MALLOC = LINKER.downcallHandle(libc.find("malloc").orElseThrow(), FunctionDescriptor.of(ADDRESS, JAVA_LONG));
        FREE = LINKER.downcallHandle(libc.find("free").orElseThrow(), FunctionDescriptor.ofVoid(ADDRESS));
        CALL_DELETER = LINKER.downcallHandle(FunctionDescriptor.ofVoid(ADDRESS));
        try {
            var lookup = MethodHandles.lookup();
            MethodType t = MethodType.methodType(void.class, MemorySegment.class);
            // the stubs live as long as the JVM: a consumer may call a deleter at any time
            LEGACY_DELETER = LINKER.upcallStub(lookup.findStatic(DLPack.class, "deleteLegacy", t),
                    FunctionDescriptor.ofVoid(ADDRESS), Arena.global());
            VERSIONED_DELETER = LINKER.upcallStub(lookup.findStatic(DLPack.class, "deleteVersioned", t),
                    FunctionDescriptor.ofVoid(ADDRESS), Arena.global());
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private DLPack() {}

    /** What an import accepts beyond the defaults. */
    public record ImportOptions(Device expectedDevice, boolean allowReadOnly) {
        /** Any supported device; read-only tensors refused. */
        public static final ImportOptions DEFAULT = new ImportOptions(null, false);

        /** Refuse memory that is not on {@code device}. */
        public static ImportOptions on(Device device) {
            return new ImportOptions(device, false);
        }

        /**
         * Accept tensors flagged read-only. LibTorch has no read-only tensors: the caller promises
         * not to write (no in-place ops, not as an optimizer's parameter).
         */
        public ImportOptions allowingReadOnly() {
            return new ImportOptions(expectedDevice, true);
        }
    }

    // ------------------------------------------------------------------ export

    /** {@code t} as a legacy {@code DLManagedTensor*} (64 bytes); see the class comment for lifetimes. */
    public static MemorySegment exportTensor(Tensor t) {
        return export(t, false, 0);
    }

    /**
     * {@code t} as a DLPack 1.x {@code DLManagedTensorVersioned*} (80 bytes) with version 1.1 and
     * the {@code DLPACK_FLAG_BITMASK_READ_ONLY} flag when {@code readOnly} (a promise the consumer
     * keeps, not a protection).
     */
    public static MemorySegment exportVersioned(Tensor t, boolean readOnly) {
        return export(t, true, readOnly ? FLAG_READ_ONLY : 0);
    }

    private static MemorySegment export(Tensor t, boolean versioned, long flags) {
        ExternalMemory.View v = ExternalMemory.view(t);
        DLDataType dt = DLDataType.of(v.dtype());
        DLDevice dev = DLDevice.of(v.device());
        if (v.device().isCuda()) Engine.synchronize(); // no stream in the struct: hand over finished data
        int n = v.ndim();
        long header = versioned ? DL_MANAGED_TENSOR_VERSIONED.byteSize() : DL_MANAGED_TENSOR.byteSize();
        long total = header + 16L * n;
        MemorySegment m = malloc(total);
        ExternalMemory.Retained ref;
        try {
            ref = ExternalMemory.retain(t);
        } catch (RuntimeException e) {
            free(m);
            throw e;
        }
        long key = NEXT_KEY.getAndIncrement();
        EXPORTS.put(key, ref);

        long tensorAt = versioned ? V_TENSOR : M_TENSOR;
        MemorySegment shape = m.asSlice(header, 8L * n);
        MemorySegment strides = m.asSlice(header + 8L * n, 8L * n);
        for (int i = 0; i < n; i++) {
            shape.setAtIndex(JAVA_LONG, i, v.sizes()[i]);
            strides.setAtIndex(JAVA_LONG, i, v.strides()[i]);
        }
        m.set(JAVA_LONG, tensorAt + T_DATA, v.dataAddress());
        m.set(JAVA_INT, tensorAt + T_DEVICE_TYPE, dev.type());
        m.set(JAVA_INT, tensorAt + T_DEVICE_ID, dev.id());
        m.set(JAVA_INT, tensorAt + T_NDIM, n);
        m.set(JAVA_BYTE, tensorAt + T_DTYPE_CODE, (byte) dt.code());
        m.set(JAVA_BYTE, tensorAt + T_DTYPE_BITS, (byte) dt.bits());
        m.set(JAVA_SHORT, tensorAt + T_DTYPE_LANES, (short) dt.lanes());
        m.set(ADDRESS, tensorAt + T_SHAPE, n == 0 ? MemorySegment.NULL : shape);
        m.set(ADDRESS, tensorAt + T_STRIDES, n == 0 ? MemorySegment.NULL : strides);
        m.set(JAVA_LONG, tensorAt + T_BYTE_OFFSET, v.storageOffset() * v.dtype().byteSize());
        if (versioned) {
            m.set(JAVA_INT, V_MAJOR, MAJOR_VERSION);
            m.set(JAVA_INT, V_MINOR, MINOR_VERSION);
            m.set(JAVA_LONG, V_CTX, key);
            m.set(ADDRESS, V_DELETER, VERSIONED_DELETER);
            m.set(JAVA_LONG, V_FLAGS, flags);
        } else {
            m.set(JAVA_LONG, M_CTX, key);
            m.set(ADDRESS, M_DELETER, LEGACY_DELETER);
        }
        return m.asSlice(0, header);
    }

    /** The deleter of every legacy export (an upcall stub): must never throw into C. */
    private static void deleteLegacy(MemorySegment self) {
        deleteExport(self, M_CTX);
    }

    private static void deleteVersioned(MemorySegment self) {
        deleteExport(self, V_CTX);
    }

    private static void deleteExport(MemorySegment self, long ctxOffset) {
        try {
            if (self.address() == 0) {
                UNKNOWN_DELETES.incrementAndGet();
                LOG.error("DLPack deleter called with NULL");
                return;
            }
            long key = self.reinterpret(ctxOffset + 8).get(JAVA_LONG, ctxOffset);
            ExternalMemory.Retained ref = EXPORTS.remove(key);
            if (ref == null) {
                // a second call for the same tensor, or not one of ours: freeing again would corrupt the heap
                UNKNOWN_DELETES.incrementAndGet();
                LOG.error("DLPack deleter called for an unknown or already released tensor (manager_ctx {})", key);
                return;
            }
            EXPORT_DELETES.incrementAndGet();
            ref.release();
            free(self);
        } catch (Throwable t) {
            LOG.error("DLPack deleter failed", t);
        }
    }

    // ------------------------------------------------------------------ import

    /** A legacy {@code DLManagedTensor*} as a tensor, no copy; see the class comment for ownership. */
    public static Tensor importTensor(MemorySegment managed) {
        return importTensor(managed, ImportOptions.DEFAULT);
    }

    public static Tensor importTensor(MemorySegment managed, ImportOptions options) {
        MemorySegment m = header(managed, "DLManagedTensor", DL_MANAGED_TENSOR.byteSize());
        long deleter = m.get(JAVA_LONG, M_DELETER);
        return wrap(m, M_TENSOR, deleter, options, "DLManagedTensor");
    }

    /** A DLPack 1.x {@code DLManagedTensorVersioned*} as a tensor, no copy. */
    public static Tensor importVersioned(MemorySegment managed) {
        return importVersioned(managed, ImportOptions.DEFAULT);
    }

    /**
     * As {@link #importVersioned(MemorySegment)}. Refuses a major version other than 1 (the layout
     * past {@code flags} is then unknown: release it with {@link #releaseVersioned}) and, unless
     * {@code options.allowReadOnly()}, tensors flagged read-only.
     */
    public static Tensor importVersioned(MemorySegment managed, ImportOptions options) {
        MemorySegment m = header(managed, "DLManagedTensorVersioned", DL_MANAGED_TENSOR_VERSIONED.byteSize());
        int major = m.get(JAVA_INT, V_MAJOR);
        int minor = m.get(JAVA_INT, V_MINOR);
        if (major != MAJOR_VERSION) {
            throw new IllegalArgumentException("DLManagedTensorVersioned has DLPack version " + major + "." + minor
                    + "; this reader knows major version " + MAJOR_VERSION + " (call its deleter: releaseVersioned)");
        }
        long flags = m.get(JAVA_LONG, V_FLAGS);
        if ((flags & FLAG_READ_ONLY) != 0 && !options.allowReadOnly()) {
            throw new IllegalArgumentException("DLManagedTensorVersioned is flagged read-only (flags 0x" + Long.toHexString(flags)
                    + ") and LibTorch tensors are writable; import with ImportOptions.allowingReadOnly() if nothing will write to it");
        }
        long deleter = m.get(JAVA_LONG, V_DELETER);
        return wrap(m, V_TENSOR, deleter, options, "DLManagedTensorVersioned");
    }

    private static MemorySegment header(MemorySegment managed, String what, long size) {
        if (managed == null || managed.address() == 0) throw new IllegalArgumentException(what + "* is NULL");
        return managed.byteSize() >= size ? managed : managed.reinterpret(size);
    }

    private static Tensor wrap(MemorySegment m, long at, long deleter, ImportOptions options, String what) {
        long data = m.get(JAVA_LONG, at + T_DATA);
        DLDevice dlDevice = new DLDevice(m.get(JAVA_INT, at + T_DEVICE_TYPE), m.get(JAVA_INT, at + T_DEVICE_ID));
        int ndim = m.get(JAVA_INT, at + T_NDIM);
        DLDataType dlType = new DLDataType(Byte.toUnsignedInt(m.get(JAVA_BYTE, at + T_DTYPE_CODE)),
                Byte.toUnsignedInt(m.get(JAVA_BYTE, at + T_DTYPE_BITS)), Short.toUnsignedInt(m.get(JAVA_SHORT, at + T_DTYPE_LANES)));
        long shapeAt = m.get(JAVA_LONG, at + T_SHAPE);
        long stridesAt = m.get(JAVA_LONG, at + T_STRIDES);
        long byteOffset = m.get(JAVA_LONG, at + T_BYTE_OFFSET);

        if (ndim < 0 || ndim > MAX_DIMS) {
            throw new IllegalArgumentException(what + ": ndim " + ndim + " is outside 0.." + MAX_DIMS);
        }
        DType dtype = dlType.toDType();
        Device device = dlDevice.toDevice();
        if (options.expectedDevice() != null && !options.expectedDevice().equals(device)) {
            throw new IllegalArgumentException(what + ": memory is on " + dlDevice + " (" + device + "), expected "
                    + options.expectedDevice() + " (device mismatch)");
        }
        if (ndim > 0 && shapeAt == 0) throw new IllegalArgumentException(what + ": shape is NULL for ndim " + ndim);
        long[] sizes = ndim == 0 ? new long[0] : MemorySegment.ofAddress(shapeAt).reinterpret(8L * ndim).toArray(JAVA_LONG);
        long[] strides;
        if (ndim > 0 && stridesAt == 0) {
            strides = rowMajor(sizes); // DLPack < 1.0 allowed NULL for compact row-major
        } else {
            strides = ndim == 0 ? new long[0] : MemorySegment.ofAddress(stridesAt).reinterpret(8L * ndim).toArray(JAVA_LONG);
        }
        for (int i = 0; i < ndim; i++) {
            if (sizes[i] < 0) throw new IllegalArgumentException(what + ": negative size in shape " + Arrays.toString(sizes));
        }
        long item = dtype.byteSize();
        long base = data;
        long offset = 0;
        if (byteOffset % item == 0) {
            offset = byteOffset / item;  // kept as the storage offset: a round trip gives back the same view
        } else {
            base = data + byteOffset;
        }
        long numel = 1;
        for (long s : sizes) numel *= s;
        if (data == 0 && numel > 0) throw new IllegalArgumentException(what + ": data is NULL for shape " + Arrays.toString(sizes));
        MemorySegment self = MemorySegment.ofAddress(m.address());
        Runnable release = deleter == 0 ? () -> IMPORT_DELETES.incrementAndGet() : () -> {
            IMPORT_DELETES.incrementAndGet();
            try {
                CALL_DELETER.invokeExact(MemorySegment.ofAddress(deleter), self);
            } catch (Throwable t) {
                LOG.error("producer's DLPack deleter failed", t);
            }
        };
        return ExternalMemory.wrap(base, offset, sizes, strides, dtype, device, release);
    }

    private static long[] rowMajor(long[] sizes) {
        long[] s = new long[sizes.length];
        long step = 1;
        for (int i = sizes.length - 1; i >= 0; i--) {
            s[i] = step;
            step *= Math.max(1, sizes[i]);
        }
        return s;
    }

    // ------------------------------------------------------------------ releasing without importing

    /** Calls a legacy managed tensor's deleter (if it has one): how a consumer gives it back. */
    public static void release(MemorySegment managed) {
        MemorySegment m = header(managed, "DLManagedTensor", DL_MANAGED_TENSOR.byteSize());
        callDeleter(m.get(JAVA_LONG, M_DELETER), m);
    }

    /** Calls a versioned managed tensor's deleter (if it has one); valid for every major version. */
    public static void releaseVersioned(MemorySegment managed) {
        MemorySegment m = header(managed, "DLManagedTensorVersioned", DL_MANAGED_TENSOR_VERSIONED.byteSize());
        callDeleter(m.get(JAVA_LONG, V_DELETER), m);
    }

    private static void callDeleter(long deleter, MemorySegment self) {
        if (deleter == 0) return;
        try {
            CALL_DELETER.invokeExact(MemorySegment.ofAddress(deleter), MemorySegment.ofAddress(self.address()));
        } catch (Throwable t) {
            throw new IllegalStateException("DLPack deleter failed", t);
        }
    }

    // ------------------------------------------------------------------ counters

    /** Exported tensors whose consumer has not called the deleter yet. */
    public static long liveExports() {
        return EXPORTS.size();
    }

    /** Deleter calls that released an export (at most one per export). */
    public static long exportDeleterCalls() {
        return EXPORT_DELETES.get();
    }

    /** Deleter calls for exports already released or unknown (a consumer bug); ignored, never freed twice. */
    public static long unknownDeleterCalls() {
        return UNKNOWN_DELETES.get();
    }

    /** Producers' deleters run because LibTorch freed an imported tensor's storage. */
    public static long importReleases() {
        return IMPORT_DELETES.get();
    }

    // ------------------------------------------------------------------ libc

    private static MemorySegment malloc(long bytes) {
        try {
            MemorySegment m = (MemorySegment) MALLOC.invokeExact(bytes);
            if (m.address() == 0) throw new OutOfMemoryError("malloc(" + bytes + ") failed for a DLPack header");
            return m.reinterpret(bytes);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static void free(MemorySegment m) {
        try {
            FREE.invokeExact(m);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
