package dev.causalmm.seg;

import java.util.ArrayList;
import java.util.Arrays;
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
     * How patches are drawn from the seed: 2 = one generator per (seed, step, slot). Version 1 (one
     * stream, replayed on resume) drew other patches, so its checkpoints cannot be resumed exactly.
     */
    public static final int VERSION = 2;

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
                throw new IllegalArgumentException("patch needs three sides > 0, got " + Arrays.toString(patch));
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
    private final long seed;
    private long nextStep;
    private final List<int[]> foreground = new ArrayList<>();
    private final int k;

    public PatchSampler(List<SegVolume> volumes, Settings settings, long seed) {
        if (volumes.isEmpty()) throw new IllegalArgumentException("no volumes to sample patches from");
        this.volumes = List.copyOf(volumes);
        this.settings = settings;
        this.seed = seed;
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

    /** A sampler over volume {@code index} alone, drawing with other settings and another seed (LCKD's election patches). */
    public PatchSampler ofVolume(int index, Settings other, long otherSeed) {
        return new PatchSampler(List.of(volumes.get(index)), other, otherSeed);
    }

    /** Number of volumes patches are drawn from. */
    public int volumeCount() {
        return volumes.size();
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

    /** The batch of the next step (steps counted from 0 by this sampler): {@code batch(step++, batchSize)}. */
    public Batch next(int batchSize) {
        return batch(nextStep++, batchSize);
    }

    /**
     * The patches of optimizer step {@code step}: slot {@code b} is drawn from its own generator,
     * seeded by (seed, step, b), so any step's batch is known without drawing the ones before it
     * (a resumed run starts at its step at once) and a slot does not depend on the batch size.
     */
    public Batch batch(long step, int batchSize) {
        int[] p = settings.patch();
        int pv = p[0] * p[1] * p[2];
        float[] x = new float[batchSize * k * pv];
        float[] mask = new float[batchSize * k];
        float[] y = new float[batchSize * 3 * pv];
        for (int b = 0; b < batchSize; b++) drawSlot(slotRandom(step, b), b, p, x, mask, y);
        return new Batch(batchSize, k, p, x, mask, y);
    }

    /**
     * Draws slot {@code slot} of step {@code step} alone (as {@link #batch} would) into one-patch
     * arrays ({@code x}: K × patch, {@code mask}: K, {@code y}: 3 × patch, zeroed by the caller).
     * Safe to call from several threads at once.
     */
    public void sample(long step, int slot, float[] x, float[] mask, float[] y) {
        drawSlot(slotRandom(step, slot), 0, settings.patch(), x, mask, y);
    }

    /** Modalities (input channels) of every patch. */
    public int modalities() {
        return k;
    }

    /** The generator of slot {@code slot} of step {@code step} (version {@value #VERSION} of the draws). */
    private SplittableRandom slotRandom(long step, int slot) {
        return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + step * 0xBF58476D1CE4E5B9L + slot * 0x94D049BB133111EBL);
    }

    /** Draws one patch into slot {@code b} of the batch arrays. */
    private void drawSlot(SplittableRandom random, int b, int[] p, float[] x, float[] mask, float[] y) {
        int pv = p[0] * p[1] * p[2];
        int vi = random.nextInt(volumes.size());
        SegVolume v = volumes.get(vi);
        int[] s = v.shape();
        int[] fg = foreground.get(vi);
        boolean forceFg = fg.length > 0 && random.nextDouble() < settings.foregroundFraction();
        int centre = forceFg ? fg[random.nextInt(fg.length)] : -1;
        int[] c = centre < 0 ? null : new int[] {centre % s[0], centre / s[0] % s[1], centre / (s[0] * s[1])};
        int[] start = new int[3];
        for (int a = 0; a < 3; a++) start[a] = startOnAxis(s[a], p[a], c == null ? -1 : c[a], random);
        boolean[] flip = new boolean[3];
        for (int a = 0; a < 3; a++) flip[a] = settings.flips() && random.nextBoolean();
        int avail = availability(v);
        int use = settings.modalityDropout() ? randomSubset(avail, random) : avail;
        for (int m = 0; m < k; m++) {
            if ((use >> m & 1) == 0) continue;
            mask[b * k + m] = 1f;
            int off = (b * k + m) * pv;
            copy(v.channels()[m], s, start, p, flip, x, off);
            if (settings.intensityScale() > 0) {
                float f = (float) (1 + settings.intensityScale() * (2 * random.nextDouble() - 1));
                for (int i = off; i < off + pv; i++) x[i] *= f;
            }
        }
        byte[] r = v.regions();
        for (int ch = 0; ch < 3; ch++) copyRegion(r, 1 << ch, s, start, p, flip, y, (b * 3 + ch) * pv);
    }

    /** A window start on an axis of length {@code n} for side {@code p}: centred when it does not fit, else covering {@code centre} (-1 = anywhere). */
    private static int startOnAxis(int n, int p, int centre, SplittableRandom random) {
        if (n < p) return Math.min(0, (n - p) / 2);
        int hi = n - p;
        if (centre < 0) return random.nextInt(hi + 1);
        int from = Math.max(0, centre - p + 1);
        int to = Math.min(hi, centre);
        return from + random.nextInt(to - from + 1);
    }

    static void copy(float[] src, int[] s, int[] start, int[] p, boolean[] flip, float[] dst, int off) {
        WindowCrop.rows(s, start, p, flip, (vol, win, x0, x1) -> {
            if (!flip[0]) {
                System.arraycopy(src, vol + x0, dst, off + win + x0, x1 - x0);
            } else {
                for (int x = x0; x < x1; x++) dst[off + win + p[0] - 1 - x] = src[vol + x];
            }
        });
    }

    private static void copyRegion(byte[] src, int bit, int[] s, int[] start, int[] p, boolean[] flip, float[] dst, int off) {
        WindowCrop.rows(s, start, p, flip, (vol, win, x0, x1) -> {
            for (int x = x0; x < x1; x++) {
                if ((src[vol + x] & bit) != 0) dst[off + win + (flip[0] ? p[0] - 1 - x : x)] = 1f;
            }
        });
    }
}
