package dev.causalmm.engine;

import static dev.causalmm.engine.Tensor.wrap;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarOptional;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The neural-network layer of the engine, PyTorch's {@code torch.nn.functional} (and
 * {@code nn.utils.clip_grad_norm_}): layers given their weights (linear, convolutions, norms,
 * pooling, embedding, attention), activations, dropout, softmax, and the fused losses. Kept apart
 * from {@link Tensor} so that {@code Tensor} stays the tensor itself (lifetime and general math)
 * and this class reads as the list of what a model may call. Every method is static, takes and
 * returns tensors owned by the calling thread's current {@link TensorScope}, and is one LibTorch
 * call unless its comment says otherwise (the hot path: no per-call allocation beyond what LibTorch
 * itself needs; scalar arguments come from {@link Constants}).
 */
public final class Functional {
    private Functional() {}

    // ------------------------------------------------------------------ layers

    /** {@code x W^T + b} in one call ({@code bias} may be null). */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        return wrap(bias == null ? torch.linear(x.h(), weight.h()) : torch.linear(x.h(), weight.h(), bias.h()));
    }

    /**
     * 2-D convolution of {@code x} ({@code B×C×H×W}) with {@code weight} ({@code O×C×kh×kw}) and an
     * optional {@code bias} ({@code O}), symmetric zero {@code padding}, given {@code stride}.
     */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, long stride, long padding) {
        try (var b = optional(bias)) {
            return wrap(torch.conv2d(x.h(), weight.h(), b, new long[] {stride, stride}, new long[] {padding, padding}, new long[] {1, 1}, 1));
        }
    }

    /**
     * 3-D convolution of {@code x} ({@code B×C×D×H×W}) with {@code weight} ({@code O×C×k×k×k}) and
     * an optional {@code bias} ({@code O}), cubic {@code stride} and symmetric zero {@code padding}.
     */
    public static Tensor conv3d(Tensor x, Tensor weight, Tensor bias, long stride, long padding) {
        if (x.device().equals(Device.CPU)) {
            // LibTorch 2.10's CPU (oneDNN 3.7) kernel for the input gradient of a batched 3-D
            // convolution in the default NCDHW layout is wrong for small channel counts (2→8 and
            // 8→8 channels at 32³–48³: wrong values, and NaN within a step, on one thread as well
            // as two; Conv3dGradientTest). The channels-last-3d kernel is exact and as fast, so CPU
            // convolutions run in that layout; the output stays channels-last, which every later op
            // accepts. (An earlier workaround, one convolution per sample, was 10× slower: single
            // samples of few channels fall back to LibTorch's slow_conv3d.)
            return conv3dNative(x.channelsLast3d(), weight, bias, stride, padding);
        }
        return conv3dNative(x, weight, bias, stride, padding);
    }

    private static Tensor conv3dNative(Tensor x, Tensor weight, Tensor bias, long stride, long padding) {
        try (var b = optional(bias)) {
            return wrap(torch.conv3d(x.h(), weight.h(), b, new long[] {stride, stride, stride},
                    new long[] {padding, padding, padding}, new long[] {1, 1, 1}, 1));
        }
    }

    /**
     * Transposed 3-D convolution (the U-Net's learned upsampling) of {@code x} ({@code B×C×D×H×W})
     * with {@code weight} ({@code C×O×k×k×k}), no padding: with kernel = stride = s the output is
     * exactly s times larger on every axis.
     */
    public static Tensor convTranspose3d(Tensor x, Tensor weight, Tensor bias, long stride) {
        try (var b = optional(bias)) {
            return wrap(torch.conv_transpose3d(x.h(), weight.h(), b, new long[] {stride, stride, stride},
                    new long[] {0, 0, 0}, new long[] {0, 0, 0}, 1, 1, 1, 1));
        }
    }

    /** Max pooling over {@code k×k} windows with stride {@code k} ({@code B×C×H×W}). */
    public static Tensor maxPool2d(Tensor x, long k) {
        return wrap(torch.max_pool2d(x.h(), new long[] {k, k}, new long[] {k, k}, new long[] {0, 0}, new long[] {1, 1}, false));
    }

    /** Adaptive average pooling of {@code B×C×H×W} to {@code B×C×outH×outW}. */
    public static Tensor adaptiveAvgPool2d(Tensor x, long outH, long outW) {
        return wrap(torch.adaptive_avg_pool2d(x.h(), outH, outW));
    }

    /** Rows of {@code table} ({@code V×E}) picked by the int64 ids in {@code ids}: shape {@code ids.shape×E}. */
    public static Tensor embedding(Tensor table, Tensor ids) {
        return wrap(torch.embedding(table.h(), ids.h()));
    }

    /** As {@link #embedding(Tensor, Tensor)}, but row {@code paddingIdx} receives no gradient (stays as it is). */
    public static Tensor embedding(Tensor table, Tensor ids, long paddingIdx) {
        return wrap(torch.embedding(table.h(), ids.h(), paddingIdx, false, false));
    }

    /**
     * {@code softmax(Q Kᵀ/√d) V} over the last two dimensions ({@code …×L×d}) in LibTorch's fused
     * kernel (one call; flash/memory-efficient kernels on CUDA).
     */
    public static Tensor scaledDotProductAttention(Tensor q, Tensor k, Tensor v) {
        return wrap(torch.scaled_dot_product_attention(q.h(), k.h(), v.h()));
    }

    /**
     * As {@link #scaledDotProductAttention(Tensor, Tensor, Tensor)} with a boolean {@code keep}
     * mask broadcastable to {@code …×Lq×Lk}: keys where it is false get no attention (padding).
     */
    public static Tensor scaledDotProductAttention(Tensor q, Tensor k, Tensor v, Tensor keep) {
        if (keep == null) return scaledDotProductAttention(q, k, v);
        try (var m = new TensorOptional(keep.h()); var scale = new DoubleOptional()) {
            return wrap(torch.scaled_dot_product_attention(q.h(), k.h(), v.h(), m, 0.0, false, scale, false));
        }
    }

    // ------------------------------------------------------------------ normalisation

    /** Layer normalisation over the last dimension with elementwise affine {@code weight}, {@code bias}. */
    public static Tensor layerNorm(Tensor x, Tensor weight, Tensor bias, double eps) {
        try (var w = new TensorOptional(weight.h()); var b = new TensorOptional(bias.h())) {
            return wrap(torch.layer_norm(x.h(), new long[] {x.size(x.dim() - 1)}, w, b, eps, true));
        }
    }

    /**
     * Group normalisation of {@code B×C×…} over {@code groups} channel groups with per-channel
     * affine {@code weight}, {@code bias}; with {@code groups = C} it is instance normalisation.
     */
    public static Tensor groupNorm(Tensor x, long groups, Tensor weight, Tensor bias, double eps) {
        try (var w = new TensorOptional(weight.h()); var b = new TensorOptional(bias.h())) {
            return wrap(torch.group_norm(x.h(), groups, w, b, eps, true));
        }
    }

    /** Each row divided by its L2 norm (at least 1e−12): rows of unit length for cosine similarities. */
    public static Tensor normalizeRows(Tensor x) {
        return x.div(x.rowNorms().clampMin(1e-12));
    }

    // ------------------------------------------------------------------ activations and dropout

    public static Tensor relu(Tensor x) { return wrap(torch.relu(x.h())); }
    public static Tensor elu(Tensor x) { return wrap(torch.elu(x.h())); }
    public static Tensor gelu(Tensor x) { return wrap(torch.gelu(x.h())); }
    public static Tensor softplus(Tensor x) { return wrap(torch.softplus(x.h())); }

    /** {@code max(x, slope·x)}. */
    public static Tensor leakyRelu(Tensor x, double slope) {
        Scalar s = Constants.scalar(slope);
        try {
            return wrap(torch.leaky_relu(x.h(), s));
        } finally {
            Constants.done(s, slope);
        }
    }

    public static Tensor softmax(Tensor x, int dim) { return wrap(torch.softmax(x.h(), dim)); }
    public static Tensor logSoftmax(Tensor x, int dim) { return wrap(torch.log_softmax(x.h(), dim)); }

    /**
     * Inverted dropout with drop probability {@code p} when {@code train}; otherwise (or with p = 0)
     * {@code x} itself, without a native call.
     */
    public static Tensor dropout(Tensor x, double p, boolean train) {
        if (!train || p == 0) return x;
        return wrap(torch.dropout(x.h(), p, true));
    }

    /**
     * One-hot rows (float32) of int64 indices in {@code [0, classes)}: an identity-matrix row lookup,
     * which (unlike LibTorch's {@code one_hot}) reads nothing back from the device to validate.
     */
    public static Tensor oneHot(Tensor indices, long classes) {
        try (Tensor eye = Tensor.eye(classes, indices.device())) {
            return eye.indexSelect(0, indices);
        }
    }

    // ------------------------------------------------------------------ losses (batch-mean)

    /** Mean cross-entropy of logits {@code B×C} against int64 labels {@code B}. */
    public static Tensor crossEntropy(Tensor logits, Tensor labels) {
        return wrap(torch.cross_entropy(lossInput(logits), labels.h()));
    }

    /**
     * The direction in which cross-entropy rises fastest on the logits, {@code q − e_y} (B×C), q the
     * softmax over the classes other than y (q_y = 0). It equals {@code (softmax − e_y)/(1 − p_y)}: the
     * CE gradient rescaled per row, computed without the cancellation that makes {@code p − e_y}
     * exactly zero once a float32 softmax saturates at p_y = 1.
     */
    public static Tensor crossEntropyAscent(Tensor logits, Tensor labels) {
        try (var fp32 = Autocast.suspendIfEnabled()) {
            Tensor y = oneHot(labels, logits.size(1));
            return softmax(lossView(logits).maskedFill(y.gt(0.5), Double.NEGATIVE_INFINITY), 1).sub(y);
        }
    }

    /** Per-sample cross-entropy ({@code B}), no reduction. */
    public static Tensor crossEntropyPerSample(Tensor logits, Tensor labels) {
        try (var fp32 = Autocast.suspendIfEnabled()) {
            return logSoftmax(lossView(logits), 1).gather(1, labels.unsqueeze(1)).squeeze(1).neg();
        }
    }

    /**
     * {@code Σ exp(logP)·(logP − logQ)} over all elements in one kernel (LibTorch {@code kl_div}
     * with log-space target and sum reduction): KL(P ‖ Q) summed over rows.
     */
    public static Tensor klDivLogSum(Tensor logQ, Tensor logP) {
        return wrap(torch.kl_div(lossInput(logQ), lossInput(logP), 2 /* at::Reduction::Sum */, true));
    }

    /** Mean binary cross-entropy of {@code logits} against targets in [0, 1] of the same shape (numerically stable). */
    public static Tensor bceWithLogits(Tensor logits, Tensor targets) {
        return wrap(torch.binary_cross_entropy_with_logits(logits.h(), targets.h()));
    }

    public static Tensor mseLoss(Tensor a, Tensor b) {
        return wrap(torch.mse_loss(lossInput(a), lossInput(b)));
    }

    /**
     * The handle a loss reads: {@code x}'s, or its float32 copy's when it is bf16/fp16 (under
     * {@link Autocast} a model's logits may arrive in bf16; losses and their log-softmax need
     * float32's range and precision, which CPU autocast does not enforce by itself).
     */
    private static org.bytedeco.pytorch.Tensor lossInput(Tensor x) {
        org.bytedeco.pytorch.Tensor t = x.h();
        return isHalfWidth(t) ? x.to(DType.FLOAT32).h : t;
    }

    /** {@code x} as a loss reads it: float32 when it was bf16/fp16, else itself. */
    private static Tensor lossView(Tensor x) {
        return isHalfWidth(x.h()) ? x.to(DType.FLOAT32) : x;
    }

    /** bf16 or fp16 (scalar types compare by value: the presets do not return the enum's constants). */
    private static boolean isHalfWidth(org.bytedeco.pytorch.Tensor t) {
        byte v = t.scalar_type().value;
        return v == ScalarType.BFloat16.value || v == ScalarType.Half.value;
    }

    // ------------------------------------------------------------------ gradients

    /**
     * Scales the gradients of {@code params} so that their joint L2 norm is at most {@code maxNorm},
     * entirely on the device: the norm stays a tensor and the scale is {@code min(1, max/(norm+1e-6))}
     * applied by multiplication, so the step never waits for the GPU (LibTorch's
     * {@code clip_grad_norm_} returns a double, which reads the norm back every step).
     *
     * @return the joint norm before clipping, a 0-d tensor on the gradients' device (null when no
     *     parameter has a gradient)
     */
    public static Tensor clipGradNorm(List<Tensor> params, double maxNorm) {
        if (!(maxNorm > 0)) throw new IllegalArgumentException("clip norm must be > 0, got " + maxNorm);
        ArrayList<Tensor> grads = new ArrayList<>(params.size());
        ArrayList<Tensor> norms = new ArrayList<>(params.size());
        try {
            for (Tensor p : params) {
                Tensor g = p.grad();
                if (g == null) continue;
                grads.add(g);
                norms.add(g.norm());
            }
            if (grads.isEmpty()) return null;
            Tensor total = Tensor.stack(norms, 0).norm();
            // every LibTorch temporary closed here: pointer GC is off, an unclosed one is never freed
            try (var m = new Scalar(maxNorm); var one = new Scalar(1.0); var eps = new Scalar(1e-6);
                 var hi = new ScalarOptional(one); var lo = new ScalarOptional();
                 var shifted = total.h().add(eps); var inverse = torch.reciprocal(shifted); var wanted = inverse.mul(m);
                 var scale = torch.clamp(wanted, lo, hi)) {
                for (Tensor g : grads) g.h().mul_(scale);
            }
            return total;
        } finally {
            grads.forEach(Tensor::close); // our handles of the gradients, not the gradients themselves
            norms.forEach(Tensor::close);
        }
    }

    /** {@code optional<Tensor>} of a bias that may be null (the caller closes it). */
    private static TensorOptional optional(Tensor bias) {
        return bias == null ? new TensorOptional() : new TensorOptional(bias.h());
    }
}
