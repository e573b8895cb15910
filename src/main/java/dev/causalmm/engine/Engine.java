package dev.causalmm.engine;

import org.bytedeco.pytorch.global.torch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Process-wide LibTorch settings: native loading, thread count, seeding and determinism.
 * Everything here is idempotent and cheap after the first call.
 */
public final class Engine {
    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);
    private static volatile boolean initialised;

    private Engine() {}

    /** Loads the natives once and sizes LibTorch's intra-op pool to the machine's cores. */
    public static synchronized void init() {
        if (initialised) return;
        long t0 = System.nanoTime();
        // Every native object this layer creates is freed explicitly (scopes, try-with-resources), so
        // JavaCPP's phantom-reference tracking and its GC-driven deallocator thread only add cost to
        // each of the many small tensor handles of a step (measured: ~30 % of a tiny op's time).
        // Must be set before the first JavaCPP class initialises; a user's explicit setting wins.
        if (System.getProperty("org.bytedeco.javacpp.nopointergc") == null) {
            System.setProperty("org.bytedeco.javacpp.nopointergc", "true");
        }
        org.bytedeco.javacpp.Loader.load(torch.class);
        // LibTorch parallelises each op with OpenMP; OpenBLAS's own thread pool on top of that
        // oversubscribes the cores (measured: 15x slower steps on 2 cores). One BLAS thread.
        org.bytedeco.openblas.presets.openblas_nolapack.blas_set_num_threads(1);
        int cores = Runtime.getRuntime().availableProcessors();
        String env = System.getenv("CAUSALMM_THREADS");
        torch.set_num_threads(env != null ? Integer.parseInt(env) : cores);
        initialised = true;
        LOG.debug("LibTorch loaded in {} ms, {} threads, cuda={}", (System.nanoTime() - t0) / 1_000_000,
                torch.get_num_threads(), cudaAvailable());
    }

    public static int threads() {
        init();
        return torch.get_num_threads();
    }

    public static void setThreads(int n) {
        init();
        torch.set_num_threads(n);
    }

    public static boolean cudaAvailable() {
        init();
        try {
            return torch.cuda_is_available();
        } catch (Throwable t) {
            return false;
        }
    }

    public static int cudaDeviceCount() {
        return cudaAvailable() ? (int) torch.cuda_device_count() : 0;
    }

    /** Seeds LibTorch's CPU (and, when present, CUDA) generators. Java-side RNGs are seeded by their owners. */
    public static void seed(long seed) {
        init();
        torch.manual_seed(seed);
        if (cudaAvailable()) torch.cuda_manual_seed_all(seed);
    }

    /**
     * Asks LibTorch for deterministic kernels. On CPU with a fixed thread count this makes a run
     * bit-for-bit repeatable; on CUDA some kernels have no deterministic version and warn.
     */
    public static void deterministic(boolean on) {
        init();
        torch.globalContext().setDeterministicAlgorithms(on, true);
    }

    /** Blocks until queued CUDA work has finished (no-op on CPU-only machines). */
    public static void synchronize() {
        if (cudaAvailable()) torch.cuda_synchronize();
    }

    /** Version of the LibTorch build the presets wrap. */
    public static String libtorchVersion() {
        return "2.10.0";
    }

    /** Version of the JavaCPP presets. */
    public static String presetsVersion() {
        String v = org.bytedeco.pytorch.global.torch.class.getPackage().getImplementationVersion();
        return v != null ? v : "1.5.13";
    }
}
