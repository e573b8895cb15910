package dev.causalmm.engine;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.List;

/**
 * The few CUDA runtime calls {@link CudaGraph} needs (stream capture, graph instantiate/launch/
 * destroy), bound with the FFM API to the {@code libcudart} that LibTorch's CUDA build has already
 * loaded.
 *
 * <p>Why FFM and not the bytedeco cuda preset, which maps all of them ({@code
 * org.bytedeco.cuda.global.cudart.cudaStreamBeginCapture(CUstream_st, int)} etc.): the preset is
 * a dependency of the {@code -Pgpu} profile only, and the default build must compile offline on the
 * CPU jars. These are plain C functions of a stable ABI; FFM binds them without a compile-time
 * dependency. {@code dlopen("libcudart.so.13")} returns the copy already in the process (the
 * dynamic linker matches the soname), so capture state, streams and graphs are LibTorch's own.
 *
 * <p>Nothing here is touched on a CPU-only machine: the first use looks the library up, and a
 * machine without it gets an {@link IllegalStateException} naming the names it tried.
 */
final class CudaRuntime {
    /** {@code cudaStreamCaptureModeThreadLocal}: only this thread's unsafe calls break the capture. */
    static final int CAPTURE_MODE_THREAD_LOCAL = 1;
    /** {@code cudaStreamCaptureStatusActive}. */
    static final int CAPTURE_STATUS_ACTIVE = 1;
    /** {@code cudaGraphInstantiateFlagAutoFreeOnLaunch | cudaGraphInstantiateFlagUseNodePriority}, as PyTorch's CUDAGraph. */
    static final long INSTANTIATE_FLAGS = 1L | 8L;

    /** Sonames tried in order: CUDA 13 (what the -Pgpu LibTorch is built against), then older, then the dev link. */
    private static final List<String> NAMES = List.of("libcudart.so.13", "libcudart.so.12", "libcudart.so");

    private static volatile CudaRuntime instance;

    private final String library;
    private final MethodHandle beginCapture;
    private final MethodHandle endCapture;
    private final MethodHandle isCapturing;
    private final MethodHandle instantiate;
    private final MethodHandle launch;
    private final MethodHandle graphDestroy;
    private final MethodHandle execDestroy;
    private final MethodHandle graphNodes;
    private final MethodHandle errorString;
    private final MethodHandle lastError;

    private CudaRuntime(String library, SymbolLookup lib) {
        this.library = library;
        Linker l = Linker.nativeLinker();
        var A = ValueLayout.ADDRESS;
        var I = ValueLayout.JAVA_INT;
        beginCapture = bind(l, lib, "cudaStreamBeginCapture", FunctionDescriptor.of(I, A, I));
        endCapture = bind(l, lib, "cudaStreamEndCapture", FunctionDescriptor.of(I, A, A));
        isCapturing = bind(l, lib, "cudaStreamIsCapturing", FunctionDescriptor.of(I, A, A));
        instantiate = bind(l, lib, "cudaGraphInstantiateWithFlags", FunctionDescriptor.of(I, A, A, ValueLayout.JAVA_LONG));
        launch = bind(l, lib, "cudaGraphLaunch", FunctionDescriptor.of(I, A, A));
        graphDestroy = bind(l, lib, "cudaGraphDestroy", FunctionDescriptor.of(I, A));
        execDestroy = bind(l, lib, "cudaGraphExecDestroy", FunctionDescriptor.of(I, A));
        graphNodes = bind(l, lib, "cudaGraphGetNodes", FunctionDescriptor.of(I, A, A, A));
        errorString = bind(l, lib, "cudaGetErrorString", FunctionDescriptor.of(A, I));
        lastError = bind(l, lib, "cudaGetLastError", FunctionDescriptor.of(I));
    }

    private static MethodHandle bind(Linker l, SymbolLookup lib, String name, FunctionDescriptor fd) {
        MemorySegment sym = lib.find(name).orElseThrow(() -> new IllegalStateException("libcudart has no symbol " + name));
        return l.downcallHandle(sym, fd);
    }

    /** The process's CUDA runtime; fails with the names tried when none can be opened. */
    static CudaRuntime get() {
        CudaRuntime r = instance;
        if (r != null) return r;
        synchronized (CudaRuntime.class) {
            if (instance != null) return instance;
            StringBuilder tried = new StringBuilder();
            for (String name : NAMES) {
                try {
                    instance = new CudaRuntime(name, SymbolLookup.libraryLookup(name, Arena.global()));
                    return instance;
                } catch (IllegalArgumentException | IllegalStateException e) {
                    tried.append(name).append(": ").append(e.getMessage()).append("; ");
                }
            }
            throw new IllegalStateException("the CUDA runtime library could not be opened (" + tried + ")");
        }
    }

    String library() {
        return library;
    }

    void beginCapture(long stream, int mode) {
        check("cudaStreamBeginCapture", call(() -> (int) beginCapture.invokeExact(MemorySegment.ofAddress(stream), mode)));
    }

    /** Ends the capture; returns the graph (0 when the capture was invalidated) and the status code. */
    long[] endCapture(long stream) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ValueLayout.ADDRESS);
            int rc = call(() -> (int) endCapture.invokeExact(MemorySegment.ofAddress(stream), out));
            return new long[] {out.get(ValueLayout.ADDRESS, 0).address(), rc};
        }
    }

    /** The capture status of a stream ({@link #CAPTURE_STATUS_ACTIVE} while capturing). */
    int captureStatus(long stream) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ValueLayout.JAVA_INT);
            check("cudaStreamIsCapturing", call(() -> (int) isCapturing.invokeExact(MemorySegment.ofAddress(stream), out)));
            return out.get(ValueLayout.JAVA_INT, 0);
        }
    }

    long instantiate(long graph, long flags) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ValueLayout.ADDRESS);
            check("cudaGraphInstantiateWithFlags", call(() -> (int) instantiate.invokeExact(out, MemorySegment.ofAddress(graph), flags)));
            return out.get(ValueLayout.ADDRESS, 0).address();
        }
    }

    long nodeCount(long graph) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ValueLayout.JAVA_LONG);
            check("cudaGraphGetNodes", call(() -> (int) graphNodes.invokeExact(MemorySegment.ofAddress(graph), MemorySegment.NULL, out)));
            return out.get(ValueLayout.JAVA_LONG, 0);
        }
    }

    void launch(long exec, long stream) {
        check("cudaGraphLaunch", call(() -> (int) launch.invokeExact(MemorySegment.ofAddress(exec), MemorySegment.ofAddress(stream))));
    }

    /** Destroys a graph; returns the CUDA status instead of throwing (used on cleanup paths). */
    int destroyGraph(long graph) {
        return call(() -> (int) graphDestroy.invokeExact(MemorySegment.ofAddress(graph)));
    }

    int destroyExec(long exec) {
        return call(() -> (int) execDestroy.invokeExact(MemorySegment.ofAddress(exec)));
    }

    /** Reads and clears the runtime's last error (a failed capture leaves one for LibTorch's next check to trip on). */
    int clearLastError() {
        return call(() -> (int) lastError.invokeExact());
    }

    String errorName(int code) {
        MemorySegment s = callAddress(code);
        return s.equals(MemorySegment.NULL) ? "cuda error " + code : s.reinterpret(4096).getString(0) + " (" + code + ")";
    }

    private MemorySegment callAddress(int code) {
        try {
            return (MemorySegment) errorString.invokeExact(code);
        } catch (Throwable t) {
            throw new IllegalStateException("cudaGetErrorString failed", t);
        }
    }

    private void check(String what, int rc) {
        if (rc != 0) throw new CudaGraph.CaptureException(what + " failed: " + errorName(rc) + CudaGraph.hint(rc), null);
    }

    @FunctionalInterface
    private interface IntCall {
        int run() throws Throwable;
    }

    private static int call(IntCall c) {
        try {
            return c.run();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
