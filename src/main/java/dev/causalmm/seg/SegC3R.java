package dev.causalmm.seg;

import dev.causalmm.causal.C3R;
import dev.causalmm.causal.C3RConfig;
import dev.causalmm.engine.Functional;
import dev.causalmm.engine.Tensor;
import dev.causalmm.nn.Init;
import dev.causalmm.nn.Linear;
import dev.causalmm.nn.Module;
import dev.causalmm.nn.UNet3d;
import dev.causalmm.nn.UNetConfig;
import java.util.List;
import java.util.SplittableRandom;

/**
 * C3R on segmentation (spec §2.5, LCKD row; the paper gives no details, so this is the spec's
 * recommended recipe): Ẑ = the per-voxel features before the last 1×1×1 convolution, W = that
 * convolution (a per-voxel linear classifier over 3 sigmoid regions). Per training volume at most
 * {@code voxels} voxels are drawn (seeded) for the twin terms:
 * <ul>
 *   <li>counterfactual gradient per voxel {@code G = (σ(ẐWᵀ+b) − y) W} (BCE's closed form, Ẑ and W
 *       detached), {@code Z̄ = Ẑ + s·η·step(G)} with C3R's sign/step options;</li>
 *   <li>risk, expected-indicator relaxation per region channel: {@code R_suff = mean(1 − p_y(Ẑ))},
 *       {@code R_nec = mean(p_y(Z̄))} where {@code p_y} is σ for a positive voxel and 1 − σ for a
 *       negative one ({@code Risk.CE}: BCE and {@code −log(1 − p_y(Z̄) + 1e−6)});</li>
 *   <li>{@code L_fe = KLf(Ẑ ‖ Z̄)} over the sampled voxels;</li>
 *   <li>instrument v from the per-modality bottleneck features (spatially pooled, missing ones
 *       masked) by Eq. 6 attention, projected to Ẑ's width; {@code L_v = KLf(v ‖ pooled Ẑ)}.</li>
 * </ul>
 * The instrument needs per-modality features, so it needs the shared-encoder U-Net
 * ({@code Fusion.SHARED}). Training-only: inference uses the U-Net unchanged.
 */
final class SegC3R extends Module {
    /**
     * The twin and risk terms of one step (each already weighted into {@link #total}): {@code parts}
     * holds risk, L_v and L_fe, detached, on the device; read them back only when logging.
     */
    public record Terms(Tensor total, Tensor parts) {}

    private final C3RConfig config;
    private final int voxels;
    private final Linear qkv;
    private final Linear pv;
    private final int d;
    private final long seed;

    public SegC3R(C3RConfig config, UNet3d model, int voxels, long seed) {
        if (model.config().fusion() != UNetConfig.Fusion.SHARED) {
            throw new IllegalArgumentException("C3R on segmentation needs per-modality bottleneck features for its instrument:"
                    + " use the shared-encoder U-Net (--fusion shared)");
        }
        if (voxels <= 0) throw new IllegalArgumentException("C3R voxel sample must be > 0, got " + voxels);
        this.config = config;
        this.voxels = voxels;
        Init init = Init.seeded(seed, "seg-c3r");
        d = model.config().width(model.config().depth());
        int dz = model.config().width(0);
        qkv = registerModule("qkv", new Linear(d, 3 * d, false, init));
        pv = d == dz ? null : registerModule("pv", new Linear(d, dz, init));
        this.seed = seed ^ 0x5EC3L;
    }

    /**
     * @param out     the U-Net's forward pass (with tokens)
     * @param targets {@code B×3×D×H×W} region targets
     * @param mask    {@code B×K} availability
     * @param trainStep the optimizer step: the voxels are drawn from (seed, step), so a resumed run draws
     *                what an uninterrupted one would without replaying earlier steps
     */
    public Terms compute(UNet3d model, UNet3d.Output out, Tensor targets, Tensor mask, long trainStep) {
        Tensor f = out.features();
        long[] s = f.shape();
        long b = s[0];
        long c = s[1];
        long n = s[2] * s[3] * s[4];
        int take = (int) Math.min(voxels, n);
        long[] idx = new long[take];
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + trainStep);
        for (int i = 0; i < take; i++) idx[i] = random.nextLong(n);
        Tensor index = Tensor.of(idx, take).to(f.device());
        Tensor z = f.reshape(b, c, n).indexSelect(2, index).transpose(1, 2).reshape(b * take, c);            // N×C
        Tensor y = targets.reshape(b, 3, n).indexSelect(2, index).transpose(1, 2).reshape(b * take, 3);     // N×3
        Tensor w = model.head().weight().reshape(3, c);
        Tensor bias = model.head().bias();

        Tensor zd = z.detach();
        Tensor wd = w.detach();
        Tensor g = Functional.linear(zd, wd, bias.detach()).sigmoid().sub(y).matmul(wd);                        // N×C
        double eta = config.effectiveEta();
        Tensor step = config.normalizedStep() ? C3R.normalizedStep(z, g) : g;
        Tensor zBar = z.add(step.mul(config.sign() * eta));
        Tensor lHat = Functional.linear(z, w, bias);
        Tensor lBar = Functional.linear(zBar, w, bias);

        Tensor risk;
        if (config.risk() == C3RConfig.Risk.CE) {
            Tensor suff = Functional.bceWithLogits(lHat, y);
            Tensor nec = correct(lBar, y).neg().add(1.0 + 1e-6).log().neg().mean();
            risk = suff.mul(config.weightSufficiency()).add(nec.mul(config.weightNecessity()));
        } else {
            Tensor suff = correct(lHat, y).neg().add(1.0).mean();
            Tensor nec = correct(lBar, y).mean();
            risk = suff.mul(config.weightSufficiency()).add(nec.mul(config.weightNecessity()));
        }
        Tensor lfe = C3R.klf(z, zBar);

        Tensor tokens = out.tokens();                                                                          // B×K×d
        Tensor qkvT = qkv.forward(config.detachInstrument() ? tokens.detach() : tokens);
        Tensor v = C3R.attend(qkvT.narrow(2, 0, d), qkvT.narrow(2, d, d), qkvT.narrow(2, 2 * d, d), mask, config.alphaFor(d));
        if (pv != null) v = pv.forward(v);
        Tensor pooled = f.mean(new long[] {2, 3, 4}, false);                                                  // B×C
        Tensor lv = C3R.klf(v, pooled);

        Tensor total = risk.add(lv.mul(config.lambdaV())).add(lfe.mul(config.lambdaFe()));
        return new Terms(total, Tensor.stack(List.of(risk.detach(), lv.detach(), lfe.detach()), 0));
    }

    /** {@code p_y}: σ(l) where the target is 1, 1 − σ(l) where it is 0. */
    private static Tensor correct(Tensor logits, Tensor y) {
        Tensor p = logits.sigmoid();
        return p.mul(y).add(p.neg().add(1.0).mul(y.neg().add(1.0)));
    }
}
