package dev.causalmm.engine;

/**
 * LibTorch keeps some state per OS thread (grad mode, autocast, the current CUDA stream). A guard
 * that sets such state must be entered and closed on one platform thread: a virtual thread can
 * park inside the guard and resume on another carrier, leaving the state set on a carrier that
 * other virtual threads then run on. This class refuses that with a clear error.
 */
final class NativeThreadState {
    private NativeThreadState() {}

    /** Fails on a virtual thread, naming the guard. */
    static Thread requirePlatformThread(String guard) {
        Thread t = Thread.currentThread();
        if (t.isVirtual()) {
            throw new IllegalStateException(guard + " sets LibTorch state of the OS thread it runs on; on a virtual thread ("
                    + t + ") that state would leak to other virtual threads sharing the carrier. Run tensor code that uses "
                    + guard + " on a platform thread.");
        }
        return t;
    }

    /** Fails when a guard entered on {@code opener} is closed on another thread. */
    static void requireSameThread(String guard, Thread opener) {
        if (Thread.currentThread() != opener) {
            throw new IllegalStateException(guard + " entered on thread " + opener.getName() + " must be closed on it, not on "
                    + Thread.currentThread().getName());
        }
    }
}
