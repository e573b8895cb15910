package dev.causalmm.engine;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.ref.Reference;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.pytorch.global.torch;

/**
 * Where a tensor's bytes live, seen from Java: off-heap memory as a tensor and a tensor's storage as
 * a {@link MemorySegment} (both zero-copy, with lifetimes tied together so neither side reads freed
 * memory), page-locked host copies for asynchronous uploads, and the copies between Java arrays and
 * tensors behind {@link Tensor#of(float[], long...)} and {@link Tensor#toFloatArray()}. Kept apart
 * from {@link Tensor} because these are the places where Java memory and LibTorch memory meet, each
 * with its own rule about who frees what and when; raw addresses for foreign consumers (DLPack) are
 * {@link ExternalMemory}'s.
 */
public final class TensorMemory {
    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.nativeOrder());

    private TensorMemory() {}

    // ------------------------------------------------------------------ zero-copy with java.lang.foreign

    /**
     * Wraps off-heap memory as a CPU tensor without copying: writes through either side are visible
     * to the other. LibTorch holds the segment object (and so an automatic arena's memory) until it
     * frees the storage, i.e. until this tensor and every view of it (including what autograd saved)
     * are gone; an explicitly closed arena is not kept open: close it only after that (or use
     * {@link #fromSegment(MemorySegment, DType, Runnable, long...)} to be told when).
     */
    public static Tensor fromSegment(MemorySegment segment, DType dtype, long... shape) {
        return fromSegment(segment, dtype, null, shape);
    }

    /**
     * As {@link #fromSegment(MemorySegment, DType, long...)}; {@code onRelease} (may be null) runs
     * exactly once when LibTorch frees the storage, on the thread that drops the last reference:
     * the moment a pooled buffer may be reused.
     */
    public static Tensor fromSegment(MemorySegment segment, DType dtype, Runnable onRelease, long... shape) {
        Engine.init();
        if (!segment.isNative()) throw new IllegalArgumentException("fromSegment needs an off-heap (native) segment");
        long n = 1;
        for (long s : shape) n *= s;
        if (n * dtype.byteSize() > segment.byteSize()) {
            throw new IllegalArgumentException("segment of " + segment.byteSize() + " bytes is too small for shape "
                    + Arrays.toString(shape) + " of " + dtype);
        }
        long[] strides = new long[shape.length];
        long step = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            strides[i] = step;
            step *= Math.max(1, shape[i]);
        }
        return ExternalMemory.wrap(segment.address(), 0, shape, strides, dtype, Device.CPU, () -> {
            Reference.reachabilityFence(segment); // held strongly until LibTorch lets go
            if (onRelease != null) onRelease.run();
        });
    }

    /**
     * The storage of a contiguous CPU tensor as a {@link MemorySegment} (no copy). The segment is
     * valid only while the tensor is open: closing the tensor (or its scope) closes the segment's
     * scope, so a later access throws instead of reading freed memory.
     */
    public static MemorySegment asSegment(Tensor t) {
        MemorySegment raw = rawSegment(t);
        synchronized (t) {
            if (t.segments == null) t.segments = Arena.ofShared();
            // the cleanup (run when the arena closes) refers to the tensor, so a segment still in
            // use keeps an unscoped tensor from being reclaimed by the Cleaner under it
            return raw.reinterpret(t.segments, ignored -> Reference.reachabilityFence(t));
        }
    }

    /** The storage as an unscoped segment, for the engine's own copies in and out (never handed out). */
    static MemorySegment rawSegment(Tensor t) {
        org.bytedeco.pytorch.Tensor h = t.h();
        if (h.is_cuda()) throw new IllegalStateException("asSegment needs a CPU tensor, this one is on " + t.device());
        if (!h.is_contiguous()) throw new IllegalStateException("asSegment needs a contiguous tensor; call contiguous() first");
        try (Pointer p = h.data_ptr()) {
            return p == null ? MemorySegment.NULL : MemorySegment.ofAddress(p.address()).reinterpret(h.nbytes()); // empty: no memory
        }
    }

    // ------------------------------------------------------------------ page-locked host memory

    /** A copy of {@code t} in page-locked host memory (for fast, asynchronous host-to-GPU uploads). Needs CUDA. */
    public static Tensor pinned(Tensor t) {
        return Tensor.wrap(t.h().pin_memory());
    }

    public static boolean isPinned(Tensor t) {
        return t.h().is_pinned();
    }

    // ------------------------------------------------------------------ Java arrays

    static Tensor copyOf(float[] data, long[] shape) {
        Tensor t = newCpu(data.length, DType.FLOAT32, shape);
        MemorySegment.copy(data, 0, rawSegment(t), F32, 0, data.length);
        return t;
    }

    static Tensor copyOf(double[] data, long[] shape) {
        Tensor t = newCpu(data.length, DType.FLOAT64, shape);
        MemorySegment.copy(data, 0, rawSegment(t), ValueLayout.JAVA_DOUBLE_UNALIGNED, 0, data.length);
        return t;
    }

    static Tensor copyOf(long[] data, long[] shape) {
        Tensor t = newCpu(data.length, DType.INT64, shape);
        MemorySegment.copy(data, 0, rawSegment(t), ValueLayout.JAVA_LONG_UNALIGNED, 0, data.length);
        return t;
    }

    static Tensor copyOf(int[] data, long[] shape) {
        Tensor t = newCpu(data.length, DType.INT32, shape);
        MemorySegment.copy(data, 0, rawSegment(t), ValueLayout.JAVA_INT_UNALIGNED, 0, data.length);
        return t;
    }

    /** A zeroed CPU tensor for {@code n} array elements, after checking that they fill {@code shape}. */
    private static Tensor newCpu(long n, DType dtype, long[] shape) {
        long expect = 1;
        for (long s : shape) expect *= s;
        if (expect != n) {
            throw new IllegalArgumentException("array of " + n + " elements does not fit shape " + Arrays.toString(shape));
        }
        return Tensor.zeros(dtype, Device.CPU, shape);
    }

    static float[] toFloatArray(Tensor t) {
        try (Tensor c = cpuContiguous(t, DType.FLOAT32)) {
            return rawSegment(c).toArray(F32);
        }
    }

    static double[] toDoubleArray(Tensor t) {
        try (Tensor c = cpuContiguous(t, DType.FLOAT64)) {
            return rawSegment(c).toArray(ValueLayout.JAVA_DOUBLE_UNALIGNED);
        }
    }

    static long[] toLongArray(Tensor t) {
        try (Tensor c = cpuContiguous(t, DType.INT64)) {
            return rawSegment(c).toArray(ValueLayout.JAVA_LONG_UNALIGNED);
        }
    }

    /** A contiguous CPU copy (or the tensor's own storage when it already is one) that the caller closes at once. */
    private static Tensor cpuContiguous(Tensor t, DType dt) {
        // the intermediate handle of to() is closed here: left open it would hold a reference to
        // the storage for ever (pointer GC is off), so wrapped memory would never be released
        try (var cpu = new org.bytedeco.pytorch.Device(torch.DeviceType.CPU); var moved = t.h().to(cpu, dt.scalarType)) {
            // a temporary the caller closes at once: taken out of scope management
            return new Tensor(moved.contiguous()).unscoped();
        }
    }
}
