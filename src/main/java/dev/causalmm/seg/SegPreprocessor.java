package dev.causalmm.seg;

import dev.causalmm.io.FormatException;
import dev.causalmm.io.Nifti;
import dev.causalmm.io.NiftiHeader;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a discovered {@link SegCase} into a {@link SegVolume}: reads every modality (they must
 * share one voxel grid), z-scores each inside the brain mask (unless the data is already
 * normalised, see {@link SegDataOptions.Normalise}), maps the label file to region bits with the
 * {@link LabelScheme}, and crops everything to the bounding box of the brain (and of the tumour,
 * in case a label lies outside the mask) plus a margin. With a cache folder, the result is stored
 * and a later run with the same files and options skips decoding ({@link SegCache}).
 *
 * <p>The brain mask is the mask file when the options name one, else the voxels where any
 * modality differs from its background value ({@link #background}: 0 for raw scans, the constant
 * outside the head for z-scored files). Decoding reuses one native buffer across files, so a loop over cases does
 * not pay the page faults of fresh memory for every volume. Not thread-safe: one per thread.
 */
public final class SegPreprocessor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SegPreprocessor.class);
    /**
     * {@code auto} normalisation keeps the values when, inside the brain, |mean| is at most this and
     * the std lies within a factor {@link #NORMALISED_MAX_STD_RATIO} of 1. The bounds are loose on
     * purpose: files z-scored in another mask (the BraTS 2015 sample: mean −0.2…0, std 1.3–1.5
     * inside its brain mask) count as normalised, raw scans (means in the hundreds) and [0, 1]
     * rescaled ones (std ≈ 0.2) do not.
     */
    public static final double NORMALISED_MAX_MEAN = 0.5;
    /** See {@link #NORMALISED_MAX_MEAN}. */
    public static final double NORMALISED_MAX_STD_RATIO = 2;

    private final SegDataOptions options;
    private Arena scratchArena;
    private MemorySegment scratch;

    public SegPreprocessor(SegDataOptions options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    /** Loads every case (from the cache where it holds them). */
    public List<SegVolume> loadAll(List<SegCase> cases) throws IOException {
        List<SegVolume> out = new ArrayList<>(cases.size());
        for (SegCase c : cases) out.add(load(c));
        return out;
    }

    /** One case, from the cache when {@link SegDataOptions#cacheDir} holds it, else decoded (and then cached). */
    public SegVolume load(SegCase c) throws IOException {
        Optional<Path> mask = CaseDiscovery.maskFile(c, options);
        if (options.cacheDir().isPresent()) {
            SegCache cache = new SegCache(options.cacheDir().get());
            String key = SegCache.key(c, mask, options);
            Optional<SegVolume> hit = cache.get(c.id(), key);
            if (hit.isPresent()) return hit.get();
            SegVolume v = preprocess(c, mask);
            cache.put(key, v);
            return v;
        }
        return preprocess(c, mask);
    }

    /** One case decoded and preprocessed, no cache. */
    public SegVolume preprocess(SegCase c, Optional<Path> maskFile) throws IOException {
        List<String> names = options.modalityNames();
        float[][] full = new float[names.size()][];
        int[] grid = null;
        Path reference = null;
        String gridFrom = null;
        for (int m = 0; m < names.size(); m++) {
            Path f = c.modalityFiles().get(names.get(m));
            if (f == null) continue;
            Volume v = readVolume(f, c, "modality " + names.get(m));
            if (grid == null) {
                grid = v.shape;
                reference = f;
                gridFrom = names.get(m);
            } else {
                sameGrid(c, grid, gridFrom, v.shape, "modality " + names.get(m), f);
            }
            full[m] = v.values;
        }
        if (grid == null) {
            throw new FormatException(c.folder() + ": case " + c.id() + " has none of the modalities " + names);
        }
        int n = grid[0] * grid[1] * grid[2];
        boolean[] brain = new boolean[n];
        if (maskFile.isPresent()) {
            Volume mv = readVolume(maskFile.get(), c, "brain mask");
            sameGrid(c, grid, gridFrom, mv.shape, "brain mask", maskFile.get());
            for (int i = 0; i < n; i++) brain[i] = mv.values[i] != 0;
        } else {
            for (float[] ch : full) {
                if (ch == null) continue;
                float bg = background(ch);
                for (int i = 0; i < n; i++) brain[i] |= ch[i] != bg;
            }
        }
        byte[] fullRegions = null;
        if (c.labelFile().isPresent()) {
            Path lf = c.labelFile().get();
            Volume lv = readVolume(lf, c, "label");
            sameGrid(c, grid, gridFrom, lv.shape, "label", lf);
            fullRegions = options.labelScheme().toRegions(lv.values, lf.toString());
        }
        for (int m = 0; m < names.size(); m++) {
            if (full[m] != null) normalise(full[m], brain, c.id() + " " + names.get(m));
        }
        int[][] box = boundingBox(grid, brain, fullRegions, options.cropMargin());
        int[] lo = box[0], size = box[1];
        float[][] channels = new float[names.size()][];
        for (int m = 0; m < names.size(); m++) if (full[m] != null) channels[m] = crop(full[m], grid, lo, size);
        byte[] regions = fullRegions == null ? null : crop(fullRegions, grid, lo, size);
        LOG.debug("{}: grid {} cropped to {} at {}", c.id(), Arrays.toString(grid), Arrays.toString(size), Arrays.toString(lo));
        return new SegVolume(c.id(), size, names, channels, regions, new VolumeGeometry(grid, lo, reference,
                VolumeGeometry.spacingMm(Nifti.readHeader(reference))));
    }

    private record Volume(int[] shape, float[] values) {}

    private Volume readVolume(Path f, SegCase c, String what) throws IOException {
        NiftiHeader h = Nifti.readHeader(f);
        int[] d = h.dims();
        if (d.length < 3) throw new FormatException(f + ": " + what + " of case " + c.id() + " is " + d.length + "-D " + Arrays.toString(d) + "; a 3-D volume is needed");
        if (d.length == 4 && d[3] != 1) {
            throw new FormatException(f + ": " + what + " of case " + c.id() + " is 4-D with " + d[3] + " volumes " + Arrays.toString(d)
                    + "; a 3-D volume is needed");
        }
        long bytes = h.voxelCount() * h.datatype().bytes();
        if (h.voxelCount() > Integer.MAX_VALUE - 8) throw new FormatException(f + ": " + Arrays.toString(d) + " has too many voxels for one case");
        if (scratch == null || scratch.byteSize() < bytes) {
            if (scratchArena != null) scratchArena.close();
            scratchArena = Arena.ofConfined();
            scratch = scratchArena.allocate(Math.max(bytes, 1), 64);
        }
        float[] values = Nifti.read(f, SegmentAllocator.prefixAllocator(scratch)).toFloats();
        requireFinite(f, c, what, values, d);
        return new Volume(new int[] {d[0], d[1], d[2]}, values);
    }

    /** A NaN or infinite voxel would turn the loss into NaN many steps later: name the case and the voxel now. */
    private static void requireFinite(Path f, SegCase c, String what, float[] values, int[] d) throws FormatException {
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                int x = i % d[0], y = i / d[0] % d[1], z = i / d[0] / d[1];
                throw new FormatException(f + ": " + what + " of case " + c.id() + " has a non-finite value " + values[i] + " at voxel (x "
                        + x + ", y " + y + ", z " + z + "); fix or drop the case");
            }
        }
    }

    private static void sameGrid(SegCase c, int[] grid, String gridFrom, int[] shape, String what, Path f) throws FormatException {
        if (!Arrays.equals(grid, shape)) {
            throw new FormatException(f + ": " + what + " of case " + c.id() + " has dims " + Arrays.toString(shape) + " but modality "
                    + gridFrom + " has " + Arrays.toString(grid) + "; all volumes of a case must share one voxel grid (resample first)");
        }
    }

    /**
     * The value that fills the outside of the head: 0 for raw scans, but z-scored files store
     * (0 − mean) / std there (−3.6 in the BraTS 2015 sample). It is the corner voxel's value when
     * at least a tenth of the volume holds exactly that value, else 0.
     */
    static float background(float[] v) {
        float c = v[0];
        if (c == 0) return 0;
        long same = 0;
        for (float x : v) if (x == c) same++;
        return same >= v.length / 10 ? c : 0;
    }

    /**
     * Z-scores {@code v} inside {@code brain}, or keeps the values when the options say so ({@code off},
     * or {@code auto} with data already near unit scale); either way the voxels outside the brain
     * become 0, so every dataset shows the network the same background.
     */
    void normalise(float[] v, boolean[] brain, String what) {
        if (options.normalise() == SegDataOptions.Normalise.OFF) return;
        double sum = 0, sq = 0;
        long n = 0;
        for (int i = 0; i < v.length; i++) {
            if (brain[i]) {
                sum += v[i];
                sq += (double) v[i] * v[i];
                n++;
            }
        }
        if (n == 0) {
            LOG.warn("{}: the brain mask is empty; not normalised", what);
            return;
        }
        double mean = sum / n, std = Math.sqrt(Math.max(0, sq / n - mean * mean));
        if (options.normalise() == SegDataOptions.Normalise.AUTO && Math.abs(mean) <= NORMALISED_MAX_MEAN
                && std >= 1 / NORMALISED_MAX_STD_RATIO && std <= NORMALISED_MAX_STD_RATIO) {
            LOG.debug("{}: already normalised (mean {}, std {} inside the brain); values kept", what, mean, std);
            for (int i = 0; i < v.length; i++) if (!brain[i]) v[i] = 0f;
            return;
        }
        double scale = std > 1e-8 ? 1 / std : 1;
        for (int i = 0; i < v.length; i++) v[i] = brain[i] ? (float) ((v[i] - mean) * scale) : 0f;
    }

    /** {lo, size} of the box around the brain and the labelled voxels, widened by {@code margin}; the whole grid when both are empty. */
    static int[][] boundingBox(int[] grid, boolean[] brain, byte[] regions, int margin) {
        int[] lo = {Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE}, hi = {-1, -1, -1};
        int nx = grid[0], ny = grid[1], nz = grid[2];
        for (int z = 0, i = 0; z < nz; z++) {
            for (int y = 0; y < ny; y++) {
                for (int x = 0; x < nx; x++, i++) {
                    if (brain[i] || (regions != null && regions[i] != 0)) {
                        if (x < lo[0]) lo[0] = x;
                        if (x > hi[0]) hi[0] = x;
                        if (y < lo[1]) lo[1] = y;
                        if (y > hi[1]) hi[1] = y;
                        if (z < lo[2]) lo[2] = z;
                        if (z > hi[2]) hi[2] = z;
                    }
                }
            }
        }
        if (hi[0] < 0) return new int[][] {{0, 0, 0}, grid.clone()};
        int[] size = new int[3];
        for (int a = 0; a < 3; a++) {
            lo[a] = Math.max(0, lo[a] - margin);
            hi[a] = Math.min(grid[a] - 1, hi[a] + margin);
            size[a] = hi[a] - lo[a] + 1;
        }
        return new int[][] {lo, size};
    }

    static float[] crop(float[] v, int[] grid, int[] lo, int[] size) {
        float[] out = new float[size[0] * size[1] * size[2]];
        for (int z = 0, o = 0; z < size[2]; z++) {
            for (int y = 0; y < size[1]; y++, o += size[0]) {
                System.arraycopy(v, lo[0] + grid[0] * (lo[1] + y + grid[1] * (lo[2] + z)), out, o, size[0]);
            }
        }
        return out;
    }

    static byte[] crop(byte[] v, int[] grid, int[] lo, int[] size) {
        byte[] out = new byte[size[0] * size[1] * size[2]];
        for (int z = 0, o = 0; z < size[2]; z++) {
            for (int y = 0; y < size[1]; y++, o += size[0]) {
                System.arraycopy(v, lo[0] + grid[0] * (lo[1] + y + grid[1] * (lo[2] + z)), out, o, size[0]);
            }
        }
        return out;
    }

    @Override
    public void close() {
        if (scratchArena != null) scratchArena.close();
        scratchArena = null;
        scratch = null;
    }
}
