package dev.causalmm.nn;

import dev.causalmm.data.Gaussian;
import dev.causalmm.engine.Tensor;
import dev.causalmm.engine.TensorScope;
import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * The seeded source of every initial weight. Parameters are drawn in Java from a
 * {@link SplittableRandom} and copied into tensors, never from LibTorch's process-wide generator, so
 * a model built with the same seed has the same weights in every process and whatever ran before
 * (Tribuo-style: every random choice has an explicit seed).
 *
 * <p>Every module that creates random parameters takes an {@code Init}; a top-level model takes a
 * {@code long seed} and builds one with {@link #seeded(long)}. Modules draw in construction order, so
 * the same code and seed give the same weights. An {@code Init} is not thread-safe: build a model on
 * one thread.
 */
public final class Init {
    private final SplittableRandom random;
    private final String origin;

    private Init(SplittableRandom random, String origin) {
        this.random = random;
        this.origin = origin;
    }

    /** A generator for the weights of one model. */
    public static Init seeded(long seed) {
        return new Init(new SplittableRandom(seed), "seed " + seed);
    }

    /**
     * A generator for one named group of parameters built from a run's seed (a regulariser's heads,
     * a wrapper's codes), independent of {@link #seeded(long) seeded(seed)} and of other streams.
     */
    public static Init seeded(long seed, String stream) {
        Objects.requireNonNull(stream, "stream");
        return new Init(new SplittableRandom(mix(seed * 0x9E3779B97F4A7C15L + mix(stream.hashCode()))), "seed " + seed + "/" + stream);
    }

    /** Fails with a clear message when a module is built without a generator. */
    public static Init require(Init init, String what) {
        if (init == null) {
            throw new IllegalArgumentException(what + " needs an Init for its initial weights (Init.seeded(seed)): causalmm never"
                    + " draws parameters from LibTorch's global generator, so every model is built from an explicit seed");
        }
        return init;
    }

    /** An independent child generator (splits this one's stream). */
    public Init split() {
        return new Init(random.split(), origin + "/split");
    }

    /** Uniform values in {@code [-bound, bound)} of the given shape: an unscoped float32 CPU tensor the caller owns. */
    public Tensor uniform(double bound, long... shape) {
        float[] v = new float[count(shape)];
        for (int i = 0; i < v.length; i++) v[i] = (float) ((2 * random.nextDouble() - 1) * bound);
        return tensor(v, shape);
    }

    /** Normal values with mean 0 and standard deviation {@code std}, as {@link #uniform}. */
    public Tensor normal(double std, long... shape) {
        float[] v = new float[count(shape)];
        for (int i = 0; i < v.length; i++) v[i] = (float) (Gaussian.draw(random) * std);
        return tensor(v, shape);
    }

    @Override
    public String toString() {
        return "Init(" + origin + ")";
    }

    private static Tensor tensor(float[] v, long[] shape) {
        try (var s = TensorScope.open("init")) {
            return Tensor.of(v, shape).unscoped();
        }
    }

    private static int count(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative size in shape " + Arrays.toString(shape));
            n = Math.multiplyExact(n, d);
        }
        if (n > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("parameter of " + n + " values is too large");
        return (int) n;
    }

    /** The murmur3 64-bit finaliser. */
    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }
}
