package dev.causalmm.seg;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Draws training patches from preprocessed volumes, seeded: a volume uniformly, then with
 * probability {@code foregroundFraction} a patch that contains a random tumour voxel (foreground
 * oversampling, as nnU-Net does: tumours are a few percent of the brain), otherwise a uniform
 * position; random mirror flips per axis; and modality dropout: one of the non-empty subsets of the
 * modalities the case actually has, uniformly (mmFormer/RFNet, spec §6.2), the others zero-filled.
 * Sides larger than the volume are zero-padded (background). Optionally each modality's
 * intensities are scaled by a random factor (contrast augmentation; background 0 stays 0).
 *
 * <p>Layout of a batch: {@code x} is {@code B×K×pz×py×px} (x fastest, as in NIfTI), {@code mask}
 * {@code B×K}, {@code y} {@code B×3×pz×py×px} with channels WT, TC, ET.
 */
public final class PatchSampler {

    /**
     * @param patch              patch sides {px, py, pz}
     * @param foregroundFraction share of patches forced to contain a tumour voxel, in [0, 1]
     * @param flips              random mirroring on each axis
     * @param modalityDropout    draw a random non-empty subset of the case's modalities per patch
     * @param intensityScale     multiply each modality of a patch by a factor drawn from
     *     {@code U(1 − s, 1 + s)} (0 = off): scanners and protocols differ in contrast, and with a
     *     handful of training cases the network otherwise learns their exact intensities
     */
    public record Settings(int[] patch, double foregroundFraction, boolean flips, boolean modalityDropout, double intensityScale) {
        public Settings(int[] patch, double foregroundFraction, boolean flips, boolean modalityDropout) {
            this(patch, foregroundFraction, flips, modalityDropout, 0);
        }

        public Settings {
            if (!(intensityScale >= 0 && intensityScale < 1)) {
                throw new IllegalArgumentException("intensity scale must be in [0, 1), got " + intensityScale);
            }
            if (patch.length != 3 || patch[0] <= 0 || patch[1] <= 0 || patch[2] <= 0) {
                throw new IllegalArgumentException("patch needs three sides > 0, got " + java.util.Arrays.toString(patch));
            }
            patch = patch.clone();
            if (!(foregroundFraction >= 0 && foregroundFraction <= 1)) {
                throw new IllegalArgumentException("foreground fraction must be in [0, 1], got " + foregroundFraction);
            }
        }

        @Override
        public int[] patch() {
            return patch.clone();
        }
    }

    /** One batch in host memory, ready to copy into tensors. */
    public record Batch(int size, int modalities, int[] patch, float[] x, float[] mask, float[] y) {
        public long[] inputShape() {
            return new long[] {size, modalities, patch[2], patch[1], patch[0]};
        }

        public long[] targetShape() {
            return new long[] {size, 3, patch[2], patch[1], patch[0]};
        }
    }

    private final List<SegVolume> volumes;
    private final Settings settings;
    private final SplittableRandom random;
    private final List<int[]> foreground = new ArrayList<>();
    private final int k;

    public PatchSampler(List<SegVolume> volumes, Settings settings, long seed) {
        if (volumes.isEmpty()) throw new IllegalArgumentException("no volumes to sample patches from");
        this.volumes = List.copyOf(volumes);
        this.settings = settings;
        this.random = new SplittableRandom(seed);
        this.k = volumes.getFirst().modalities().size();
        for (SegVolume v : volumes) {
            if (v.regions() == null) throw new IllegalArgumentException("case " + v.id() + " has no label: training needs labelled cases");
            if (!v.modalities().equals(volumes.getFirst().modalities())) {
                throw new IllegalArgumentException("case " + v.id() + " has modalities " + v.modalities() + ", the dataset "
                        + volumes.getFirst().modalities());
            }
            if (availability(v) == 0) throw new IllegalArgumentException("case " + v.id() + " has none of the modalities " + v.modalities());
            byte[] r = v.regions();
            int n = 0;
            for (byte b : r) if ((b & SegVolume.WT) != 0) n++;
            int[] idx = new int[n];
            n = 0;
            for (int i = 0; i < r.length; i++) if ((r[i] & SegVolume.WT) != 0) idx[n++] = i;
            foreground.add(idx);
        }
    }

    /** How patches are drawn. */
    public Settings settings() {
        return settings;
    }

    /** Bit mask of the modalities {@code v} has. */
    public static int availability(SegVolume v) {
        int m = 0;
        for (int c = 0; c < v.modalities().size(); c++) if (v.has(c)) m |= 1 << c;
        return m;
    }

    /** A uniformly drawn non-empty subset of the bits of {@code available}. */
    static int randomSubset(int available, SplittableRandom random) {
        int bits = Integer.bitCount(available);
        int pick = 1 + random.nextInt((1 << bits) - 1);   // 1 .. 2^bits − 1 over the available bits
        int out = 0;
        int j = 0;
        for (int i = 0; i < 31; i++) {
            if ((available >> i & 1) == 0) continue;
            if ((pick >> j & 1) != 0) out |= 1 << i;
            j++;
        }
        return out;
    }

    public Batch next(int batchSize) {
        int[] p = settings.patch();
        int pv = p[0] * p[1] * p[2];
        float[] x = new float[batchSize * k * pv];
        float[] mask = new float[batchSize * k];
        float[] y = new float[batchSize * 3 * pv];
        for (int b = 0; b < batchSize; b++) {
            int vi = random.nextInt(volumes.size());
            SegVolume v = volumes.get(vi);
            int[] s = v.shape();
            int[] start = new int[3];
            int[] fg = foreground.get(vi);
            boolean forceFg = fg.length > 0 && random.nextDouble() < settings.foregroundFraction();
            int centre = forceFg ? fg[random.nextInt(fg.length)] : -1;
            int[] c = centre < 0 ? null : new int[] {centre % s[0], centre / s[0] % s[1], centre / (s[0] * s[1])};
            for (int a = 0; a < 3; a++) {
                int lo = Math.min(0, (s[a] - p[a]) / 2);
                int hi = Math.max(0, s[a] - p[a]);
                if (s[a] < p[a]) {
                    start[a] = lo;
                } else if (c != null) {
                    int from = Math.max(0, c[a] - p[a] + 1);
                    int to = Math.min(hi, c[a]);
                    start[a] = from + random.nextInt(to - from + 1);
                } else {
                    start[a] = random.nextInt(hi + 1);
                }
            }
            boolean[] flip = new boolean[3];
            for (int a = 0; a < 3; a++) flip[a] = settings.flips() && random.nextBoolean();
            int avail = availability(v);
            int use = settings.modalityDropout() ? randomSubset(avail, random) : avail;
            for (int m = 0; m < k; m++) {
                if ((use >> m & 1) == 0) continue;
                mask[b * k + m] = 1f;
                copy(v.channels()[m], s, start, p, flip, x, (b * k + m) * pv);
                if (settings.intensityScale() > 0) {
                    float f = (float) (1 + settings.intensityScale() * (2 * random.nextDouble() - 1));
                    int off = (b * k + m) * pv;
                    for (int i = off; i < off + pv; i++) x[i] *= f;
                }
            }
            byte[] r = v.regions();
            for (int ch = 0; ch < 3; ch++) copyRegion(r, 1 << ch, s, start, p, flip, y, (b * 3 + ch) * pv);
        }
        return new Batch(batchSize, k, p, x, mask, y);
    }

    static void copy(float[] src, int[] s, int[] start, int[] p, boolean[] flip, float[] dst, int off) {
        for (int z = 0; z < p[2]; z++) {
            int sz = start[2] + z;
            if (sz < 0 || sz >= s[2]) continue;
            int dz = flip[2] ? p[2] - 1 - z : z;
            for (int yy = 0; yy < p[1]; yy++) {
                int sy = start[1] + yy;
                if (sy < 0 || sy >= s[1]) continue;
                int dy = flip[1] ? p[1] - 1 - yy : yy;
                int srcRow = s[0] * (sy + s[1] * sz);
                int dstRow = off + p[0] * (dy + p[1] * dz);
                int x0 = Math.max(0, -start[0]);
                int x1 = Math.min(p[0], s[0] - start[0]);
                if (!flip[0]) {
                    if (x1 > x0) System.arraycopy(src, srcRow + start[0] + x0, dst, dstRow + x0, x1 - x0);
                } else {
                    for (int xx = x0; xx < x1; xx++) dst[dstRow + p[0] - 1 - xx] = src[srcRow + start[0] + xx];
                }
            }
        }
    }

    private static void copyRegion(byte[] src, int bit, int[] s, int[] start, int[] p, boolean[] flip, float[] dst, int off) {
        for (int z = 0; z < p[2]; z++) {
            int sz = start[2] + z;
            if (sz < 0 || sz >= s[2]) continue;
            int dz = flip[2] ? p[2] - 1 - z : z;
            for (int yy = 0; yy < p[1]; yy++) {
                int sy = start[1] + yy;
                if (sy < 0 || sy >= s[1]) continue;
                int dy = flip[1] ? p[1] - 1 - yy : yy;
                int srcRow = s[0] * (sy + s[1] * sz);
                int dstRow = off + p[0] * (dy + p[1] * dz);
                int x0 = Math.max(0, -start[0]);
                int x1 = Math.min(p[0], s[0] - start[0]);
                for (int xx = x0; xx < x1; xx++) {
                    if ((src[srcRow + start[0] + xx] & bit) != 0) dst[dstRow + (flip[0] ? p[0] - 1 - xx : xx)] = 1f;
                }
            }
        }
    }
}
