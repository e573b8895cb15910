package dev.causalmm.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.global.torch;

/**
 * Adam / AdamW whose whole update can be captured in a {@link CudaGraph}: the step count, the
 * learning rate and both bias corrections live in 0-dim tensors on the parameters' device, and
 * the moments are made up front, so one captured step is right at every replay. (PyTorch's
 * {@code capturable=True} Adam, which LibTorch's C++ optimizers do not offer: {@code
 * torch::optim::Adam::step} computes {@code lr / (1 - beta1^step)} on the host and passes it as a
 * kernel argument, so a replayed capture would reuse the capture step's bias correction and
 * learning rate forever.)
 *
 * <p>Same arithmetic as LibTorch's {@code Adam}/{@code AdamW} (checked against {@link Optimizer}
 * in GraphSafeAdamTest): L2 weight decay added to the gradient for Adam, decoupled
 * {@code p *= 1 - lr·wd} for AdamW; {@code m = β1·m + (1-β1)·g}, {@code v = β2·v + (1-β2)·g²},
 * {@code p -= lr/(1-β1^t) · m / (√v/√(1-β2^t) + eps)}. The per-step scalars are float64, so the
 * bias corrections match LibTorch's double host math. No amsgrad, no state save/load (a
 * benchmark/graph optimizer; {@link Optimizer} carries checkpoints). Parameters without a gradient
 * at a step are skipped, as LibTorch does; under a graph that choice is frozen at capture.
 */
public final class GraphSafeAdam implements AutoCloseable {
    private final Optimizer.Settings settings;
    private final List<Tensor> params;
    private final List<Tensor> state = new ArrayList<>();
    private final org.bytedeco.pytorch.Tensor[] exp;
    private final org.bytedeco.pytorch.Tensor[] expSq;
    private final org.bytedeco.pytorch.Tensor count;
    private final org.bytedeco.pytorch.Tensor lr;
    private final Scalar one;
    private final Scalar beta1;
    private final Scalar beta2;
    private final Scalar oneMinusBeta1;
    private final Scalar oneMinusBeta2;
    private final Scalar eps;
    private final Scalar weightDecay;
    private final Scalar minusWeightDecay;
    private double learningRate;
    private final AtomicBoolean closed = new AtomicBoolean();   // close frees once, even when racing

    public GraphSafeAdam(Optimizer.Settings s, List<Tensor> params) {
        Engine.init();
        if (s.kind() == Optimizer.Kind.SGD) throw new IllegalArgumentException("GraphSafeAdam implements ADAM and ADAMW, not SGD");
        if (params.isEmpty()) throw new IllegalArgumentException("optimizer needs at least one parameter");
        this.settings = s;
        this.params = List.copyOf(params);
        Device device = this.params.get(0).device();
        exp = new org.bytedeco.pytorch.Tensor[this.params.size()];
        expSq = new org.bytedeco.pytorch.Tensor[this.params.size()];
        try (var scope = TensorScope.open("graph-safe-adam")) {
            for (int i = 0; i < exp.length; i++) {
                Tensor p = this.params.get(i);
                if (!p.device().equals(device)) {
                    throw new IllegalArgumentException("parameter " + i + " is on " + p.device() + ", parameter 0 on " + device
                            + ": one optimizer updates one device");
                }
                exp[i] = own(Tensor.zeros(p.dtype(), device, p.shape()));
                expSq[i] = own(Tensor.zeros(p.dtype(), device, p.shape()));
            }
            count = own(Tensor.zeros(DType.FLOAT64, device));
            lr = own(Tensor.full(s.lr(), DType.FLOAT64, device));
        }
        learningRate = s.lr();
        one = new Scalar(1.0);
        beta1 = new Scalar(s.beta1());
        beta2 = new Scalar(s.beta2());
        oneMinusBeta1 = new Scalar(1 - s.beta1());
        oneMinusBeta2 = new Scalar(1 - s.beta2());
        eps = new Scalar(s.eps());
        weightDecay = new Scalar(s.weightDecay());
        minusWeightDecay = new Scalar(-s.weightDecay());
    }

    private org.bytedeco.pytorch.Tensor own(Tensor t) {
        state.add(t.unscoped());
        return t.handle();
    }

    public List<Tensor> parameters() {
        return params;
    }

    /** One update from the current gradients; only device work, no host read, so it can be captured. */
    public void step() {
        requireOpen();
        try (NoGradGuard g = new NoGradGuard()) {
            count.add_(one);
            try (var p1 = torch.pow(beta1, count); var p2 = torch.pow(beta2, count);
                 var bc1 = torch.rsub(p1, one); var bc2 = torch.rsub(p2, one);
                 var stepSize = lr.div(bc1); var bc2Sqrt = bc2.sqrt(); var decay = decoupledDecay()) {
                for (int i = 0; i < exp.length; i++) update(i, stepSize, bc2Sqrt, decay);
            }
        }
    }

    /** AdamW's {@code 1 - lr·wd} (one tensor, made in place: pointer GC is off, a temporary would never be freed), else null. */
    private org.bytedeco.pytorch.Tensor decoupledDecay() {
        if (settings.kind() != Optimizer.Kind.ADAMW || settings.weightDecay() == 0) return null;
        org.bytedeco.pytorch.Tensor decay = lr.mul(minusWeightDecay);
        decay.add_(one); // returns a non-owning reference to decay itself
        return decay;
    }

    private void update(int i, org.bytedeco.pytorch.Tensor stepSize, org.bytedeco.pytorch.Tensor bc2Sqrt, org.bytedeco.pytorch.Tensor decay) {
        org.bytedeco.pytorch.Tensor p = params.get(i).handle();
        try (org.bytedeco.pytorch.Tensor grad = p.grad()) {
            if (!grad.defined()) return;
            if (decay != null) p.mul_(decay);
            boolean l2 = settings.kind() == Optimizer.Kind.ADAM && settings.weightDecay() != 0;
            try (org.bytedeco.pytorch.Tensor gr = l2 ? grad.add(p, weightDecay) : null) {
                org.bytedeco.pytorch.Tensor g = l2 ? gr : grad;
                exp[i].mul_(beta1).add_(g, oneMinusBeta1);
                expSq[i].mul_(beta2).addcmul_(g, g, oneMinusBeta2);
            }
            try (var denom = expSq[i].sqrt(); var ratio = exp[i].div(denom.div_(bc2Sqrt).add_(eps))) {
                p.sub_(ratio.mul_(stepSize));
            }
        }
    }

    /** Drops every gradient (set-to-none): inside a captured step, backward then writes into the graph's own buffers. */
    public void zeroGrad() {
        for (Tensor p : params) p.clearGrad();
    }

    public double learningRate() {
        return learningRate;
    }

    /** Sets the rate on the device (a fill on the current stream): graphs replayed after it use it. */
    public void setLearningRate(double v) {
        requireOpen();
        if (!(v > 0 && v < Double.POSITIVE_INFINITY)) throw new IllegalArgumentException("learning rate must be a finite number > 0, got " + v);
        try (Scalar s = new Scalar(v)) {
            lr.fill_(s);
        }
        learningRate = v;
    }

    private void requireOpen() {
        if (closed.get()) throw new IllegalStateException("optimizer used after close()");
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        state.forEach(Tensor::close);
        for (Scalar s : new Scalar[] {one, beta1, beta2, oneMinusBeta1, oneMinusBeta2, eps, weightDecay, minusWeightDecay}) s.close();
    }
}
