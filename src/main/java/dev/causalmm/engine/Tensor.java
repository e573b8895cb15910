package dev.causalmm.engine;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.Cleaner;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * A LibTorch tensor seen from Java. Each instance owns one native tensor handle; the handle is
 * released when the instance is closed or when the {@link TensorScope} that owns it closes.
 * Operations return new tensors owned by the current scope of the calling thread; methods ending
 * in an underscore work in place and return {@code this}. A tensor made with no scope open, or
 * taken out of its scope ({@link #unscoped()}, {@link #keep()} from the outermost scope), belongs
 * to its caller: close it; if it is dropped unclosed, a {@link Cleaner} notices once it is
 * unreachable and the thread that made it frees it the next time it makes a tensor (JavaCPP's own
 * GC tracking is off, see {@link Engine#init()}), so nothing leaks for ever. Closing is atomic: two threads racing to close free the handle once.
 *
 * <p>This class and the rest of {@code dev.causalmm.engine} are the only code that touches the
 * JavaCPP presets.
 */
public final class Tensor implements AutoCloseable {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.nativeOrder());

    private static final Cleaner CLEANER = Cleaner.create();
    private static final VarHandle CLOSED;

    static {
        try {
            CLOSED = MethodHandles.lookup().findVarHandle(Tensor.class, "closed", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final org.bytedeco.pytorch.Tensor h;
    TensorScope owner;
    private volatile boolean closed;
    /** Frees the handle of a tensor no scope owns, when it is closed or becomes unreachable. */
    private Cleaner.Cleanable cleanable;
    /** The scope of the segments {@link #asSegment()} hands out: closed with this tensor. */
    private Arena segments;

    Tensor(org.bytedeco.pytorch.Tensor handle) {
        this.h = handle;
        this.owner = TensorScope.current();
        NativeMemory.LIVE_TENSORS.incrementAndGet();
        var dropped = DROPPED.get();
        if (!dropped.isEmpty()) freeDropped(dropped);
        if (owner != null) owner.adopt(this);
        else track();
    }

    /**
     * Handles of dropped tensors, per creating thread, waiting to be freed by that thread. The
     * Cleaner never frees a handle itself: the JIT may treat a wrapper as unreachable while a native
     * call on its creating thread still uses the handle, so the handle is freed only when that
     * thread next makes a tensor (between its native calls). Tensors of a thread that has ended
     * stay queued: a leak, not a use-after-free.
     */
    private static final ThreadLocal<java.util.concurrent.ConcurrentLinkedQueue<org.bytedeco.pytorch.Tensor>> DROPPED =
            ThreadLocal.withInitial(java.util.concurrent.ConcurrentLinkedQueue::new);

    /** Frees the handles the Cleaner queued for this thread. */
    private static void freeDropped(java.util.concurrent.ConcurrentLinkedQueue<org.bytedeco.pytorch.Tensor> queue) {
        for (org.bytedeco.pytorch.Tensor t; (t = queue.poll()) != null; ) {
            t.close();
            NativeMemory.LIVE_TENSORS.decrementAndGet();
            NativeMemory.RECLAIMED_TENSORS.incrementAndGet();
        }
    }

    /** The Cleaner's action: holds the handle, never the tensor (which must be able to become unreachable). */
    private static final class Free implements Runnable {
        private final org.bytedeco.pytorch.Tensor handle;
        private final java.util.concurrent.ConcurrentLinkedQueue<org.bytedeco.pytorch.Tensor> creatorQueue;
        /** Set when code closes the tensor; otherwise the run is the Cleaner reclaiming a dropped one. */
        volatile boolean closedByCode;

        Free(org.bytedeco.pytorch.Tensor handle, java.util.concurrent.ConcurrentLinkedQueue<org.bytedeco.pytorch.Tensor> creatorQueue) {
            this.handle = handle;
            this.creatorQueue = creatorQueue;
        }

        @Override
        public void run() {
            if (closedByCode) {
                handle.close(); // code closed it: nothing can be using it any more
                NativeMemory.LIVE_TENSORS.decrementAndGet();
            } else {
                creatorQueue.add(handle); // dropped: freed by its creating thread, between native calls
            }
        }
    }

    private Free free;

    /** From now on nobody but the caller (or, failing that, the Cleaner) frees this tensor. */
    void track() {
        if (cleanable == null) {
            free = new Free(h, DROPPED.get());
            cleanable = CLEANER.register(this, free);
        }
    }

    static Tensor wrap(org.bytedeco.pytorch.Tensor handle) {
        return new Tensor(handle);
    }

    // ------------------------------------------------------------------ lifetime

    /** Frees the native handle now (idempotent). Tensors in a scope need no explicit close. */
    @Override
    public void close() {
        closeAndForget();
    }

    void release() {
        if (!CLOSED.compareAndSet(this, false, true)) return;
        try {
            synchronized (this) {
                if (segments != null) segments.close(); // segments from asSegment() end with the tensor
            }
        } finally {
            // the handle is freed even when a segment of it is still in use elsewhere (close throws then)
            if (cleanable != null) {
                free.closedByCode = true;
                cleanable.clean(); // runs Free at most once, whoever calls first
            } else {
                h.close();
                NativeMemory.LIVE_TENSORS.decrementAndGet();
            }
        }
    }

    /** Frees the handle now and drops this tensor from its scope's list (called by user code, not by the scope). */
    private void closeAndForget() {
        TensorScope o = owner;
        release();
        if (o != null) o.forget(this);
    }

    public boolean isClosed() {
        return closed;
    }

    /** Hands this tensor to the scope enclosing its owner; see {@link TensorScope#keep}. */
    public Tensor keep() {
        if (owner == null) return this;
        owner.keep(this);
        if (owner == null) track();
        return this;
    }

    /** Takes this tensor out of scope management: the caller must {@link #close()} it. */
    public Tensor unscoped() {
        owner = null;
        track();
        return this;
    }

    /** The LibTorch handle, for the other engine classes (e.g. {@link TensorArchive}). */
    org.bytedeco.pytorch.Tensor handle() {
        return h();
    }

    private org.bytedeco.pytorch.Tensor h() {
        if (closed) throw new IllegalStateException("tensor used after it was closed (its scope ended?)");
        return h;
    }

    // ------------------------------------------------------------------ metadata

    public long[] shape() {
        org.bytedeco.pytorch.Tensor t = h();
        int n = (int) t.dim();
        long[] s = new long[n];
        for (int i = 0; i < n; i++) s[i] = t.size(i);
        return s;
    }

    public long size(int dim) {
        return h().size(dim);
    }

    public int dim() {
        return (int) h().dim();
    }

    public long numel() {
        return h().numel();
    }

    public long nbytes() {
        return closed ? 0 : h.nbytes();
    }

    public DType dtype() {
        return DType.of(h().scalar_type());
    }

    public Device device() {
        if (!h().is_cuda()) return Device.CPU;
        try (var d = h.device()) {
            return Device.cuda(d.index());
        }
    }

    public boolean requiresGrad() {
        return h().requires_grad();
    }

    String describe() {
        return closed ? "Tensor[closed]" : "Tensor" + Arrays.toString(shape()) + " " + dtype() + " " + device();
    }

    @Override
    public String toString() {
        return describe();
    }

    // ------------------------------------------------------------------ creation

    /** New options of a dtype on a device (the caller closes them); ops use {@link Constants#options}. */
    static TensorOptions newOptions(DType dtype, Device device) {
        TensorOptions o = new TensorOptions(dtype.scalarType);
        if (device != null && device.isCuda()) {
            try (var d = device.toNative(); var od = new org.bytedeco.pytorch.DeviceOptional(d)) {
                TensorOptions o2 = o.device(od);
                o.close();
                return o2;
            }
        }
        return o;
    }

    public static Tensor zeros(DType dtype, Device device, long... shape) {
        Engine.init();
        var o = Constants.options(dtype, device);
        return wrap(torch.zeros(shape, o));
    }

    public static Tensor zeros(long... shape) {
        return zeros(DType.FLOAT32, Device.CPU, shape);
    }

    public static Tensor ones(DType dtype, Device device, long... shape) {
        Engine.init();
        var o = Constants.options(dtype, device);
        return wrap(torch.ones(shape, o));
    }

    public static Tensor ones(long... shape) {
        return ones(DType.FLOAT32, Device.CPU, shape);
    }

    public static Tensor full(double value, DType dtype, Device device, long... shape) {
        Engine.init();
        var o = Constants.options(dtype, device);
        Scalar s = Constants.scalar(value);
        try {
            return wrap(torch.full(shape, s, o));
        } finally {
            Constants.done(s, value);
        }
    }

    /** Standard normal samples from LibTorch's seeded generator. */
    public static Tensor randn(DType dtype, Device device, long... shape) {
        Engine.init();
        var o = Constants.options(dtype, device);
        return wrap(torch.randn(shape, o));
    }

    /** Uniform integers in {@code [0, high)} (int64), drawn on {@code device} from LibTorch's generator. */
    public static Tensor randint(long high, Device device, long... shape) {
        Engine.init();
        return wrap(torch.randint(high, shape, Constants.options(DType.INT64, device)));
    }

    /** Uniform [0, 1) samples from LibTorch's seeded generator. */
    public static Tensor rand(DType dtype, Device device, long... shape) {
        Engine.init();
        var o = Constants.options(dtype, device);
        return wrap(torch.rand(shape, o));
    }

    public static Tensor arange(long n, DType dtype, Device device) {
        Engine.init();
        try (var s = new Scalar(n)) {
            return wrap(torch.arange(s, Constants.options(dtype, device)));
        }
    }

    public static Tensor eye(long n, Device device) {
        Engine.init();
        return wrap(torch.eye(n, Constants.options(DType.FLOAT32, device)));
    }

    /** Copies a Java array into a new CPU tensor of the given shape. */
    public static Tensor of(float[] data, long... shape) {
        checkCount(data.length, shape);
        Tensor t = zeros(DType.FLOAT32, Device.CPU, shape);
        MemorySegment.copy(data, 0, t.rawSegment(), F32, 0, data.length);
        return t;
    }

    public static Tensor of(double[] data, long... shape) {
        checkCount(data.length, shape);
        Tensor t = zeros(DType.FLOAT64, Device.CPU, shape);
        MemorySegment.copy(data, 0, t.rawSegment(), ValueLayout.JAVA_DOUBLE_UNALIGNED, 0, data.length);
        return t;
    }

    public static Tensor of(long[] data, long... shape) {
        checkCount(data.length, shape);
        Tensor t = zeros(DType.INT64, Device.CPU, shape);
        MemorySegment.copy(data, 0, t.rawSegment(), ValueLayout.JAVA_LONG_UNALIGNED, 0, data.length);
        return t;
    }

    public static Tensor of(int[] data, long... shape) {
        checkCount(data.length, shape);
        Tensor t = zeros(DType.INT32, Device.CPU, shape);
        MemorySegment.copy(data, 0, t.rawSegment(), ValueLayout.JAVA_INT_UNALIGNED, 0, data.length);
        return t;
    }

    public static Tensor scalar(double v) {
        return full(v, DType.FLOAT32, Device.CPU);
    }

    private static void checkCount(long n, long[] shape) {
        long expect = 1;
        for (long s : shape) expect *= s;
        if (expect != n) {
            throw new IllegalArgumentException("array of " + n + " elements does not fit shape " + Arrays.toString(shape));
        }
    }

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
            java.lang.ref.Reference.reachabilityFence(segment); // held strongly until LibTorch lets go
            if (onRelease != null) onRelease.run();
        });
    }

    /**
     * The storage of a contiguous CPU tensor as a {@link MemorySegment} (no copy). The segment is
     * valid only while this tensor is open: closing the tensor (or its scope) closes the segment's
     * scope, so a later access throws instead of reading freed memory.
     */
    public MemorySegment asSegment() {
        MemorySegment raw = rawSegment();
        synchronized (this) {
            if (segments == null) segments = Arena.ofShared();
            // the cleanup (run when the arena closes) refers to this tensor, so a segment still in
            // use keeps an unscoped tensor from being reclaimed by the Cleaner under it
            return raw.reinterpret(segments, ignored -> java.lang.ref.Reference.reachabilityFence(this));
        }
    }

    /** The storage as an unscoped segment, for this class's own copies in and out (not handed out). */
    private MemorySegment rawSegment() {
        org.bytedeco.pytorch.Tensor t = h();
        if (t.is_cuda()) throw new IllegalStateException("asSegment needs a CPU tensor, this one is on " + device());
        if (!t.is_contiguous()) throw new IllegalStateException("asSegment needs a contiguous tensor; call contiguous() first");
        try (Pointer p = t.data_ptr()) {
            return p == null ? MemorySegment.NULL : MemorySegment.ofAddress(p.address()).reinterpret(t.nbytes()); // empty: no memory
        }
    }

    // ------------------------------------------------------------------ to Java

    public float[] toFloatArray() {
        try (Tensor c = cpuContiguous(DType.FLOAT32)) {
            return c.rawSegment().toArray(F32);
        }
    }

    public double[] toDoubleArray() {
        try (Tensor c = cpuContiguous(DType.FLOAT64)) {
            return c.rawSegment().toArray(ValueLayout.JAVA_DOUBLE_UNALIGNED);
        }
    }

    public long[] toLongArray() {
        try (Tensor c = cpuContiguous(DType.INT64)) {
            return c.rawSegment().toArray(ValueLayout.JAVA_LONG_UNALIGNED);
        }
    }

    private Tensor cpuContiguous(DType dt) {
        // the intermediate handle of to() is closed here: left open it would hold a reference to
        // the storage for ever (pointer GC is off), so wrapped memory would never be released
        try (var cpu = new org.bytedeco.pytorch.Device(torch.DeviceType.CPU); var moved = h().to(cpu, dt.scalarType)) {
            // a temporary the caller closes at once: taken out of scope management
            return new Tensor(moved.contiguous()).unscoped();
        }
    }

    /** The single value of a one-element tensor. */
    public double item() {
        if (numel() != 1) throw new IllegalStateException("item() needs one element, tensor has shape " + Arrays.toString(shape()));
        try (Scalar s = h().item()) {
            return s.toDouble();
        }
    }

    /** Copies {@code src} (any device or dtype, same shape) into this tensor, in place. */
    public Tensor copyFrom_(Tensor src) {
        if (!Arrays.equals(shape(), src.shape())) {
            throw new IllegalArgumentException("copy of shape " + Arrays.toString(src.shape()) + " into " + Arrays.toString(shape()));
        }
        h().copy_(src.h());
        return this;
    }

    // ------------------------------------------------------------------ devices and types

    public Tensor to(Device device) {
        try (var d = device.toNative()) {
            return wrap(h().to(d, h.scalar_type()));
        }
    }

    /** Copy to {@code device}; with {@code nonBlocking} a pinned host tensor uploads asynchronously. */
    public Tensor to(Device device, boolean nonBlocking) {
        try (var d = device.toNative(); var format = new org.bytedeco.pytorch.MemoryFormatOptional()) {
            return wrap(h().to(d, h.scalar_type(), nonBlocking, false, format));
        }
    }

    public Tensor to(DType dtype) {
        return wrap(h().to(dtype.scalarType));
    }

    /** A copy in page-locked host memory (for fast, asynchronous host-to-GPU uploads). Needs CUDA. */
    public Tensor pinned() {
        return wrap(h().pin_memory());
    }

    public boolean isPinned() {
        return h().is_pinned();
    }

    public Tensor contiguous() {
        return wrap(h().contiguous());
    }

    public Tensor clone_() {
        return wrap(h().clone());
    }

    // ------------------------------------------------------------------ autograd

    /** Marks this tensor as a trainable leaf (in place). */
    public Tensor requiresGrad_(boolean on) {
        h().set_requires_grad(on);
        return this;
    }

    /** The accumulated gradient, or {@code null} if none has been computed. */
    public Tensor grad() {
        org.bytedeco.pytorch.Tensor g = h().grad();
        if (!g.defined()) {
            g.close();
            return null;
        }
        return wrap(g);
    }

    /** Sets the gradient to {@code g} (same shape), PyTorch's {@code p.grad = g}. */
    public void setGrad(Tensor g) {
        if (!Arrays.equals(shape(), g.shape())) {
            throw new IllegalArgumentException("gradient of shape " + Arrays.toString(g.shape()) + " for a tensor of " + Arrays.toString(shape()));
        }
        org.bytedeco.pytorch.Tensor slot = h().mutable_grad();
        slot.put(g.h());
        slot.close();
    }

    /** Drops the accumulated gradient (PyTorch's {@code zero_grad(set_to_none=True)}). */
    public void clearGrad() {
        org.bytedeco.pytorch.Tensor g = h().mutable_grad();
        if (g.defined()) g.reset();
    }

    public void backward() {
        h().backward();
    }

    public Tensor detach() {
        return wrap(h().detach());
    }

    // ------------------------------------------------------------------ arithmetic

    public Tensor add(Tensor o) { return wrap(h().add(o.h())); }
    public Tensor sub(Tensor o) { return wrap(h().sub(o.h())); }
    public Tensor mul(Tensor o) { return wrap(h().mul(o.h())); }
    public Tensor div(Tensor o) { return wrap(h().div(o.h())); }

    public Tensor add(double v) { Scalar s = Constants.scalar(v); try { return wrap(h().add(s)); } finally { Constants.done(s, v); } }
    public Tensor sub(double v) { Scalar s = Constants.scalar(v); try { return wrap(h().sub(s)); } finally { Constants.done(s, v); } }
    public Tensor mul(double v) { Scalar s = Constants.scalar(v); try { return wrap(h().mul(s)); } finally { Constants.done(s, v); } }
    public Tensor div(double v) { Scalar s = Constants.scalar(v); try { return wrap(h().div(s)); } finally { Constants.done(s, v); } }

    /** {@code this + alpha * o} in one kernel. */
    public Tensor add(Tensor o, double alpha) { Scalar s = Constants.scalar(alpha); try { return wrap(h().add(o.h(), s)); } finally { Constants.done(s, alpha); } }

    public Tensor add_(Tensor o) { h().add_(o.h()); return this; }
    public Tensor mul_(double v) { Scalar s = Constants.scalar(v); try { h().mul_(s); } finally { Constants.done(s, v); } return this; }
    public Tensor zero_() { h().zero_(); return this; }
    public Tensor fill_(double v) { Scalar s = Constants.scalar(v); try { h().fill_(s); } finally { Constants.done(s, v); } return this; }

    public Tensor neg() { return wrap(torch.neg(h())); }
    public Tensor abs() { return wrap(torch.abs(h())); }
    public Tensor exp() { return wrap(torch.exp(h())); }
    public Tensor log() { return wrap(torch.log(h())); }
    public Tensor sqrt() { return wrap(torch.sqrt(h())); }
    public Tensor square() { return wrap(torch.square(h())); }
    public Tensor pow(double p) { Scalar s = Constants.scalar(p); try { return wrap(torch.pow(h(), s)); } finally { Constants.done(s, p); } }
    public Tensor sigmoid() { return wrap(torch.sigmoid(h())); }
    public Tensor tanh() { return wrap(torch.tanh(h())); }
    public Tensor relu() { return wrap(torch.relu(h())); }
    public Tensor elu() { return wrap(torch.elu(h())); }
    public Tensor softplus() { return wrap(torch.softplus(h())); }
    public Tensor digamma() { return wrap(torch.digamma(h())); }
    public Tensor lgamma() { return wrap(torch.lgamma(h())); }
    public Tensor sign() { return wrap(torch.sign(h())); }

    /** In place: {@code this[index[i]] += source[i]} along {@code dim} (duplicate indices accumulate). */
    public Tensor indexAdd_(int dim, Tensor index, Tensor source) {
        h().index_add_(dim, index.h(), source.h());
        return this;
    }

    public Tensor clamp(double min, double max) {
        var oa = Constants.optional(min);
        var ob = Constants.optional(max);
        try {
            return wrap(torch.clamp(h(), oa, ob));
        } finally {
            Constants.done(oa, min);
            Constants.done(ob, max);
        }
    }

    public Tensor clampMin(double min) {
        Scalar s = Constants.scalar(min);
        try {
            return wrap(torch.clamp_min(h(), s));
        } finally {
            Constants.done(s, min);
        }
    }

    public Tensor matmul(Tensor o) { return wrap(torch.matmul(h(), o.h())); }

    /** {@code x W^T + b} in one call ({@code bias} may be null). */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        return wrap(bias == null ? torch.linear(x.h(), weight.h()) : torch.linear(x.h(), weight.h(), bias.h()));
    }

    /** {@code where(mask, a, b)} elementwise. */
    public static Tensor where(Tensor mask, Tensor a, Tensor b) {
        return wrap(torch.where(mask.h(), a.h(), b.h()));
    }

    public Tensor maskedFill(Tensor mask, double value) {
        Scalar s = Constants.scalar(value);
        try { return wrap(torch.masked_fill(h(), mask.h(), s)); } finally { Constants.done(s, value); }
    }

    // ------------------------------------------------------------------ comparison

    public Tensor eq(Tensor o) { return wrap(torch.eq(h(), o.h())); }
    public Tensor eq(double v) { Scalar s = Constants.scalar(v); try { return wrap(torch.eq(h(), s)); } finally { Constants.done(s, v); } }
    public Tensor gt(double v) { Scalar s = Constants.scalar(v); try { return wrap(torch.gt(h(), s)); } finally { Constants.done(s, v); } }
    public Tensor lt(double v) { Scalar s = Constants.scalar(v); try { return wrap(torch.lt(h(), s)); } finally { Constants.done(s, v); } }

    // ------------------------------------------------------------------ reductions

    public Tensor sum() { return wrap(h().sum()); }
    public Tensor mean() { return wrap(h().mean()); }
    public Tensor sum(int dim, boolean keepDim) { return wrap(h().sum(new long[] {dim}, keepDim, Constants.NO_DTYPE)); }
    public Tensor mean(int dim, boolean keepDim) { return wrap(h().mean(new long[] {dim}, keepDim, Constants.NO_DTYPE)); }
    public Tensor max() { return wrap(torch.max(h())); }
    public Tensor min() { return wrap(torch.min(h())); }
    public Tensor argmax(int dim) {
        LongOptional shared = Constants.dim(dim);
        if (shared != null) return wrap(torch.argmax(h(), shared, false));
        try (var d = new LongOptional(dim)) { return wrap(torch.argmax(h(), d, false)); }
    }
    public Tensor logsumexp(int dim, boolean keepDim) { return wrap(torch.logsumexp(h(), new long[] {dim}, keepDim)); }
    public Tensor softmax(int dim) { return wrap(torch.softmax(h(), dim)); }
    public Tensor logSoftmax(int dim) { return wrap(torch.log_softmax(h(), dim)); }
    /** Each row divided by its L2 norm (at least 1e−12): rows of unit length for cosine similarities. */
    public Tensor normalizeRows() {
        return div(rowNorms().clampMin(1e-12));
    }

    /** The L2 norm of each row of a {@code B×D} tensor, {@code B×1}, in one kernel. */
    public Tensor rowNorms() {
        var two = Constants.optional(2.0);
        try { return wrap(torch.norm(h(), two, new long[] {1}, true)); } finally { Constants.done(two, 2.0); }
    }

    /** Population variance (divisor N) along {@code dim}, in one kernel. */
    public Tensor variance(int dim, boolean keepDim) { return wrap(torch.var(h(), new long[] {dim}, false, keepDim)); }

    /** The main diagonal of a matrix (a view). */
    public Tensor diagonal() { return wrap(torch.diagonal(h(), 0, 0, 1)); }

    /** L2 norm over everything. */
    public Tensor norm() { return wrap(torch.norm(h())); }

    // ------------------------------------------------------------------ shape

    public Tensor reshape(long... shape) { return wrap(h().reshape(shape)); }
    public Tensor transpose(int a, int b) { return wrap(h().transpose(a, b)); }
    public Tensor unsqueeze(int dim) { return wrap(h().unsqueeze(dim)); }
    public Tensor squeeze(int dim) { return wrap(h().squeeze(dim)); }
    public Tensor narrow(int dim, long start, long length) { return wrap(h().narrow(dim, start, length)); }
    public Tensor select(int dim, long index) { return wrap(h().select(dim, index)); }
    public Tensor expand(long... shape) { return wrap(h().expand(shape)); }
    public Tensor roll(long shift, int dim) { return wrap(torch.roll(h(), new long[] {shift}, dim)); }
    public Tensor indexSelect(int dim, Tensor index) { return wrap(torch.index_select(h(), dim, index.h())); }
    public Tensor gather(int dim, Tensor index) { return wrap(torch.gather(h(), dim, index.h())); }
    /**
     * One-hot rows (float32) of int64 indices in {@code [0, classes)}: an identity-matrix row lookup,
     * which (unlike LibTorch's {@code one_hot}) reads nothing back from the device to validate.
     */
    public Tensor oneHot(long classes) {
        try (Tensor eye = eye(classes, device())) {
            return eye.indexSelect(0, this);
        }
    }

    public static Tensor cat(List<Tensor> ts, int dim) {
        try (TensorVector v = vector(ts)) { return wrap(torch.cat(v, dim)); }
    }

    public static Tensor stack(List<Tensor> ts, int dim) {
        try (TensorVector v = vector(ts)) { return wrap(torch.stack(v, dim)); }
    }

    static TensorVector vector(List<Tensor> ts) {
        org.bytedeco.pytorch.Tensor[] hs = new org.bytedeco.pytorch.Tensor[ts.size()];
        for (int i = 0; i < hs.length; i++) hs[i] = ts.get(i).h();
        return new TensorVector(hs);
    }

    // ------------------------------------------------------------------ image, sequence and attention layers

    /**
     * 2-D convolution of {@code x} ({@code B×C×H×W}) with {@code weight} ({@code O×C×kh×kw}) and an
     * optional {@code bias} ({@code O}), symmetric zero {@code padding}, given {@code stride}.
     */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, long stride, long padding) {
        try (var b = bias == null ? new org.bytedeco.pytorch.TensorOptional() : new org.bytedeco.pytorch.TensorOptional(bias.h())) {
            return wrap(torch.conv2d(x.h(), weight.h(), b, new long[] {stride, stride}, new long[] {padding, padding}, new long[] {1, 1}, 1));
        }
    }

    /**
     * 3-D convolution of {@code x} ({@code B×C×D×H×W}) with {@code weight} ({@code O×C×k×k×k}) and
     * an optional {@code bias} ({@code O}), cubic {@code stride} and symmetric zero {@code padding}.
     */
    public static Tensor conv3d(Tensor x, Tensor weight, Tensor bias, long stride, long padding) {
        if (x.device().equals(Device.CPU)) {
            // LibTorch 2.10's CPU (oneDNN 3.7) kernel for the input gradient of a batched 3-D
            // convolution in the default NCDHW layout is wrong for small channel counts (2→8 and
            // 8→8 channels at 32³–48³: wrong values, and NaN within a step, on one thread as well
            // as two; Conv3dGradientTest). The channels-last-3d kernel is exact and as fast, so CPU
            // convolutions run in that layout; the output stays channels-last, which every later op
            // accepts. (An earlier workaround, one convolution per sample, was 10× slower: single
            // samples of few channels fall back to LibTorch's slow_conv3d.)
            return conv3dNative(x.channelsLast3d(), weight, bias, stride, padding);
        }
        return conv3dNative(x, weight, bias, stride, padding);
    }

    private static Tensor conv3dNative(Tensor x, Tensor weight, Tensor bias, long stride, long padding) {
        try (var b = bias == null ? new org.bytedeco.pytorch.TensorOptional() : new org.bytedeco.pytorch.TensorOptional(bias.h())) {
            return wrap(torch.conv3d(x.h(), weight.h(), b, new long[] {stride, stride, stride},
                    new long[] {padding, padding, padding}, new long[] {1, 1, 1}, 1));
        }
    }

    /**
     * Transposed 3-D convolution (the U-Net's learned upsampling) of {@code x} ({@code B×C×D×H×W})
     * with {@code weight} ({@code C×O×k×k×k}), no padding: with kernel = stride = s the output is
     * exactly s times larger on every axis.
     */
    public static Tensor convTranspose3d(Tensor x, Tensor weight, Tensor bias, long stride) {
        try (var b = bias == null ? new org.bytedeco.pytorch.TensorOptional() : new org.bytedeco.pytorch.TensorOptional(bias.h())) {
            return wrap(torch.conv_transpose3d(x.h(), weight.h(), b, new long[] {stride, stride, stride},
                    new long[] {0, 0, 0}, new long[] {0, 0, 0}, 1, 1, 1, 1));
        }
    }

    /**
     * Group normalisation of {@code B×C×…} over {@code groups} channel groups with per-channel
     * affine {@code weight}, {@code bias}; with {@code groups = C} it is instance normalisation.
     */
    /** This tensor in the channels-last-3d memory layout (a copy unless it already is). */
    public Tensor channelsLast3d() {
        return wrap(h.contiguous(torch.MemoryFormat.ChannelsLast3d));
    }

    public Tensor groupNorm(long groups, Tensor weight, Tensor bias, double eps) {
        try (var w = new org.bytedeco.pytorch.TensorOptional(weight.h()); var b = new org.bytedeco.pytorch.TensorOptional(bias.h())) {
            return wrap(torch.group_norm(h(), groups, w, b, eps, true));
        }
    }

    /** {@code max(x, slope·x)}. */
    public Tensor leakyRelu(double slope) {
        try (var s = new Scalar(slope)) {
            return wrap(torch.leaky_relu(h(), s));
        }
    }

    /** Reverses the order of elements along each of {@code dims}. */
    public Tensor flip(long... dims) {
        return wrap(torch.flip(h(), dims));
    }

    /** Mean over several dimensions (one kernel). */
    public Tensor mean(long[] dims, boolean keepDim) {
        return wrap(h().mean(dims, keepDim, Constants.NO_DTYPE));
    }

    /** Sum over several dimensions (one kernel). */
    public Tensor sum(long[] dims, boolean keepDim) {
        return wrap(h().sum(dims, keepDim, Constants.NO_DTYPE));
    }

    /** Max pooling over {@code k×k} windows with stride {@code k} ({@code B×C×H×W}). */
    public Tensor maxPool2d(long k) {
        return wrap(torch.max_pool2d(h(), new long[] {k, k}, new long[] {k, k}, new long[] {0, 0}, new long[] {1, 1}, false));
    }

    /** Adaptive average pooling of {@code B×C×H×W} to {@code B×C×outH×outW}. */
    public Tensor adaptiveAvgPool2d(long outH, long outW) {
        return wrap(torch.adaptive_avg_pool2d(h(), outH, outW));
    }

    /** Rows of {@code table} ({@code V×E}) picked by the int64 ids in {@code ids}: shape {@code ids.shape×E}. */
    public static Tensor embedding(Tensor table, Tensor ids) {
        return wrap(torch.embedding(table.h(), ids.h()));
    }

    /** As {@link #embedding(Tensor, Tensor)}, but row {@code paddingIdx} receives no gradient (stays as it is). */
    public static Tensor embedding(Tensor table, Tensor ids, long paddingIdx) {
        return wrap(torch.embedding(table.h(), ids.h(), paddingIdx, false, false));
    }

    /** Layer normalisation over the last dimension with elementwise affine {@code weight}, {@code bias}. */
    public Tensor layerNorm(Tensor weight, Tensor bias, double eps) {
        try (var w = new org.bytedeco.pytorch.TensorOptional(weight.h()); var b = new org.bytedeco.pytorch.TensorOptional(bias.h())) {
            return wrap(torch.layer_norm(h(), new long[] {size(dim() - 1)}, w, b, eps, true));
        }
    }

    public Tensor gelu() { return wrap(torch.gelu(h())); }

    /**
     * Inverted dropout with drop probability {@code p} when {@code train}; otherwise (or with p = 0)
     * {@code this} itself, without a native call.
     */
    public Tensor dropout(double p, boolean train) {
        if (!train || p == 0) return this;
        return wrap(torch.dropout(h(), p, true));
    }

    /**
     * {@code softmax(Q Kᵀ/√d) V} over the last two dimensions ({@code …×L×d}) in LibTorch's fused
     * kernel (one call; flash/memory-efficient kernels on CUDA).
     */
    public static Tensor scaledDotProductAttention(Tensor q, Tensor k, Tensor v) {
        return wrap(torch.scaled_dot_product_attention(q.h(), k.h(), v.h()));
    }

    /**
     * As {@link #scaledDotProductAttention(Tensor, Tensor, Tensor)} with a boolean {@code keep}
     * mask broadcastable to {@code …×Lq×Lk}: keys where it is false get no attention (padding).
     */
    public static Tensor scaledDotProductAttention(Tensor q, Tensor k, Tensor v, Tensor keep) {
        if (keep == null) return scaledDotProductAttention(q, k, v);
        try (var m = new org.bytedeco.pytorch.TensorOptional(keep.h()); var scale = new org.bytedeco.pytorch.DoubleOptional()) {
            return wrap(torch.scaled_dot_product_attention(q.h(), k.h(), v.h(), m, 0.0, false, scale, false));
        }
    }

    // ------------------------------------------------------------------ losses (batch-mean)

    /** Mean cross-entropy of logits {@code B×C} against int64 labels {@code B}. */
    public static Tensor crossEntropy(Tensor logits, Tensor labels) {
        return wrap(torch.cross_entropy(logits.lossInput(), labels.h()));
    }

    /**
     * The handle a loss reads: this tensor, or its float32 copy when it is bf16/fp16 (under
     * {@link Autocast} a model's logits may arrive in bf16; losses and their log-softmax need
     * float32's range and precision, which CPU autocast does not enforce by itself).
     */
    private org.bytedeco.pytorch.Tensor lossInput() {
        org.bytedeco.pytorch.Tensor t = h();
        return isHalfWidth(t) ? to(DType.FLOAT32).h : t;
    }

    /** This tensor as a loss reads it: float32 when it was bf16/fp16, else itself. */
    private Tensor lossView() {
        return isHalfWidth(h()) ? to(DType.FLOAT32) : this;
    }

    /** bf16 or fp16 (scalar types compare by value: the presets do not return the enum's constants). */
    private static boolean isHalfWidth(org.bytedeco.pytorch.Tensor t) {
        byte v = t.scalar_type().value;
        return v == ScalarType.BFloat16.value || v == ScalarType.Half.value;
    }

    /**
     * The direction in which cross-entropy rises fastest on the logits, {@code q − e_y} (B×C), q the
     * softmax over the classes other than y (q_y = 0). It equals {@code (softmax − e_y)/(1 − p_y)}: the
     * CE gradient rescaled per row, computed without the cancellation that makes {@code p − e_y}
     * exactly zero once a float32 softmax saturates at p_y = 1.
     */
    public static Tensor crossEntropyAscent(Tensor logits, Tensor labels) {
        try (var fp32 = Autocast.suspendIfEnabled()) {
            Tensor y = labels.oneHot(logits.size(1));
            return logits.lossView().maskedFill(y.gt(0.5), Double.NEGATIVE_INFINITY).softmax(1).sub(y);
        }
    }

    /** Per-sample cross-entropy ({@code B}), no reduction. */
    public static Tensor crossEntropyPerSample(Tensor logits, Tensor labels) {
        try (var fp32 = Autocast.suspendIfEnabled()) {
            return logits.lossView().logSoftmax(1).gather(1, labels.unsqueeze(1)).squeeze(1).neg();
        }
    }

    /**
     * {@code Σ exp(logP)·(logP − logQ)} over all elements in one kernel (LibTorch {@code kl_div}
     * with log-space target and sum reduction): KL(P ‖ Q) summed over rows.
     */
    public static Tensor klDivLogSum(Tensor logQ, Tensor logP) {
        return wrap(torch.kl_div(logQ.lossInput(), logP.lossInput(), 2 /* at::Reduction::Sum */, true));
    }

    /** Mean binary cross-entropy of {@code logits} against targets in [0, 1] of the same shape (numerically stable). */
    public static Tensor bceWithLogits(Tensor logits, Tensor targets) {
        return wrap(torch.binary_cross_entropy_with_logits(logits.h(), targets.h()));
    }

    public static Tensor mseLoss(Tensor a, Tensor b) {
        return wrap(torch.mse_loss(a.lossInput(), b.lossInput()));
    }

    // ------------------------------------------------------------------ gradients

    /**
     * Rescales the gradients of {@code params} so their joint L2 norm is at most {@code maxNorm};
     * returns the norm before clipping.
     */
    /**
     * Scales the gradients of {@code params} so that their joint L2 norm is at most {@code maxNorm},
     * entirely on the device: the norm stays a tensor and the scale is {@code min(1, max/(norm+1e-6))}
     * applied by multiplication, so the step never waits for the GPU (LibTorch's
     * {@code clip_grad_norm_} returns a double, which reads the norm back every step).
     *
     * @return the joint norm before clipping, a 0-d tensor on the gradients' device (null when no
     *     parameter has a gradient)
     */
    public static Tensor clipGradNorm(List<Tensor> params, double maxNorm) {
        if (!(maxNorm > 0)) throw new IllegalArgumentException("clip norm must be > 0, got " + maxNorm);
        java.util.ArrayList<Tensor> grads = new java.util.ArrayList<>(params.size());
        java.util.ArrayList<Tensor> norms = new java.util.ArrayList<>(params.size());
        for (Tensor p : params) {
            Tensor g = p.grad();
            if (g == null) continue;
            grads.add(g);
            norms.add(g.norm());
        }
        if (grads.isEmpty()) return null;
        Tensor total = stack(norms, 0).norm();
        try (var m = new Scalar(maxNorm); var one = new Scalar(1.0); var eps = new Scalar(1e-6);
             var hi = new org.bytedeco.pytorch.ScalarOptional(one); var lo = new org.bytedeco.pytorch.ScalarOptional()) {
            org.bytedeco.pytorch.Tensor scale = torch.clamp(torch.reciprocal(total.h().add(eps)).mul(m), lo, hi);
            for (Tensor g : grads) g.h().mul_(scale);
            scale.close();
        }
        return total;
    }
}
