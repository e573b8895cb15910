package dev.causalmm.engine;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.bytedeco.pytorch.InputArchive;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.OutputArchive;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * Adam / AdamW over one contiguous buffer: every parameter becomes a view into one flat tensor (its
 * storage is moved there once, in place, so the model's own tensors keep working), and the moments
 * are two more flat tensors. A step gathers the gradients into one buffer (one cat) and updates all
 * parameters with about ten kernels, where LibTorch's C++ Adam runs about ten per parameter tensor:
 * a paper-sized step has 16–40 parameter tensors of a few thousand values, so it is launch-bound.
 *
 * <p>The arithmetic is LibTorch's ({@code torch/csrc/api/src/optim/adam.cpp}, checked against it in
 * FlatAdamTest): {@code g += wd·p} for Adam or {@code p *= 1 − lr·wd} for AdamW, {@code m = β1·m +
 * (1−β1)·g}, {@code v = β2·v + (1−β2)·g²}, {@code p −= lr/(1−β1^t) · m / (√v/√(1−β2^t) + eps)}, with
 * a step count per parameter. A parameter without a gradient is left alone, as LibTorch does; a
 * step where that happens (or where the counts differ) updates parameter by parameter on views of the
 * same buffers. Elementwise ops give each element the same value whether run on a view or the whole
 * buffer, up to the vector/scalar split of a kernel (last-bit differences).
 */
final class FlatAdam implements AutoCloseable {
    private static final String PREFIX = "causalmm.flat_adam.";

    private final Optimizer.Settings settings;
    private final List<Tensor> params;
    private final long[] numels;
    private final long[] steps;
    private final org.bytedeco.pytorch.Tensor flat;
    private final org.bytedeco.pytorch.Tensor expAvg;
    private final org.bytedeco.pytorch.Tensor expAvgSq;
    private final org.bytedeco.pytorch.Tensor[] views;     // per parameter: [param, m, v] on the flat buffers
    private final long[] addresses;                        // where each parameter's data must stay: its view of flat
    private final Scalar beta1;
    private final Scalar beta2;
    private final Scalar oneMinusBeta1;
    private final Scalar oneMinusBeta2;
    private final Scalar eps;
    private final Scalar weightDecay;
    private double lr;
    private boolean closed;

    /** Whether {@code params} can share one buffer: one device and one floating dtype, no tensor twice. */
    static boolean supports(List<Tensor> params) {
        if (params.isEmpty()) return false;
        Device device = params.get(0).device();
        DType dtype = params.get(0).dtype();
        if (dtype != DType.FLOAT32 && dtype != DType.FLOAT64) return false;
        Set<Long> seen = new HashSet<>();
        for (Tensor p : params) {
            if (!p.device().equals(device) || p.dtype() != dtype) return false;
            if (p.numel() > 0 && !seen.add(p.handle().data_ptr().address())) return false;
        }
        return true;
    }

    FlatAdam(Optimizer.Settings s, List<Tensor> params) {
        if (s.kind() == Optimizer.Kind.SGD) throw new IllegalArgumentException("FlatAdam implements ADAM and ADAMW, not SGD");
        if (!supports(params)) throw new IllegalArgumentException("FlatAdam needs parameters of one floating dtype on one device");
        this.settings = s;
        this.params = List.copyOf(params);
        int n = this.params.size();
        numels = new long[n];
        steps = new long[n];
        views = new org.bytedeco.pytorch.Tensor[3 * n];
        addresses = new long[n];
        try (NoGradGuard g = new NoGradGuard(); TensorVector v = Tensor.vector(this.params)) {
            flat = torch.flatten_dense_tensors(v);
            expAvg = torch.zeros_like(flat);
            expAvgSq = torch.zeros_like(flat);
            long offset = 0;
            for (int i = 0; i < n; i++) {
                org.bytedeco.pytorch.Tensor p = this.params.get(i).handle();
                numels[i] = p.numel();
                long[] shape = this.params.get(i).shape();
                views[3 * i] = flat.narrow(0, offset, numels[i]).view(shape);
                views[3 * i + 1] = expAvg.narrow(0, offset, numels[i]).view(shape);
                views[3 * i + 2] = expAvgSq.narrow(0, offset, numels[i]).view(shape);
                p.set_data(views[3 * i]);      // the parameter's storage is now the flat buffer
                addresses[i] = p.data_ptr().address();
                offset += numels[i];
            }
        }
        lr = s.lr();
        beta1 = new Scalar(s.beta1());
        beta2 = new Scalar(s.beta2());
        oneMinusBeta1 = new Scalar(1 - s.beta1());
        oneMinusBeta2 = new Scalar(1 - s.beta2());
        eps = new Scalar(s.eps());
        weightDecay = new Scalar(s.weightDecay());
    }

    List<Tensor> parameters() {
        return params;
    }

    double learningRate() {
        return lr;
    }

    void setLearningRate(double v) {
        lr = v;
    }

    /** One update from the parameters' current gradients. */
    void step() {
        requireOpen();
        int n = params.size();
        org.bytedeco.pytorch.Tensor[] grads = new org.bytedeco.pytorch.Tensor[n];
        try (NoGradGuard g = new NoGradGuard()) {
            boolean all = true;
            for (int i = 0; i < n; i++) {
                requireInFlatBuffer(i);
                grads[i] = params.get(i).handle().grad();
                all &= grads[i].defined() && steps[i] == steps[0];
            }
            if (all) {
                try (TensorVector v = new TensorVector(grads); org.bytedeco.pytorch.Tensor flatGrad = torch.flatten_dense_tensors(v)) {
                    long t = ++steps[0];
                    Arrays.fill(steps, t);
                    update(flat, expAvg, expAvgSq, flatGrad, t);
                }
            } else {
                for (int i = 0; i < n; i++) {
                    if (!grads[i].defined()) continue;
                    try (org.bytedeco.pytorch.Tensor own = grads[i].clone()) {
                        update(views[3 * i], views[3 * i + 1], views[3 * i + 2], own, ++steps[i]);
                    }
                }
            }
        } finally {
            for (org.bytedeco.pytorch.Tensor gr : grads) if (gr != null) gr.close();
        }
    }

    /**
     * Refuses to step a parameter whose data was replaced after construction (a {@code set_data}, a device move, a
     * zero-copy import): the update would go to the flat buffer, which nobody reads any more, and nothing would train.
     */
    private void requireInFlatBuffer(int i) {
        if (params.get(i).numel() > 0 && params.get(i).handle().data_ptr().address() != addresses[i]) {
            throw new IllegalStateException("parameter " + i + " " + Arrays.toString(params.get(i).shape())
                    + " no longer lives in the optimizer's flat buffer (its data was replaced after the optimizer was built);"
                    + " build the optimizer after moving or replacing parameters");
        }
    }

    /** LibTorch's update of one parameter tensor {@code p} (here: a flat run of them); {@code grad} is ours to change. */
    private void update(org.bytedeco.pytorch.Tensor p, org.bytedeco.pytorch.Tensor m, org.bytedeco.pytorch.Tensor v,
                        org.bytedeco.pytorch.Tensor grad, long t) {
        boolean decay = settings.weightDecay() != 0;
        if (decay && settings.kind() == Optimizer.Kind.ADAMW) {
            try (Scalar keep = new Scalar(1 - lr * settings.weightDecay())) {
                p.mul_(keep);
            }
        }
        if (decay && settings.kind() == Optimizer.Kind.ADAM) grad.add_(p, weightDecay);
        double bc1 = 1 - Math.pow(settings.beta1(), t);
        double bc2 = 1 - Math.pow(settings.beta2(), t);
        m.mul_(beta1).add_(grad, oneMinusBeta1);
        v.mul_(beta2).addcmul_(grad, grad, oneMinusBeta2);
        try (Scalar bc2Sqrt = new Scalar(Math.sqrt(bc2)); Scalar stepSize = new Scalar(-lr / bc1);
             org.bytedeco.pytorch.Tensor root = v.sqrt(); org.bytedeco.pytorch.Tensor denom = root.div(bc2Sqrt)) {
            denom.add_(eps);
            p.addcdiv_(m, denom, stepSize);
        }
    }

    /** Drops every gradient (set-to-none, as LibTorch's {@code zero_grad(true)}). */
    void zeroGrad() {
        for (Tensor p : params) p.clearGrad();
    }

    /** The moments and step counts, in a LibTorch archive of named tensors. */
    void save(OutputArchive a) {
        requireOpen();
        try (var scope = TensorScope.open("flat-adam-save")) {
            a.write(PREFIX + "numels", Tensor.of(numels, numels.length).handle());
            a.write(PREFIX + "steps", Tensor.of(steps, steps.length).handle());
            a.write(PREFIX + "exp_avg", expAvg);
            a.write(PREFIX + "exp_avg_sq", expAvgSq);
        }
    }

    /** Whether {@code a} was written by {@link #save} (and not by LibTorch's own optimizers). */
    static boolean wrote(InputArchive a) {
        try (org.bytedeco.pytorch.Tensor t = new org.bytedeco.pytorch.Tensor()) {
            return a.try_read(PREFIX + "numels", t);
        }
    }

    /** Restores what {@link #save} wrote for the same parameter list, onto this optimizer's device. */
    void load(InputArchive a) {
        requireOpen();
        try (var scope = TensorScope.open("flat-adam-load")) {
            long[] savedNumels = read(a, "numels").toLongArray();
            if (!Arrays.equals(savedNumels, numels)) {
                throw new IllegalArgumentException("the saved optimizer state is for parameters of sizes " + Arrays.toString(savedNumels)
                        + ", this optimizer has " + Arrays.toString(numels));
            }
            long[] savedSteps = read(a, "steps").toLongArray();
            try (NoGradGuard g = new NoGradGuard()) {
                expAvg.copy_(read(a, "exp_avg").handle());
                expAvgSq.copy_(read(a, "exp_avg_sq").handle());
            }
            System.arraycopy(savedSteps, 0, steps, 0, steps.length);
        }
    }

    private static Tensor read(InputArchive a, String name) {
        org.bytedeco.pytorch.Tensor t = new org.bytedeco.pytorch.Tensor();
        if (!a.try_read(PREFIX + name, t)) {
            t.close();
            throw new IllegalArgumentException("the saved optimizer state has no '" + name + "'");
        }
        return Tensor.wrap(t);
    }

    private void requireOpen() {
        if (closed) throw new IllegalStateException("optimizer used after close()");
    }

    /** Frees the optimizer's handles; the parameters keep the flat storage alive as long as they live. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        for (org.bytedeco.pytorch.Tensor v : views) v.close();
        flat.close();
        expAvg.close();
        expAvgSq.close();
        for (Scalar s : new Scalar[] {beta1, beta2, oneMinusBeta1, oneMinusBeta2, eps, weightDecay}) s.close();
    }
}
