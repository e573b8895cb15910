package dev.causalmm.nn;

import dev.causalmm.engine.Functional;
import dev.causalmm.engine.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A 3-D U-Net for multi-label segmentation with missing modalities: instance norm, LeakyReLU,
 * strided-convolution downsampling, transposed-convolution upsampling, skip connections by
 * concatenation, a final 1×1×1 convolution to {@code outChannels} logits (sigmoid per region).
 * Two ways of feeding missing modalities ({@link UNetConfig.Fusion}): zero-fill with mask channels,
 * or a shared per-modality encoder with mean-fill (LCKD's idea, spec §5.7).
 */
public final class UNet3d extends Module {

    /**
     * One forward pass.
     *
     * @param logits   {@code B×outChannels×D×H×W}
     * @param features per-voxel representation before the last 1×1×1 convolution, {@code B×width(0)×D×H×W}
     * @param tokens   per-modality bottleneck features, spatially averaged, {@code B×K×width(depth)};
     *                 {@code null} for {@link UNetConfig.Fusion#CHANNELS} (it has no per-modality features)
     * @param modalityFeatures the shared encoder's bottleneck output of each modality before the mean
     *                 fill, {@code B×K×width(depth)×d×h×w} (what LCKD distils); {@code null} for
     *                 {@link UNetConfig.Fusion#CHANNELS}
     */
    public record Output(Tensor logits, Tensor features, Tensor tokens, Tensor modalityFeatures) {}

    private final UNetConfig config;
    private final List<Block> encoder = new ArrayList<>();
    private final List<ConvTranspose3d> ups = new ArrayList<>();
    private final List<Block> decoder = new ArrayList<>();
    private final Conv3d head;

    public UNet3d(UNetConfig config, Init init) {
        Init.require(init, "UNet3d");
        this.config = config;
        int k = config.modalities();
        boolean shared = config.fusion() == UNetConfig.Fusion.SHARED;
        int in = shared ? 1 : 2 * k;
        for (int l = 0; l <= config.depth(); l++) {
            encoder.add(registerModule("enc" + l, new Block(in, config.width(l), l == 0 ? 1 : 2, config, init)));
            in = config.width(l);
        }
        int fan = shared ? k : 1;   // skip / bottleneck widths multiply by K when the stacks are concatenated
        int below = fan * config.width(config.depth());
        for (int l = config.depth() - 1; l >= 0; l--) {
            ups.add(registerModule("up" + l, new ConvTranspose3d(below, config.width(l), 2, init)));
            decoder.add(registerModule("dec" + l, new Block(config.width(l) + fan * config.width(l), config.width(l), 1, config, init)));
            below = config.width(l);
        }
        head = registerModule("head", new Conv3d(config.width(0), config.outChannels(), 1, 1, init));
    }

    public UNetConfig config() {
        return config;
    }

    /** The final 1×1×1 convolution: the per-voxel linear classifier W of C3R (spec §2.5). */
    public Conv3d head() {
        return head;
    }

    /**
     * @param x    {@code B×K×D×H×W}, missing modalities zero-filled; every side a multiple of {@link UNetConfig#divisor()}
     * @param mask {@code B×K} availability, float (1 = present)
     */
    public Output forward(Tensor x, Tensor mask) {
        long[] s = x.shape();
        int k = config.modalities();
        if (s.length != 5 || s[1] != k) {
            throw new IllegalArgumentException("U-Net input must be B×" + k + "×D×H×W, got " + Arrays.toString(s));
        }
        for (int a = 2; a < 5; a++) {
            if (s[a] % config.divisor() != 0) {
                throw new IllegalArgumentException("U-Net of depth " + config.depth() + " needs sides that are multiples of "
                        + config.divisor() + ", got " + Arrays.toString(s));
            }
        }
        long b = s[0];
        boolean shared = config.fusion() == UNetConfig.Fusion.SHARED;
        List<Tensor> skips = new ArrayList<>();
        Tensor h;
        Tensor tokens = null;
        Tensor perModality = null;
        if (shared) {
            h = x.reshape(b * k, 1, s[2], s[3], s[4]);
            Tensor m6 = mask.reshape(b, k, 1, 1, 1, 1);
            Tensor count = m6.sum(1, true).clampMin(1.0);
            for (int l = 0; l <= config.depth(); l++) {
                h = encoder.get(l).forward(h);
                long[] hs = h.shape();
                Tensor f = h.reshape(b, k, hs[1], hs[2], hs[3], hs[4]);
                Tensor mean = f.mul(m6).sum(1, true).div(count);
                Tensor filled = f.mul(m6).add(mean.mul(m6.neg().add(1.0)));
                if (l == config.depth()) {
                    tokens = f.mean(new long[] {3, 4, 5}, false);
                    perModality = f;
                }
                skips.add(filled.reshape(b, k * hs[1], hs[2], hs[3], hs[4]));
            }
        } else {
            Tensor planes = mask.reshape(b, k, 1, 1, 1).expand(b, k, s[2], s[3], s[4]);
            h = Tensor.cat(List.of(x, planes), 1);
            for (int l = 0; l <= config.depth(); l++) {
                h = encoder.get(l).forward(h);
                skips.add(h);
            }
        }
        h = skips.get(config.depth());
        for (int i = 0; i < config.depth(); i++) {
            int l = config.depth() - 1 - i;
            Tensor up = ups.get(i).forward(h);
            h = decoder.get(i).forward(Tensor.cat(List.of(up, skips.get(l)), 1));
        }
        return new Output(head.forward(h), h, tokens, perModality);
    }

    /** conv 3³ (stride s) → IN → LReLU → conv 3³ → IN (+ 1×1×1 shortcut when residual) → LReLU. */
    static final class Block extends Module {
        private final Conv3d conv1;
        private final InstanceNorm3d norm1;
        private final Conv3d conv2;
        private final InstanceNorm3d norm2;
        private final Conv3d shortcut;
        private final double slope;

        Block(int in, int out, int stride, UNetConfig config, Init init) {
            conv1 = registerModule("conv1", new Conv3d(in, out, 3, stride, init));
            norm1 = registerModule("norm1", new InstanceNorm3d(out));
            conv2 = registerModule("conv2", new Conv3d(out, out, 3, 1, init));
            norm2 = registerModule("norm2", new InstanceNorm3d(out));
            shortcut = config.residual() ? registerModule("shortcut", new Conv3d(in, out, 1, stride, init)) : null;
            slope = config.leakySlope();
        }

        Tensor forward(Tensor x) {
            Tensor h = Functional.leakyRelu(norm1.forward(conv1.forward(x)), slope);
            h = norm2.forward(conv2.forward(h));
            if (shortcut != null) h = h.add(shortcut.forward(x));
            return Functional.leakyRelu(h, slope);
        }
    }
}
