package dev.causalmm.seg;

import dev.causalmm.engine.Device;
import dev.causalmm.engine.NoGrad;
import dev.causalmm.engine.Tensor;
import dev.causalmm.engine.TensorScope;
import dev.causalmm.nn.UNet3d;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Whole-volume inference from patch-sized windows: windows placed evenly from edge to edge with at
 * least the requested overlap, sigmoid probabilities blended with a Gaussian importance map
 * (nnU-Net: σ = side/8, so voxels near a window's border, which saw little context, count less) or
 * with constant weights (plain averaging, as mmFormer/RFNet/LCKD do). Volumes smaller than the
 * window are zero-padded.
 */
public final class SlidingWindow {
    /**
     * Windows run through the network together: a batch of more than one lets LibTorch's CPU
     * convolutions use oneDNN (a single small-channel window falls back to its 10× slower kernel).
     */
    static final int WINDOWS_PER_BATCH = 4;

    /** How windows are blended. */
    public enum Blend { GAUSSIAN, CONSTANT }

    /**
     * @param patch   window sides {px, py, pz} (multiples of the U-Net's divisor)
     * @param overlap fraction of a window shared with its neighbour, in [0, 1)
     * @param blend   weighting of overlapping windows
     * @param downsample the model's grid is coarser than the case's by this factor: windows run on
     *     the coarse grid and probabilities are interpolated back ({@link Resampling}); 1 = none
     */
    public record Settings(int[] patch, double overlap, Blend blend, int downsample) {
        /** The largest window side: a 1024³ window of four channels already needs 16 GiB of floats. */
        public static final int MAX_SIDE = 1024;

        public Settings(int[] patch, double overlap, Blend blend) {
            this(patch, overlap, blend, 1);
        }

        public Settings {
            if (downsample < 1) throw new IllegalArgumentException("downsample factor must be >= 1, got " + downsample);
            if (patch.length != 3) throw new IllegalArgumentException("window needs three sides");
            patch = patch.clone();
            for (int p : patch) {
                if (p < 1 || p > MAX_SIDE) throw new IllegalArgumentException("--window must be in [1, " + MAX_SIDE + "] voxels, got " + p);
            }
            if (!(overlap >= 0 && overlap < 1)) throw new IllegalArgumentException("window overlap must be in [0, 1), got " + overlap);
            if (blend == null) throw new IllegalArgumentException("blend mode is missing (gaussian or constant)");
        }

        @Override
        public int[] patch() {
            return patch.clone();
        }

        /** The same windows for a model trained {@code factor} times coarser. */
        public Settings withDownsample(int factor) {
            return new Settings(patch, overlap, blend, factor);
        }
    }

    private SlidingWindow() {}

    /** Window start positions along one axis of length {@code n} for window side {@code p}. */
    static int[] starts(int n, int p, double overlap) {
        if (n <= p) return new int[] {(n - p) / 2};   // one window, centred, padded
        double step = Math.max(1, p * (1 - overlap));
        int count = (int) Math.ceil((n - p) / step) + 1;
        int[] out = new int[count];
        for (int i = 0; i < count; i++) out[i] = (int) Math.round((double) i * (n - p) / (count - 1));
        return out;
    }

    /** The blending weights of one window, {@code pz×py×px} flattened, all > 0. */
    static float[] weights(int[] p, Blend blend) {
        float[] w = new float[p[0] * p[1] * p[2]];
        if (blend == Blend.CONSTANT) {
            java.util.Arrays.fill(w, 1f);
            return w;
        }
        double[][] g = new double[3][];
        for (int a = 0; a < 3; a++) {
            g[a] = new double[p[a]];
            double sigma = p[a] / 8.0;
            double c = (p[a] - 1) / 2.0;
            for (int i = 0; i < p[a]; i++) g[a][i] = Math.exp(-(i - c) * (i - c) / (2 * sigma * sigma));
        }
        float min = Float.MAX_VALUE;
        for (int z = 0; z < p[2]; z++) for (int y = 0; y < p[1]; y++) for (int x = 0; x < p[0]; x++) {
            float v = (float) (g[0][x] * g[1][y] * g[2][z]);
            w[x + p[0] * (y + p[1] * z)] = v;
            if (v > 0 && v < min) min = v;
        }
        for (int i = 0; i < w.length; i++) if (w[i] <= 0) w[i] = min;
        return w;
    }

    /**
     * Region probabilities of the whole volume with the modalities in {@code modelMask} present (bit
     * m = channel m; modalities the case lacks are dropped from the mask too).
     *
     * @return {@code [3][voxels]}: WT, TC, ET probabilities on the volume's grid
     */
    public static float[][] predict(UNet3d model, SegVolume v, int modelMask, Settings settings) {
        return predict(model, v, modelMask, settings, WINDOWS_PER_BATCH);
    }

    /** {@link #predict} with {@code perBatch} windows per forward pass (the result does not depend on it). */
    static float[][] predict(UNet3d model, SegVolume v, int modelMask, Settings settings, int perBatch) {
        int mask = modelMask & PatchSampler.availability(v);
        if (mask == 0) throw new IllegalArgumentException("case " + v.id() + ": none of the requested modalities is present");
        boolean wasTraining = model.isTraining();
        model.setTraining(false);
        try {
            return predict(sigmoidOf(model, mask, v.modalities().size()), v, mask, settings, perBatch);
        } finally {
            model.setTraining(wasTraining);
        }
    }

    /**
     * The U-Net as a predictor: windows ({@code n×K×pz×py×px}, on the CPU) to region probabilities
     * ({@code n×3×pz×py×px}), run on the model's device with the modalities of {@code mask} present.
     */
    public static UnaryOperator<Tensor> sigmoidOf(UNet3d model, int mask, int modalities) {
        float[] row = new float[modalities];
        for (int c = 0; c < modalities; c++) row[c] = (mask >> c & 1) != 0 ? 1f : 0f;
        return windows -> {
            Device device = model.device();
            Tensor m = Tensor.of(row, 1, modalities).to(device).expand(windows.shape()[0], modalities).contiguous();
            return model.forward(windows.to(device), m).logits().sigmoid();
        };
    }

    /**
     * Whole-volume inference with any {@code predictor} (as MONAI's {@code sliding_window_inference}):
     * windows of the channels in {@code channels} (the others zero-filled), {@code perBatch} at a
     * time, through {@code predictor} (which returns 3 region maps per window, on any device) and
     * blended; with {@code settings.downsample() > 1} on the coarse grid and interpolated back.
     */
    public static float[][] predict(UnaryOperator<Tensor> predictor, SegVolume v, int channels, Settings settings, int perBatch) {
        if (settings.downsample() == 1) return predictOnGrid(predictor, v, channels, settings, perBatch);
        SegVolume coarse = Resampling.downsample(new SegVolume(v.id(), v.shape(), v.modalities(), v.channels(), null, v.geometry()),
                settings.downsample());
        float[][] p = predictOnGrid(predictor, coarse, channels, settings, perBatch);
        return Resampling.upsample(p, coarse.shape(), v.shape(), settings.downsample());
    }

    private static float[][] predictOnGrid(UnaryOperator<Tensor> predictor, SegVolume v, int channels, Settings settings, int perBatch) {
        int[] s = v.shape();
        int[] p = settings.patch();
        int k = v.modalities().size();
        int pv = p[0] * p[1] * p[2];
        float[] w = weights(p, settings.blend());
        float[][] acc = new float[3][v.voxelCount()];
        float[] wsum = new float[v.voxelCount()];
        int[][] st = new int[3][];
        for (int a = 0; a < 3; a++) st[a] = starts(s[a], p[a], settings.overlap());
        boolean[] noFlip = new boolean[3];
        List<int[]> windows = new ArrayList<>();
        for (int z0 : st[2]) for (int y0 : st[1]) for (int x0 : st[0]) windows.add(new int[] {x0, y0, z0});
        try (var ng = NoGrad.enter()) {
            for (int from = 0; from < windows.size(); from += perBatch) {
                int n = Math.min(perBatch, windows.size() - from);
                float[] x = new float[n * k * pv];
                for (int i = 0; i < n; i++) {
                    for (int c = 0; c < k; c++) {
                        if ((channels >> c & 1) != 0) PatchSampler.copy(v.channels()[c], s, windows.get(from + i), p, noFlip, x, (i * k + c) * pv);
                    }
                }
                float[] prob;
                try (var scope = TensorScope.open("window")) {
                    prob = predictor.apply(Tensor.of(x, n, k, p[2], p[1], p[0])).contiguous().to(Device.CPU).toFloatArray();
                }
                for (int i = 0; i < n; i++) accumulate(prob, i * 3 * pv, w, windows.get(from + i), p, s, acc, wsum);
            }
        }
        for (int r = 0; r < 3; r++) for (int i = 0; i < wsum.length; i++) acc[r][i] /= wsum[i];
        return acc;
    }

    /** Adds window {@code start}'s probabilities ({@code prob} from {@code off}: 3 regions × window voxels) with weights {@code w}. */
    private static void accumulate(float[] prob, int off, float[] w, int[] start, int[] p, int[] s, float[][] acc, float[] wsum) {
        int pv = p[0] * p[1] * p[2];
        WindowCrop.rows(s, start, p, new boolean[3], (vol, win, x0, x1) -> {
            for (int x = x0; x < x1; x++) {
                float wi = w[win + x];
                wsum[vol + x] += wi;
                for (int r = 0; r < 3; r++) acc[r][vol + x] += wi * prob[off + r * pv + win + x];
            }
        });
    }

    /**
     * Region bits from probabilities: each region where its probability exceeds its threshold, made
     * nested (ET ⊂ TC ⊂ WT) the way a label map is: a voxel over the ET threshold is also tumour core
     * and whole tumour, one over the TC threshold also whole tumour (the innermost region wins, as in
     * {@link LabelScheme#labelFor} and nnU-Net's region-to-label conversion). So {@code seg-eval}
     * scores exactly the regions of the label file {@code seg-predict} writes, which is what the
     * BraTS evaluators read. Then, when {@code etMinVoxels > 0} and fewer ET voxels than that were
     * predicted, ET is removed and those voxels stay tumour core (LCKD relabels small ET to
     * necrosis, spec §5.7–6.2).
     */
    public static byte[] regions(float[][] probs, double[] thresholds, int etMinVoxels) {
        int n = probs[0].length;
        byte[] out = new byte[n];
        int et = 0;
        for (int i = 0; i < n; i++) {
            int b = 0;
            if (probs[0][i] > thresholds[0]) b |= SegVolume.WT;
            if (probs[1][i] > thresholds[1]) b |= SegVolume.TC | SegVolume.WT;
            if (probs[2][i] > thresholds[2]) {
                b |= SegVolume.ET | SegVolume.TC | SegVolume.WT;
                et++;
            }
            out[i] = (byte) b;
        }
        if (etMinVoxels > 0 && et > 0 && et < etMinVoxels) {
            for (int i = 0; i < n; i++) {
                if ((out[i] & SegVolume.ET) != 0) out[i] = (byte) ((out[i] & ~SegVolume.ET) | SegVolume.TC | SegVolume.WT);
            }
        }
        return out;
    }
}
