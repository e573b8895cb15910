package dev.causalmm.engine;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.pytorch.LongArrayRef;
import org.bytedeco.pytorch.LongArrayRefOptional;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.PointerConsumer;
import org.bytedeco.pytorch.TensorMaker;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tensor memory shared with code outside LibTorch without a copy: what a zero-copy exchange
 * (DLPack, a C pipeline stage, an off-heap buffer) needs from the engine, and nothing else.
 *
 * <ul>
 *   <li>{@link #view(Tensor)}: where a tensor's elements are (base address, storage offset, sizes,
 *       strides, dtype, device);</li>
 *   <li>{@link #retain(Tensor)}: a second, detached reference to the same storage that keeps it
 *       alive after the caller's tensor is closed, released by {@link Retained#release()} from any
 *       thread;</li>
 *   <li>{@link #wrap}: foreign memory as a tensor, with a release action that runs exactly once, on
 *       whichever thread drops LibTorch's last reference to the storage.</li>
 * </ul>
 *
 * <p>Why {@code at::for_blob(...).context(ctx, deleter)} and not {@code from_blob(..., deleter)}:
 * the presets map both deleters as JavaCPP callbacks, and every JavaCPP callback object takes one
 * of a small fixed number of native slots, so one callback per tensor would run out. A
 * {@code from_blob} deleter only receives the data pointer, which two wraps of the same memory
 * share; the context deleter receives a context pointer of our choosing. So one callback object
 * serves every wrap, and the context is a unique key into the table of pending release actions.
 */
public final class ExternalMemory {
    private static final Logger LOG = LoggerFactory.getLogger(ExternalMemory.class);

    /** Release actions of wrapped memory whose storage LibTorch still holds, by context key. */
    private static final ConcurrentHashMap<Long, Runnable> PENDING = new ConcurrentHashMap<>();
    private static final AtomicLong NEXT_KEY = new AtomicLong(1);
    private static final AtomicLong RELEASED = new AtomicLong();
    private static final AtomicLong RELEASE_FAILURES = new AtomicLong();
    private static final AtomicLong RETAINED = new AtomicLong();

    /**
     * The single context deleter of every wrap (see the class comment). LibTorch calls it on the
     * thread that frees the storage, possibly one the JVM has never seen (JavaCPP attaches it).
     * It must not throw into C++.
     */
    private static final class ReleaseCallback extends PointerConsumer {
        ReleaseCallback() {
            super(); // allocates the one native callback slot this class uses
        }

        @Override
        public void call(Pointer ctx) {
            Runnable r = PENDING.remove(ctx.address());
            if (r == null) {
                RELEASE_FAILURES.incrementAndGet();
                LOG.error("LibTorch freed wrapped memory with unknown context {}", ctx.address());
                return;
            }
            if (r == CANCELLED) return;
            RELEASED.incrementAndGet();
            try {
                r.run();
            } catch (Throwable t) {
                RELEASE_FAILURES.incrementAndGet();
                LOG.error("release action of wrapped memory failed", t);
            }
        }
    }

    private static volatile ReleaseCallback callback;

    private static ReleaseCallback callback() {
        ReleaseCallback c = callback;
        if (c == null) {
            synchronized (ExternalMemory.class) {
                if (callback == null) {
                    Engine.init();
                    callback = new ReleaseCallback();
                }
                c = callback;
            }
        }
        return c;
    }

    private ExternalMemory() {}

    /**
     * Where a tensor's elements are. Element {@code (i0, i1, …)} is at byte
     * {@code dataAddress + (storageOffset + Σ i_k·strides[k]) · dtype.byteSize()}; {@code dataAddress}
     * is the start of the storage (a device address for CUDA tensors).
     */
    public record View(long dataAddress, long storageOffset, long[] sizes, long[] strides, DType dtype, Device device) {
        public int ndim() {
            return sizes.length;
        }

        /** Address of the first element: {@code dataAddress + storageOffset · byteSize}. */
        public long firstElementAddress() {
            return dataAddress + storageOffset * dtype.byteSize();
        }

        @Override
        public String toString() {
            return "View[" + dtype + " " + Arrays.toString(sizes) + " strides " + Arrays.toString(strides)
                    + " offset " + storageOffset + " on " + device + "]";
        }
    }

    /**
     * The memory of a dense, strided tensor. Refuses what has no plain memory to share: sparse,
     * quantized, conjugate- or negative-bit views (their elements are not what memory holds), and
     * dtypes outside {@link DType}.
     */
    public static View view(Tensor t) {
        org.bytedeco.pytorch.Tensor h = handle(t);
        if (!h.defined() || !h.has_storage()) throw new IllegalArgumentException("tensor has no storage to share: " + t);
        if (h.is_sparse() || h.is_quantized()) throw new IllegalArgumentException("only dense tensors can be shared, not " + t);
        if (h.is_conj() || h.is_neg()) {
            throw new IllegalArgumentException("tensor is a lazy conjugate/negative view; materialise it (clone) before sharing");
        }
        DType dtype = DType.of(h.scalar_type());
        int n = (int) h.dim();
        long[] sizes = new long[n];
        long[] strides = new long[n];
        for (int i = 0; i < n; i++) {
            sizes[i] = h.size(i);
            strides[i] = h.stride(i);
        }
        long offset = h.storage_offset();
        long first;
        try (Pointer p = h.data_ptr()) {
            first = p == null ? 0 : p.address(); // an empty tensor may have no memory at all
        }
        Device device = Device.CPU;
        if (h.is_cuda()) {
            try (var d = h.device()) {
                device = Device.cuda(d.index());
            }
        }
        long base = first == 0 ? 0 : first - offset * dtype.byteSize();
        return new View(base, first == 0 ? 0 : offset, sizes, strides, dtype, device);
    }

    /** A reference that keeps a storage alive for a consumer outside LibTorch. */
    public static final class Retained {
        private final org.bytedeco.pytorch.Tensor alias;
        private final AtomicBoolean released = new AtomicBoolean();

        private Retained(org.bytedeco.pytorch.Tensor alias) {
            this.alias = alias;
        }

        /**
         * Drops the reference (LibTorch frees the storage if it was the last one). Safe from any
         * thread; only the first call has an effect, and it returns {@code true}.
         */
        public boolean release() {
            if (!released.compareAndSet(false, true)) return false;
            alias.close();
            RETAINED.decrementAndGet();
            return true;
        }
    }

    /**
     * A detached reference to {@code t}'s storage that outlives {@code t} (and its scope) until
     * {@link Retained#release()}. It belongs to no scope and carries no autograd history.
     */
    public static Retained retain(Tensor t) {
        org.bytedeco.pytorch.Tensor alias = handle(t).detach();
        RETAINED.incrementAndGet();
        return new Retained(alias);
    }

    /**
     * Foreign memory as a tensor, no copy. {@code dataAddress} is the start of the memory (host, or
     * device memory of {@code device}); element {@code (i0, …)} is at
     * {@code dataAddress + (storageOffset + Σ i_k·strides[k]) · dtype.byteSize()}. {@code release}
     * runs exactly once when LibTorch frees the storage (after the tensor and every view of it are
     * gone), on whichever thread drops the last reference; it must not throw (what it throws is
     * logged) and should not block. If this method throws, {@code release} has not run and never
     * will: the memory is still the caller's.
     */
    public static Tensor wrap(long dataAddress, long storageOffset, long[] sizes, long[] strides,
                              DType dtype, Device device, Runnable release) {
        if (dataAddress == 0 && elementCount(sizes) > 0) {
            throw new IllegalArgumentException("null data pointer for a non-empty tensor of shape " + Arrays.toString(sizes));
        }
        if (sizes.length != strides.length) {
            throw new IllegalArgumentException("sizes " + Arrays.toString(sizes) + " and strides " + Arrays.toString(strides) + " differ in length");
        }
        for (int i = 0; i < sizes.length; i++) {
            if (sizes[i] < 0) throw new IllegalArgumentException("negative size in shape " + Arrays.toString(sizes));
            if (strides[i] < 0) {
                throw new IllegalArgumentException("negative stride in " + Arrays.toString(strides) + ": LibTorch has no negative strides");
            }
        }
        if (storageOffset < 0) throw new IllegalArgumentException("negative storage offset " + storageOffset);
        if (device.isCuda() && !Engine.cudaAvailable()) {
            throw new IllegalArgumentException("memory on " + device + " but this LibTorch sees no CUDA device "
                    + "(a -Pgpu build on a machine with an NVIDIA GPU is needed)");
        }
        ReleaseCallback cb = callback();
        long key = NEXT_KEY.getAndIncrement();
        try (var data = new RawPointer(dataAddress);
             var ctx = new RawPointer(key);
             var sizesP = new LongPointer(sizes);
             var stridesP = new LongPointer(strides);
             var sizesRef = new LongArrayRef(sizesP, sizes.length);
             var stridesRef = new LongArrayRef(stridesP, strides.length);
             var stridesOpt = new LongArrayRefOptional(stridesRef);
             var offsetOpt = new LongOptional(storageOffset);
             var options = options(dtype, device);
             TensorMaker maker = torch.for_blob(data, sizesRef)) {
            // the maker keeps views of sizes/strides (IntArrayRef): their native copies above stay
            // alive until make_tensor has copied them into the tensor
            maker.strides(stridesOpt).storage_offset(offsetOpt).options(options);
            PENDING.put(key, release);
            maker.context(ctx, cb); // from here on, a maker destroyed without make_tensor calls cb itself
            try {
                return new Tensor(maker.make_tensor());
            } catch (RuntimeException | Error e) {
                PENDING.put(key, CANCELLED); // the maker's destructor (closing now) runs this instead
                throw e;
            }
        }
    }

    /** Stands in for the release action of a wrap that failed: the memory stays the caller's. */
    private static final Runnable CANCELLED = () -> {};

    private static long elementCount(long[] sizes) {
        long n = 1;
        for (long s : sizes) n *= s;
        return n;
    }

    /** Wrapped memories whose storage LibTorch still holds (their release has not run yet). */
    public static long pendingReleases() {
        return PENDING.size();
    }

    /** Release actions run so far (each wrap's at most once). */
    public static long releasesRun() {
        return RELEASED.get();
    }

    /** Release callbacks that found no pending action or whose action threw: 0 unless something is wrong. */
    public static long releaseFailures() {
        return RELEASE_FAILURES.get();
    }

    /** {@link #retain} references not yet released. */
    public static long retainedReferences() {
        return RETAINED.get();
    }

    private static org.bytedeco.pytorch.Tensor handle(Tensor t) {
        if (t == null) throw new IllegalArgumentException("tensor is null");
        if (t.isClosed()) throw new IllegalStateException("tensor used after it was closed (its scope ended?)");
        return t.h;
    }

    private static TensorOptions options(DType dtype, Device device) {
        TensorOptions o = new TensorOptions(dtype.scalarType);
        if (device.isCuda()) {
            try (var d = device.toNative(); var od = new org.bytedeco.pytorch.DeviceOptional(d)) {
                TensorOptions o2 = o.device(od);
                o.close();
                return o2;
            }
        }
        return o;
    }

    /** A JavaCPP pointer at an address it does not own (memory, or an opaque context key). */
    private static final class RawPointer extends Pointer {
        RawPointer(long address) {
            this.address = address;
        }
    }
}
