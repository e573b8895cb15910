package dev.causalmm.nn;

import dev.causalmm.engine.Functional;
import dev.causalmm.engine.Tensor;

/**
 * {@code y = x Wᵀ + b}. Initialised like PyTorch's {@code nn.Linear}: weight and bias uniform in
 * ±1/√in (what kaiming-uniform with a = √5 amounts to).
 */
public final class Linear extends Module {
    private final int in;
    private final int out;
    private final boolean withBias;

    public Linear(int in, int out, Init init) {
        this(in, out, true, init);
    }

    public Linear(int in, int out, boolean withBias, Init init) {
        Init.require(init, "Linear(" + in + ", " + out + ")");
        if (in <= 0 || out <= 0) throw new IllegalArgumentException("Linear(" + in + ", " + out + "): sizes must be > 0");
        this.in = in;
        this.out = out;
        double bound = 1.0 / Math.sqrt(in);
        this.withBias = withBias;
        registerParameter("weight", init.uniform(bound, out, in));
        if (withBias) registerParameter("bias", init.uniform(bound, out));
    }

    public Tensor forward(Tensor x) {
        return Functional.linear(x, weight(), bias());
    }

    /** The current weight {@code out×in} (looked up by name, so it follows {@link #to}). */
    public Tensor weight() {
        return param("weight");
    }

    public Tensor bias() {
        return withBias ? param("bias") : null;
    }

    public int inFeatures() {
        return in;
    }

    public int outFeatures() {
        return out;
    }
}
