package dev.causalmm.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
 * LibTorch's C++ optimizers behind a small Java face. The whole update of all parameters is one
 * native call per step, which matters when a step is launch-bound.
 */
public final class Optimizer implements AutoCloseable {

    public enum Kind { ADAM, ADAMW, SGD }

    /**
     * Hyper-parameters. {@code beta1}/{@code beta2}/{@code eps} apply to Adam and AdamW,
     * {@code momentum} to SGD; {@code weightDecay} is L2 for Adam and SGD and decoupled for AdamW.
     */
    public record Settings(Kind kind, double lr, double weightDecay, double beta1, double beta2, double eps, double momentum) {
        public Settings {
            if (kind == null) throw new IllegalArgumentException("optimizer kind is missing");
            if (!(lr > 0 && lr < Double.POSITIVE_INFINITY)) throw new IllegalArgumentException("learning rate must be a finite number > 0, got " + lr);
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
    private final org.bytedeco.pytorch.Optimizer impl;
    private final TensorVector paramVector;
    private double lr;

    public Optimizer(Settings s, List<Tensor> params) {
        Engine.init();
        if (params.isEmpty()) throw new IllegalArgumentException("optimizer needs at least one parameter");
        this.settings = s;
        this.params = List.copyOf(params);
        this.paramVector = Tensor.vector(this.params);
        this.lr = s.lr();
        this.impl = switch (s.kind()) {
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
        impl.step().close();
    }

    /** Drops all gradients (set-to-none: the next backward writes fresh ones, no zero-fill kernel). */
    public void zeroGrad() {
        impl.zero_grad(true);
    }

    public double learningRate() {
        return lr;
    }

    /** The learning rate of each of LibTorch's parameter groups: what a step actually uses. */
    double[] nativeLearningRates() {
        var groups = impl.param_groups();
        double[] out = new double[(int) groups.size()];
        for (int i = 0; i < out.length; i++) out[i] = groups.get(i).options().get_lr();
        return out;
    }

    public void setLearningRate(double newLr) {
        var groups = impl.param_groups();
        for (long i = 0; i < groups.size(); i++) groups.get(i).options().set_lr(newLr);
        lr = newLr;
    }

    /** Serialises the optimizer's state (moments, step counts) with LibTorch's archive format. */
    public byte[] saveState() {
        Path tmp = null;
        try (OutputArchive a = new OutputArchive()) {
            impl.save(a);
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
     * and the reverse (the archive alone would put them back where they were saved).
     */
    public void loadState(byte[] state) {
        try (BytePointer bytes = new BytePointer(state); InputArchive a = new InputArchive();
             var device = params.get(0).device().toNative(); var on = new org.bytedeco.pytorch.DeviceOptional(device)) {
            a.load_from(bytes, state.length, on);
            impl.load(a);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("optimizer state does not match this optimizer (" + settings.kind()
                    + ", " + params.size() + " parameters): " + e.getMessage(), e);
        }
        setLearningRate(lr);
    }

    @Override
    public void close() {
        impl.close();
        paramVector.close();
    }
}
