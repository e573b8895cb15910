package dev.causalmm.engine;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.pytorch.cuda.CUDAGuard;
import org.bytedeco.pytorch.cuda.CUDAStream;
import org.bytedeco.pytorch.cuda.CUDAStreamGuard;
import org.bytedeco.pytorch.cuda.DeviceAssertionsDataVectorCUDAKernelLaunchInfoVectorPair;
import org.bytedeco.pytorch.cuda.StreamFilter;
import org.bytedeco.pytorch.global.torch_cuda;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A training (or inference) step captured once as a CUDA graph and replayed with one launch: what
 * PyTorch's {@code torch.cuda.CUDAGraph} does, rebuilt from the pieces the presets map, because
 * {@code at::cuda::CUDAGraph} itself is not mapped (see docs/cuda-graphs.md).
 *
 * <p>The step reads <em>static inputs</em> (tensors made before the capture, whose memory the
 * graph reads at every replay: copy each new batch into them with {@link #copyInputs}) and returns
 * <em>static outputs</em> (tensors the graph owns and rewrites at every replay). Everything the step
 * allocates lives in a private memory pool of LibTorch's caching allocator, kept until
 * {@link #close()}.
 *
 * <p>Capture, as {@code CUDAGraph::capture_begin/capture_end}: warm-up runs of the step on a side
 * stream (lazily made state — optimizer moments, {@code .grad} tensors, cuBLAS workspaces — must
 * exist before capture), then {@code CUDACachingAllocator::beginAllocateToPool} with a filter that
 * routes the capture stream's allocations (including those of autograd's worker threads, which
 * run backward on the forward's stream) to the pool, {@code cudaStreamBeginCapture} in thread-local
 * mode, the step, {@code cudaStreamEndCapture}, {@code endAllocateToPool},
 * {@code cudaGraphInstantiateWithFlags}. Replay is {@code cudaGraphLaunch} on the caller's current
 * stream.
 *
 * <p>What a graph cannot hold, refused with a {@link CaptureException} naming the cause:
 * <ul>
 *   <li>a CPU device (nothing to capture: {@link #unsupportedReason});</li>
 *   <li>host syncs in the step ({@code item()}, reads to Java arrays, uploads of pageable memory);</li>
 *   <li>random ops (dropout, {@code randn}, {@code randperm}): LibTorch refuses them during capture
 *       unless the generator's state was registered with the graph
 *       ({@code CUDAGeneratorImpl::register_graph(CUDAGraph*)}), which needs the unmapped
 *       {@code CUDAGraph} class;</li>
 *   <li>a batch of another shape or dtype than the static inputs ({@link #copyInputs}): a graph
 *       replays fixed shapes, so capture one graph per shape or run eagerly.</li>
 * </ul>
 * Not detectable, so the caller's duty: the step must not branch on values of the batch on the
 * host, and its optimizer must keep its step count and learning rate on the device (LibTorch's
 * C++ Adam computes its bias correction on the host: replays would reuse the capture step's;
 * {@link GraphSafeAdam} keeps them on the device).
 *
 * <p>Captures are serialised process-wide (the allocator filter is one JavaCPP callback, whose
 * native slots are few). Must run on a platform thread: the capture stream is LibTorch's current
 * stream of the OS thread.
 */
public final class CudaGraph implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CudaGraph.class);
    private static final ReentrantLock CAPTURE_LOCK = new ReentrantLock();
    /** Pool ids: graph-made pools have {@code first != 0, second == 0}; a high range keeps clear of LibTorch's own counter. */
    private static final AtomicLong NEXT_POOL = new AtomicLong(1L << 62);

    /** A step that cannot be captured or replayed, with the reason. */
    public static final class CaptureException extends RuntimeException {
        CaptureException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final Device device;
    private final List<Tensor> inputs;
    private final List<Tensor> outputs;
    private final long exec;
    private final long nodes;
    private final LongPointer poolId;
    private final DeviceAssertionsDataVectorCUDAKernelLaunchInfoVectorPair pool;
    private final AtomicBoolean closed = new AtomicBoolean();   // close frees once, even when racing

    private CudaGraph(Device device, List<Tensor> inputs, List<Tensor> outputs, long exec, long nodes, LongPointer poolId,
                      DeviceAssertionsDataVectorCUDAKernelLaunchInfoVectorPair pool) {
        this.device = device;
        this.inputs = inputs;
        this.outputs = outputs;
        this.exec = exec;
        this.nodes = nodes;
        this.poolId = poolId;
        this.pool = pool;
    }

    /**
     * Why {@code device} cannot run captured graphs, or {@code null} when it can. A CPU step has no
     * kernel launches to save; a CPU-only build or machine has no CUDA.
     */
    public static String unsupportedReason(Device device) {
        if (!device.isCuda()) {
            return "CUDA graphs need a CUDA device; " + device + " runs the step eagerly (a CPU step has no kernel launches to batch)";
        }
        Engine.CudaStatus s = Engine.cudaStatus();
        if (!s.available()) return "CUDA graphs need CUDA, which is not available: " + s.reason();
        return null;
    }

    /**
     * Warms the step up {@code warmupSteps} times, then captures one run of it. The warm-up runs
     * are real steps (a training step updates the weights each time); the capture itself only
     * records, so after {@code capture} the step has run {@code warmupSteps} times and each
     * {@link #replay()} runs it once more.
     *
     * @param staticInputs tensors on {@code device} the step reads; they stay the caller's (the graph
     *                     reads their memory at each replay, so they must outlive it)
     * @param step         one step; returns the tensors to keep as static outputs (the graph owns
     *                     and closes them); everything else it makes is freed after the capture
     */
    public static CudaGraph capture(Device device, List<Tensor> staticInputs, int warmupSteps, Supplier<List<Tensor>> step) {
        if (warmupSteps < 1) {
            throw new IllegalArgumentException("a capture needs at least 1 warm-up step (lazily made state — optimizer moments, .grad "
                    + "tensors, cuBLAS workspaces — must exist before the capture), got " + warmupSteps);
        }
        String why = unsupportedReason(device);
        if (why != null) throw new CaptureException(why, null);
        for (int i = 0; i < staticInputs.size(); i++) {
            Tensor t = staticInputs.get(i);
            if (!t.device().equals(device)) {
                throw new IllegalArgumentException("static input " + i + " " + t.describe() + " is not on the graph's device " + device);
            }
        }
        NativeThreadState.requirePlatformThread("CudaGraph.capture");
        CudaRuntime rt = CudaRuntime.get();
        byte dev = (byte) device.index();
        CAPTURE_LOCK.lock();
        try (CUDAGuard onDevice = new CUDAGuard(dev)) {
            Engine.synchronize(); // the side stream must see the inputs and parameters the current stream wrote
            try (CUDAStream side = torch_cuda.getStreamFromPool(false, dev)) {
                long sideHandle = streamHandle(side);
                if (sideHandle == 0) throw new CaptureException("LibTorch's stream pool returned the legacy default stream, which cannot be captured", null);
                try (org.bytedeco.pytorch.Stream sideStream = side.unwrap(); CUDAStreamGuard onSide = new CUDAStreamGuard(sideStream)) {
                    for (int i = 0; i < warmupSteps; i++) {
                        try (var s = TensorScope.open("cuda-graph-warmup")) {
                            step.get();
                        }
                    }
                    side.synchronize();
                    return captureOnce(rt, device, dev, side, sideHandle, List.copyOf(staticInputs), step);
                }
            }
        } finally {
            CAPTURE_LOCK.unlock();
        }
    }

    private static CudaGraph captureOnce(CudaRuntime rt, Device device, byte dev, CUDAStream side, long sideHandle,
                                         List<Tensor> inputs, Supplier<List<Tensor>> step) {
        LongPointer poolId = new LongPointer(2);
        poolId.put(0, NEXT_POOL.getAndIncrement()).put(1, 0L);
        // MempoolId_t (std::pair<uint64_t, uint64_t>) is mapped under the wrong Java type; the
        // parameters carry @Cast("c10::MempoolId_t*"), so a view of our 16 bytes is what C++ reads.
        var pool = new DeviceAssertionsDataVectorCUDAKernelLaunchInfoVectorPair(poolId);
        CaptureFilter filter = CaptureFilter.instance();
        List<Tensor> outs = new ArrayList<>();
        Throwable failure = null;
        long graph = 0;
        filter.stream = sideHandle;
        try {
            torch_cuda.beginAllocateToPool(dev, pool, filter);
        } catch (RuntimeException e) {
            filter.stream = 0;
            poolId.close();
            throw explain(e);
        }
        try {
            rt.beginCapture(sideHandle, CudaRuntime.CAPTURE_MODE_THREAD_LOCAL);
            try (var s = TensorScope.open("cuda-graph-capture")) {
                if (torch_cuda.currentStreamCaptureStatusMayInitCtx() != CudaRuntime.CAPTURE_STATUS_ACTIVE) {
                    throw new CaptureException("LibTorch does not see the capture on its current stream: the CUDA runtime bound ("
                            + rt.library() + ") is not the one LibTorch uses", null);
                }
                List<Tensor> result = step.get();
                for (int i = 0; i < result.size(); i++) {
                    Tensor t = result.get(i);
                    if (t.owner != s) {
                        throw new IllegalArgumentException("static output " + i + " " + t.describe() + " was not made by the step during the "
                                + "capture (an input or a tensor of another scope): the graph would take over and close a tensor it does not own");
                    }
                    outs.add(t.unscoped());
                }
            } catch (Throwable t) {
                failure = t;
            }
            long[] end = rt.endCapture(sideHandle);
            graph = end[0];
            int rc = (int) end[1];
            if (failure == null && rc != 0) {
                failure = new CaptureException("cudaStreamEndCapture failed: " + rt.errorName(rc) + hint(rc), null);
            }
        } catch (Throwable t) {
            if (failure == null) failure = t;
        } finally {
            torch_cuda.endAllocateToPool(dev, pool);
            filter.stream = 0;
        }
        long exec = 0;
        long nodes = 0;
        if (failure == null) {
            try {
                nodes = rt.nodeCount(graph);
                exec = rt.instantiate(graph, CudaRuntime.INSTANTIATE_FLAGS);
            } catch (Throwable t) {
                failure = t;
            }
        }
        if (graph != 0) rt.destroyGraph(graph); // the executable graph is independent of it
        if (failure != null) {
            outs.forEach(Tensor::close);
            side.synchronize();
            torch_cuda.getAllocator().releasePool(dev, pool);
            poolId.close();
            int stale = rt.clearLastError();
            if (stale != 0) LOG.debug("cleared CUDA error {} left by the failed capture", rt.errorName(stale));
            throw explain(failure);
        }
        side.synchronize();
        if (nodes == 0) LOG.warn("the captured CUDA graph is empty: the step launched no work on the capture stream");
        LOG.debug("captured a CUDA graph of {} nodes, {} static inputs, {} outputs", nodes, inputs.size(), outs.size());
        return new CudaGraph(device, inputs, List.copyOf(outs), exec, nodes, poolId, pool);
    }

    /** Turns what LibTorch or CUDA said into a reason a user can act on. */
    static CaptureException explain(Throwable t) {
        if (t instanceof CaptureException c) return c;
        String m = String.valueOf(t.getMessage());
        if (t instanceof IllegalArgumentException) return new CaptureException("CUDA graph capture failed: " + m, t); // ours, already explained
        String reason;
        if (m.contains("generator not in capture mode") || m.contains("Cannot call CUDAGeneratorImpl")) {
            reason = "the step draws random numbers (dropout, randn, randperm, ...): inside a CUDA graph that needs the generator's "
                    + "graph-safe state registered with the graph (CUDAGeneratorImpl::register_graph(CUDAGraph*)), which the presets "
                    + "do not map; run steps with random ops eagerly";
        } else if (m.contains("capturing") || m.contains("graph capture") || m.contains("during capture")) {
            reason = "the step made a call that cannot be captured (a host sync: item(), a read into a Java array, a blocking copy, "
                    + "or an upload of pageable memory); keep per-step values on the device";
        } else {
            reason = "the step failed during capture";
        }
        return new CaptureException("CUDA graph capture failed: " + reason + " (" + t.getClass().getSimpleName() + ": " + firstLine(m) + ")", t);
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** What a CUDA stream-capture error code means for a step. */
    static String hint(int rc) {
        return switch (rc) {
            case 900 -> ": the step made a call that is not allowed while capturing (a host sync such as item(), or a blocking copy)";
            case 901 -> ": an earlier call in the step invalidated the capture (a host sync or an unsupported copy)";
            case 904 -> ": the step forked work to another stream and did not join it back before the capture ended";
            case 906 -> ": the step used the legacy default stream while capturing";
            case 908 -> ": the capture was ended on another thread than the one that began it";
            default -> "";
        };
    }

    /**
     * Copies a batch into the static inputs (on the current stream, asynchronously). Refuses a batch
     * of another count, shape or dtype: a graph replays the shapes it was captured with.
     */
    public void copyInputs(List<Tensor> batch) {
        requireOpen();
        checkSameLayout(inputs, batch);
        for (int i = 0; i < batch.size(); i++) inputs.get(i).handle().copy_(batch.get(i).handle(), true);
    }

    /** Fails unless {@code batch} matches {@code statics} tensor for tensor in shape and dtype. */
    static void checkSameLayout(List<Tensor> statics, List<Tensor> batch) {
        if (statics.size() != batch.size()) {
            throw new IllegalArgumentException("the graph was captured with " + statics.size() + " static inputs, got " + batch.size());
        }
        for (int i = 0; i < batch.size(); i++) {
            Tensor s = statics.get(i);
            Tensor b = batch.get(i);
            if (!Arrays.equals(s.shape(), b.shape()) || s.dtype() != b.dtype()) {
                throw new IllegalArgumentException("static input " + i + " is " + s.dtype() + " " + Arrays.toString(s.shape()) + ", got "
                        + b.dtype() + " " + Arrays.toString(b.shape()) + ": a CUDA graph replays the shapes it was captured with "
                        + "(capture one graph per shape, pad the last batch, or run the odd batch eagerly)");
            }
        }
    }

    /** Runs the captured step once more, on the caller's current CUDA stream (asynchronously). */
    public void replay() {
        requireOpen();
        CudaRuntime rt = CudaRuntime.get();
        byte dev = (byte) device.index();
        try (CUDAGuard onDevice = new CUDAGuard(dev); CUDAStream current = torch_cuda.getCurrentCUDAStream(dev)) {
            rt.launch(exec, streamHandle(current));
        }
    }

    /** The static inputs (the caller's tensors). */
    public List<Tensor> inputs() {
        return inputs;
    }

    /** The static outputs: rewritten by every replay, valid until {@link #close()}. */
    public List<Tensor> outputs() {
        requireOpen();
        return outputs;
    }

    /** Kernel and memory nodes in the captured graph (what one replay launches). */
    public long nodes() {
        return nodes;
    }

    public Device device() {
        return device;
    }

    private void requireOpen() {
        if (closed.get()) throw new IllegalStateException("CUDA graph used after close()");
    }

    /**
     * Destroys the executable graph, closes the static outputs and releases the private memory
     * pool (the allocator frees its blocks once no tensor of the pool is alive).
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        Engine.synchronize(); // no replay may still read what is released below
        outputs.forEach(Tensor::close);
        CudaRuntime rt = CudaRuntime.get();
        int rc = rt.destroyExec(exec);
        if (rc != 0) LOG.warn("cudaGraphExecDestroy: {}", rt.errorName(rc));
        torch_cuda.getAllocator().releasePool((byte) device.index(), pool);
        poolId.close();
    }

    // ------------------------------------------------------------------ presets glue

    private static volatile Method streamMethod;

    /**
     * The {@code cudaStream_t} of a LibTorch stream (0 for the legacy default stream, which is
     * where LibTorch's default stream runs). {@code CUDAStream.stream()} returns the cuda
     * preset's {@code CUstream_st}, a class of the -Pgpu profile only, so the call is reflective and
     * the default build compiles without the cuda preset.
     */
    static long streamHandle(CUDAStream s) {
        try {
            Method m = streamMethod;
            if (m == null) streamMethod = m = CUDAStream.class.getMethod("stream");
            Pointer p = (Pointer) m.invoke(s);
            return p == null ? 0L : p.address(); // JavaCPP returns null for NULL: the legacy default stream, a valid replay stream
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new CaptureException("the cuda preset (org.bytedeco:cuda, part of the -Pgpu build) is needed for CUDA graphs: " + e, e);
        }
    }

    /**
     * Routes allocations made on the capture stream to the graph's pool. One instance for the
     * process: JavaCPP callbacks take native slots, and captures are serialised anyway. Called by
     * the allocator (under its lock) on whatever thread allocates, autograd's workers included.
     */
    private static final class CaptureFilter extends StreamFilter {
        private static CaptureFilter instance;
        volatile long stream;

        static synchronized CaptureFilter instance() {
            if (instance == null) instance = new CaptureFilter();
            return instance;
        }

        @Override
        public boolean call(Pointer cudaStream) {
            long s = stream;
            return s != 0 && cudaStream != null && cudaStream.address() == s;
        }
    }
}
