package dev.causalmm.engine;

import org.bytedeco.pytorch.NoGradGuard;

/**
 * Disables autograd recording on this thread until closed (evaluation, optimizer updates).
 * Grad mode is LibTorch state of the OS thread, so this must run on a platform thread and be
 * closed on the thread that entered it.
 */
public final class NoGrad implements AutoCloseable {
    private final NoGradGuard guard;
    private final Thread thread;

    private NoGrad() {
        thread = NativeThreadState.requirePlatformThread("NoGrad");
        Engine.init();
        guard = new NoGradGuard();
    }

    public static NoGrad enter() {
        return new NoGrad();
    }

    @Override
    public void close() {
        NativeThreadState.requireSameThread("NoGrad", thread);
        guard.close();
    }
}
