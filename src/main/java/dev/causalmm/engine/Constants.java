package dev.causalmm.engine;

import java.util.concurrent.ConcurrentHashMap;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarOptional;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.TensorOptions;

/**
 * Native argument objects that ops would otherwise allocate and free on every call (a
 * {@code c10::Scalar} for {@code x.mul(0.5)}, an empty {@code optional<ScalarType>} for
 * {@code sum(dim)}, {@code TensorOptions} for {@code zeros}): made once and shared. At a paper-sized
 * step most ops are launch-bound, so each JNI allocation saved is a measurable share of an op
 * (bench/RESULTS.md, per-op overhead). They are immutable C++ values, read concurrently without harm,
 * and live as long as the process; the scalar cache is bounded ({@value #MAX_SCALARS} values: a step
 * uses a few dozen constants), beyond which a scalar is made per call and freed after it.
 */
final class Constants {
    static final int MAX_SCALARS = 1024;
    /** {@code optional<ScalarType>} left empty: "keep the input's dtype". */
    static final ScalarTypeOptional NO_DTYPE = new ScalarTypeOptional();

    private static final ConcurrentHashMap<Long, Scalar> SCALARS = new ConcurrentHashMap<>();
    private static final ConcurrentHashMap<Long, ScalarOptional> OPTIONAL_SCALARS = new ConcurrentHashMap<>();
    private static final ConcurrentHashMap<String, TensorOptions> OPTIONS = new ConcurrentHashMap<>();
    /** Set once the scalar cache holds {@value #MAX_SCALARS} values; it never shrinks. */
    private static volatile boolean full;
    private static volatile boolean optionalsFull;
    private static final LongOptional[] DIMS = new LongOptional[8];

    static {
        for (int d = 0; d < DIMS.length; d++) DIMS[d] = new LongOptional(d);
    }

    private Constants() {}

    /** The shared scalar of {@code v}, or a fresh one when the cache is full: pass it to {@link #done}. */
    static Scalar scalar(double v) {
        long bits = Double.doubleToRawLongBits(v);
        Scalar s = SCALARS.get(bits);
        if (s != null) return s;
        if (full) return new Scalar(v);
        if (SCALARS.size() >= MAX_SCALARS) {
            full = true;
            return new Scalar(v);
        }
        return SCALARS.computeIfAbsent(bits, b -> new Scalar(v));
    }

    /** Frees {@code s} (made by {@link #scalar}{@code (v)}) unless it is the shared one. */
    static void done(Scalar s, double v) {
        if (full && SCALARS.get(Double.doubleToRawLongBits(v)) != s) s.close();
    }

    /** {@code optional<Scalar>(v)} shared as {@link #scalar}; pass it to {@link #done(ScalarOptional, double)}. */
    static ScalarOptional optional(double v) {
        long bits = Double.doubleToRawLongBits(v);
        ScalarOptional o = OPTIONAL_SCALARS.get(bits);
        if (o != null) return o;
        if (optionalsFull || OPTIONAL_SCALARS.size() >= MAX_SCALARS) {
            optionalsFull = true;
            try (var s = new Scalar(v)) {
                return new ScalarOptional(s);
            }
        }
        return OPTIONAL_SCALARS.computeIfAbsent(bits, b -> {
            try (var s = new Scalar(v)) {
                return new ScalarOptional(s);
            }
        });
    }

    static void done(ScalarOptional o, double v) {
        if (optionalsFull && OPTIONAL_SCALARS.get(Double.doubleToRawLongBits(v)) != o) o.close();
    }

    /** {@code optional<int64_t>(dim)} for small dims (never to be closed), else null. */
    static LongOptional dim(int d) {
        return d >= 0 && d < DIMS.length ? DIMS[d] : null;
    }

    /** Shared {@code TensorOptions} of a dtype on a device (never to be closed). */
    static TensorOptions options(DType dtype, Device device) {
        Device d = device == null ? Device.CPU : device;
        return OPTIONS.computeIfAbsent(dtype.name() + "@" + d, k -> Tensor.newOptions(dtype, d));
    }
}
