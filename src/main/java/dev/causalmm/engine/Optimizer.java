package dev.causalmm.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.pytorch.Adam;
import org.bytedeco.pytorch.AdamOptions;
import org.bytedeco.pytorch.AdamW;
import org.bytedeco.pytorch.AdamWOptions;
import org.bytedeco.pytorch.InputArchive;
import org.bytedeco.pytorch.OutputArchive;
import org.bytedeco.pytorch.SGD;
import org.bytedeco.pytorch.SGDOptions;
import org.bytedeco.pytorch.TensorVector;

/**
 * The optimizers behind a small Java face. Adam and AdamW run as {@link FlatAdam} (all parameters
 * in one buffer, about ten kernels per step however many parameter tensors there are) when the
 * parameters share a device and dtype; SGD, and Adam otherwise, are LibTorch's C++ optimizers (one
 * native call per step, but about ten kernels per parameter tensor). Both do LibTorch's arithmetic.
 */
public final class Optimizer implements AutoCloseable {

    public enum Kind {
        ADAM, ADAMW, SGD;

        /** {@code adam}, {@code adamw} or {@code sgd} (the command line's {@code --optimizer}). */
        public static Kind parse(String name) {
            for (Kind k : values()) {
                if (k.name().toLowerCase(Locale.ROOT).equals(name)) return k;
            }
            throw new IllegalArgumentException("unknown optimizer '" + name + "' (adam, adamw, sgd)");
        }
    }

    /**
     * Hyper-parameters. {@code beta1}/{@code beta2}/{@code eps} apply to Adam and AdamW,
     * {@code momentum} to SGD; {@code weightDecay} is L2 for Adam and SGD and decoupled for AdamW.
     */
    public record Settings(Kind kind, double lr, double weightDecay, double beta1, double beta2, double eps, double momentum) {
        /**
         * Beyond this rate the optimizer's float32 arithmetic overflows before a loss is seen; up to it, a
         * rate that is too large diverges and is reported as divergence (exit 3, "try a lower --lr").
         */
        public static final double MAX_LR = 1e10;

        public Settings {
            if (kind == null) throw new IllegalArgumentException("optimizer kind is missing");
            if (!(lr > 0 && lr <= MAX_LR)) throw new IllegalArgumentException("learning rate (--lr) must be in (0, " + MAX_LR + "], got " + lr);
            if (!(weightDecay >= 0 && weightDecay < Double.POSITIVE_INFINITY)) {
                throw new IllegalArgumentException("weight decay must be a finite number >= 0, got " + weightDecay);
            }
            if (!(eps > 0 && eps < Double.POSITIVE_INFINITY) || !(momentum >= 0 && momentum < 1)) {
                throw new IllegalArgumentException("optimizer eps must be a finite number > 0 and momentum in [0, 1), got " + eps + ", " + momentum);
            }
            if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1)) {
                throw new IllegalArgumentException("betas must be in [0, 1), got " + beta1 + ", " + beta2);
            }
        }
    }

    private final Settings settings;
    private final List<Tensor> params;
    private final FlatAdam flat;                       // null for SGD or parameters that cannot share a buffer
    private org.bytedeco.pytorch.Optimizer impl;       // LibTorch's, when flat is null or a LibTorch archive was loaded
    private TensorVector paramVector;
    private double lr;

    public Optimizer(Settings s, List<Tensor> params) {
        this(s, params, true);
    }

    private Optimizer(Settings s, List<Tensor> params, boolean flatAllowed) {
        Engine.init();
        if (params.isEmpty()) throw new IllegalArgumentException("optimizer needs at least one parameter");
        this.settings = s;
        this.params = List.copyOf(params);
        this.lr = s.lr();
        boolean useFlat = flatAllowed && s.kind() != Kind.SGD && FlatAdam.supports(this.params);
        this.flat = useFlat ? new FlatAdam(s, this.params) : null;
        this.impl = useFlat ? null : nativeOptimizer(s, this.params);
    }

    /**
     * LibTorch's own C++ optimizer of this kind, even for Adam/AdamW: the reference FlatAdam is
     * checked against, and the "before" of the benchmarks' optimizer comparison.
     */
    public static Optimizer libTorch(Settings s, List<Tensor> params) {
        return new Optimizer(s, params, false);
    }

    private org.bytedeco.pytorch.Optimizer nativeOptimizer(Settings s, List<Tensor> params) {
        if (paramVector == null) paramVector = Tensor.vector(params);
        return switch (s.kind()) {
            case ADAM -> {
                AdamOptions o = new AdamOptions(s.lr());
                setBetas(o.betas(), s.beta1(), s.beta2());
                o.eps().put(s.eps());
                o.weight_decay().put(s.weightDecay());
                yield new Adam(paramVector, o);
            }
            case ADAMW -> {
                AdamWOptions o = new AdamWOptions(s.lr());
                setBetas(o.betas(), s.beta1(), s.beta2());
                o.eps().put(s.eps());
                o.weight_decay().put(s.weightDecay());
                yield new AdamW(paramVector, o);
            }
            case SGD -> {
                SGDOptions o = new SGDOptions(s.lr());
                o.momentum().put(s.momentum());
                o.weight_decay().put(s.weightDecay());
                yield new SGD(paramVector, o);
            }
        };
    }

    /**
     * {@code std::tuple<double,double>} as the presets expose it: libstdc++ lays a tuple out last
     * element first, so beta2 sits at index 0 (checked by OptimizerTest against a hand-written Adam).
     */
    private static void setBetas(org.bytedeco.javacpp.DoublePointer tuple, double beta1, double beta2) {
        tuple.put(0, beta2).put(1, beta1);
    }

    public Settings settings() {
        return settings;
    }

    public List<Tensor> parameters() {
        return params;
    }

    /** Applies one update from the parameters' current gradients. */
    public void step() {
        if (impl != null) impl.step().close();
        else flat.step();
    }

    /** Drops all gradients (set-to-none: the next backward writes fresh ones, no zero-fill kernel). */
    public void zeroGrad() {
        if (impl != null) impl.zero_grad(true);
        else flat.zeroGrad();
    }

    /** Whether the steps run as {@link FlatAdam} (for the tests). */
    boolean isFlat() {
        return impl == null;
    }

    public double learningRate() {
        return lr;
    }

    /** The learning rate of each of LibTorch's parameter groups: what a step actually uses. */
    double[] nativeLearningRates() {
        if (impl == null) return new double[] {flat.learningRate()};
        var groups = impl.param_groups();
        double[] out = new double[(int) groups.size()];
        for (int i = 0; i < out.length; i++) out[i] = groups.get(i).options().get_lr();
        return out;
    }

    public void setLearningRate(double newLr) {
        if (flat != null) flat.setLearningRate(newLr);
        if (impl != null) {
            var groups = impl.param_groups();
            for (long i = 0; i < groups.size(); i++) groups.get(i).options().set_lr(newLr);
        }
        lr = newLr;
    }

    /** Serialises the optimizer's state (moments, step counts) with LibTorch's archive format. */
    public byte[] saveState() {
        Path tmp = null;
        try (OutputArchive a = new OutputArchive()) {
            if (impl != null) impl.save(a);
            else flat.save(a);
            tmp = Files.createTempFile("causalmm-opt", ".pt");
            a.save_to(tmp.toString());
            return Files.readAllBytes(tmp);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // temp file: nothing to lose
                }
            }
        }
    }

    /**
     * Restores state written by {@link #saveState()} for the same parameter list: moments and step
     * counts. The learning rate stays the current one (LibTorch's archive carries the rate of the
     * moment it was saved; the schedule, not the archive, decides the rate). The moments are loaded
     * onto the parameters' device, whatever device wrote them, so a CPU checkpoint resumes on CUDA
     * and the reverse (the archive alone would put them back where they were saved). A flat Adam
     * given an archive of LibTorch's own Adam (a checkpoint written before FlatAdam) hands the rest
     * of the run to LibTorch's Adam with that state, so such a checkpoint resumes exactly.
     */
    public void loadState(byte[] state) {
        try (BytePointer bytes = new BytePointer(state); InputArchive a = new InputArchive();
             var device = params.get(0).device().toNative(); var on = new org.bytedeco.pytorch.DeviceOptional(device)) {
            a.load_from(bytes, state.length, on);
            if (impl == null && FlatAdam.wrote(a)) {
                flat.load(a);
            } else {
                if (impl == null) impl = nativeOptimizer(settings, params);
                impl.load(a);
            }
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("optimizer state does not match this optimizer (" + settings.kind()
                    + ", " + params.size() + " parameters): " + e.getMessage(), e);
        }
        setLearningRate(lr);
    }

    @Override
    public void close() {
        if (flat != null) flat.close();
        if (impl != null) impl.close();
        if (paramVector != null) paramVector.close();
    }
}
