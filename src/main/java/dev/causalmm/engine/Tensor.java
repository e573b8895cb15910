package dev.causalmm.engine;

import java.lang.foreign.Arena;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.Cleaner;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * A LibTorch tensor seen from Java: its lifetime, its creation, and the general tensor math
 * (arithmetic, comparisons, reductions, shape and view ops, dtype and device moves, autograd).
 * Neural-network layers, activations and losses are {@link Functional}'s; segments, pinned memory
 * and the copies to and from Java arrays are {@link TensorMemory}'s — this class only forwards its
 * array conveniences ({@link #of(float[], long...)}, {@link #toFloatArray()}) there.
 *
 * <p>Each instance owns one native tensor handle; the handle is released when the instance is
 * closed or when the {@link TensorScope} that owns it closes. Operations return new tensors owned
 * by the current scope of the calling thread; methods ending in an underscore work in place and
 * return {@code this}. A tensor made with no scope open, or taken out of its scope
 * ({@link #unscoped()}, {@link #keep()} from the outermost scope), belongs to its caller: close it;
 * if it is dropped unclosed, a {@link Cleaner} notices once it is unreachable and the thread that
 * made it frees it the next time it makes a tensor (JavaCPP's own GC tracking is off, see
 * {@link Engine#init()}), so nothing leaks for ever. Closing is atomic: two threads racing to
 * close free the handle once.
 *
 * <p>This class and the rest of {@code dev.causalmm.engine} are the only code that touches the
 * JavaCPP presets.
 */
public final class Tensor implements AutoCloseable {
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
    /** The scope of the segments {@link TensorMemory#asSegment} hands out: closed with this tensor (guarded by {@code this}). */
    Arena segments;

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
    private static final ThreadLocal<ConcurrentLinkedQueue<org.bytedeco.pytorch.Tensor>> DROPPED =
            ThreadLocal.withInitial(ConcurrentLinkedQueue::new);

    /** Frees the handles the Cleaner queued for this thread. */
    private static void freeDropped(ConcurrentLinkedQueue<org.bytedeco.pytorch.Tensor> queue) {
        for (org.bytedeco.pytorch.Tensor t; (t = queue.poll()) != null; ) {
            t.close();
            NativeMemory.LIVE_TENSORS.decrementAndGet();
            NativeMemory.RECLAIMED_TENSORS.incrementAndGet();
        }
    }

    /** The Cleaner's action: holds the handle, never the tensor (which must be able to become unreachable). */
    private static final class Free implements Runnable {
        private final org.bytedeco.pytorch.Tensor handle;
        private final ConcurrentLinkedQueue<org.bytedeco.pytorch.Tensor> creatorQueue;
        /** Set when code closes the tensor; otherwise the run is the Cleaner reclaiming a dropped one. */
        volatile boolean closedByCode;

        Free(org.bytedeco.pytorch.Tensor handle, ConcurrentLinkedQueue<org.bytedeco.pytorch.Tensor> creatorQueue) {
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
                if (segments != null) segments.close(); // segments from TensorMemory.asSegment end with the tensor
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

    /** The live handle, for this class and its engine neighbours ({@link Functional}, {@link TensorMemory}). */
    org.bytedeco.pytorch.Tensor h() {
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
        return TensorMemory.copyOf(data, shape);
    }

    public static Tensor of(double[] data, long... shape) {
        return TensorMemory.copyOf(data, shape);
    }

    public static Tensor of(long[] data, long... shape) {
        return TensorMemory.copyOf(data, shape);
    }

    public static Tensor of(int[] data, long... shape) {
        return TensorMemory.copyOf(data, shape);
    }

    public static Tensor scalar(double v) {
        return full(v, DType.FLOAT32, Device.CPU);
    }

    // ------------------------------------------------------------------ to Java

    public float[] toFloatArray() {
        return TensorMemory.toFloatArray(this);
    }

    public double[] toDoubleArray() {
        return TensorMemory.toDoubleArray(this);
    }

    public long[] toLongArray() {
        return TensorMemory.toLongArray(this);
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

    public Tensor contiguous() {
        return wrap(h().contiguous());
    }

    /** This tensor in the channels-last-3d memory layout (a copy unless it already is). */
    public Tensor channelsLast3d() {
        return wrap(h().contiguous(torch.MemoryFormat.ChannelsLast3d));
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
    /** In place {@code this *= o} (broadcasting), e.g. a gradient scaled by a device-side coefficient. */
    public Tensor mul_(Tensor o) { h().mul_(o.h()); return this; }
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

    /** Mean over several dimensions (one kernel). */
    public Tensor mean(long[] dims, boolean keepDim) {
        return wrap(h().mean(dims, keepDim, Constants.NO_DTYPE));
    }

    /** Sum over several dimensions (one kernel). */
    public Tensor sum(long[] dims, boolean keepDim) {
        return wrap(h().sum(dims, keepDim, Constants.NO_DTYPE));
    }

    public Tensor max() { return wrap(torch.max(h())); }
    public Tensor min() { return wrap(torch.min(h())); }
    public Tensor argmax(int dim) {
        LongOptional shared = Constants.dim(dim);
        if (shared != null) return wrap(torch.argmax(h(), shared, false));
        try (var d = new LongOptional(dim)) { return wrap(torch.argmax(h(), d, false)); }
    }
    public Tensor logsumexp(int dim, boolean keepDim) { return wrap(torch.logsumexp(h(), new long[] {dim}, keepDim)); }

    /** The L2 norm of each row of a {@code B×D} tensor, {@code B×1}, in one kernel. */
    public Tensor rowNorms() {
        var two = Constants.optional(2.0);
        try { return wrap(torch.norm(h(), two, new long[] {1}, true)); } finally { Constants.done(two, 2.0); }
    }

    /** Sample standard deviation (divisor N−1) over every element, PyTorch's {@code t.std()}. */
    public Tensor std() { return wrap(torch.std(h())); }

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

    /** Reverses the order of elements along each of {@code dims}. */
    public Tensor flip(long... dims) {
        return wrap(torch.flip(h(), dims));
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
}
