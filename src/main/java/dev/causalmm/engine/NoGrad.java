package dev.causalmm.engine;

import org.bytedeco.pytorch.NoGradGuard;

/** Disables autograd recording on this thread until closed (evaluation, optimizer updates). */
public final class NoGrad implements AutoCloseable {
    private final NoGradGuard guard;

    private NoGrad() {
        Engine.init();
        guard = new NoGradGuard();
    }

    public static NoGrad enter() {
        return new NoGrad();
    }

    @Override
    public void close() {
        guard.close();
    }
}
