package dev.causalmm.seg;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a segmentation dataset's files are and how to prepare them: configuration, not code. Each
 * case is one subfolder of the data folder; inside it, each modality, the label and the optional
 * brain mask are found by a file-name glob ({@code *}, {@code ?}, {@code [..]} and {@code {a,b}}
 * as in {@link java.nio.file.FileSystem#getPathMatcher}, matched against file names only).
 *
 * @param modalities modality name to glob, in the dataset's channel order (insertion order kept)
 * @param labelGlob glob of the ground-truth label file; empty for unlabelled data
 * @param maskGlob glob of a brain-mask file; empty to use the nonzero voxels of any modality
 * @param labelScheme the label numbering
 * @param normalise z-score each modality inside the brain mask: on, off, or auto (skip when the
 *     data already has mean ≈ 0 and std ≈ 1 inside the mask)
 * @param cropMargin voxels kept around the brain's bounding box
 * @param cacheDir where preprocessed cases are cached; empty for no cache
 */
public record SegDataOptions(
        Map<String, String> modalities, Optional<String> labelGlob, Optional<String> maskGlob, LabelScheme labelScheme,
        Normalise normalise, int cropMargin, Optional<Path> cacheDir) {

    /** When to z-score. */
    public enum Normalise {
        ON, OFF, AUTO;

        /** {@code on}, {@code off} or {@code auto} (also true/false, yes/no). */
        public static Normalise parse(String s) {
            return switch (s.strip().toLowerCase(Locale.ROOT)) {
                case "on", "true", "yes" -> ON;
                case "off", "false", "no" -> OFF;
                case "auto" -> AUTO;
                default -> throw new IllegalArgumentException("normalise must be on, off or auto, got '" + s + "'");
            };
        }
    }

    /** The BraTS 2018–2021 file names: {@code *_flair}, {@code *_t1}, {@code *_t1ce}, {@code *_t2}, {@code *_seg}, {@code .nii.gz} or {@code .nii}. */
    public static final Map<String, String> BRATS2018_MODALITIES = orderedOf(
            "flair", "*_flair.nii{,.gz}", "t1", "*_t1.nii{,.gz}", "t1ce", "*_t1ce.nii{,.gz}", "t2", "*_t2.nii{,.gz}");

    /** The BraTS 2023 file names ({@code *-t2f}, {@code *-t1n}, {@code *-t1c}, {@code *-t2w}, {@code *-seg}). */
    public static final Map<String, String> BRATS2023_MODALITIES = orderedOf(
            "flair", "*-t2f.nii{,.gz}", "t1", "*-t1n.nii{,.gz}", "t1ce", "*-t1c.nii{,.gz}", "t2", "*-t2w.nii{,.gz}");

    public SegDataOptions {
        if (modalities.isEmpty()) throw new IllegalArgumentException("at least one modality is needed (name=glob)");
        for (var e : modalities.entrySet()) checkModality(e.getKey(), e.getValue());
        modalities = Collections.unmodifiableMap(new LinkedHashMap<>(modalities));
        Objects.requireNonNull(labelGlob, "labelGlob");
        Objects.requireNonNull(maskGlob, "maskGlob");
        Objects.requireNonNull(labelScheme, "labelScheme");
        Objects.requireNonNull(normalise, "normalise");
        if (cropMargin < 0) throw new IllegalArgumentException("crop margin must be >= 0, got " + cropMargin);
        Objects.requireNonNull(cacheDir, "cacheDir");
    }

    /** BraTS 2018–2021 naming and labels, auto normalisation, a 4-voxel crop margin, no cache. */
    public static SegDataOptions defaults() {
        return new SegDataOptions(BRATS2018_MODALITIES, Optional.of("*_seg.nii{,.gz}"), Optional.empty(), LabelScheme.BRATS2018,
                Normalise.AUTO, 4, Optional.empty());
    }

    /** BraTS 2023 naming ({@code *-t2f} …) and labels (ET = 3). */
    public static SegDataOptions brats2023() {
        return new SegDataOptions(BRATS2023_MODALITIES, Optional.of("*-seg.nii{,.gz}"), Optional.empty(), LabelScheme.BRATS2023,
                Normalise.AUTO, 4, Optional.empty());
    }

    /**
     * Parses {@code name=glob} strings (the CLI's repeated {@code --modality}) into an ordered map.
     *
     * @throws IllegalArgumentException naming the bad entry: no '=', empty name or glob, a name given twice
     */
    public static Map<String, String> parseModalities(List<String> specs) {
        LinkedHashMap<String, String> m = new LinkedHashMap<>();
        for (String spec : specs) {
            int eq = spec.indexOf('=');
            if (eq < 0) throw new IllegalArgumentException("--modality '" + spec + "': expected name=glob, e.g. flair=*_flair.nii.gz");
            String name = spec.substring(0, eq).strip(), glob = spec.substring(eq + 1).strip();
            checkModality(name, glob);
            if (m.put(name, glob) != null) throw new IllegalArgumentException("--modality: modality '" + name + "' given twice");
        }
        return m;
    }

    private static void checkModality(String name, String glob) {
        if (name.isEmpty() || !name.matches("[A-Za-z0-9_.-]+")) {
            throw new IllegalArgumentException("modality name '" + name + "' must be letters, digits, '_', '-' or '.'");
        }
        if (glob.isEmpty()) throw new IllegalArgumentException("modality " + name + ": empty glob");
        if (glob.contains("/")) throw new IllegalArgumentException("modality " + name + ": glob '" + glob + "' matches file names, not paths");
    }

    public SegDataOptions withModalities(Map<String, String> m) {
        return new SegDataOptions(m, labelGlob, maskGlob, labelScheme, normalise, cropMargin, cacheDir);
    }

    /** {@code glob} empty or null for unlabelled data. */
    public SegDataOptions withLabel(String glob) {
        return new SegDataOptions(modalities, Optional.ofNullable(glob).filter(g -> !g.isBlank()), maskGlob, labelScheme, normalise,
                cropMargin, cacheDir);
    }

    public SegDataOptions withMask(String glob) {
        return new SegDataOptions(modalities, labelGlob, Optional.ofNullable(glob).filter(g -> !g.isBlank()), labelScheme, normalise,
                cropMargin, cacheDir);
    }

    public SegDataOptions withLabelScheme(LabelScheme s) {
        return new SegDataOptions(modalities, labelGlob, maskGlob, s, normalise, cropMargin, cacheDir);
    }

    public SegDataOptions withNormalise(Normalise n) {
        return new SegDataOptions(modalities, labelGlob, maskGlob, labelScheme, n, cropMargin, cacheDir);
    }

    public SegDataOptions withCropMargin(int margin) {
        return new SegDataOptions(modalities, labelGlob, maskGlob, labelScheme, normalise, margin, cacheDir);
    }

    public SegDataOptions withCacheDir(Path dir) {
        return new SegDataOptions(modalities, labelGlob, maskGlob, labelScheme, normalise, cropMargin, Optional.ofNullable(dir));
    }

    /**
     * The case-discovery options a command line gave, on top of these (null: left out): modalities as
     * NAME=GLOB specs, the label and mask globs, the label scheme and normalisation by name, the crop
     * margin and the cache folder.
     */
    public SegDataOptions withGiven(List<String> modalitySpecs, String label, String mask, String scheme, String normalisation, Integer margin,
                                    Path cache) {
        SegDataOptions o = this;
        if (modalitySpecs != null) o = o.withModalities(parseModalities(modalitySpecs));
        if (label != null) o = o.withLabel(label);
        if (mask != null) o = o.withMask(mask);
        if (scheme != null) o = o.withLabelScheme(LabelScheme.parse(scheme));
        if (normalisation != null) o = o.withNormalise(Normalise.parse(normalisation));
        if (margin != null) o = o.withCropMargin(margin);
        return cache != null ? o.withCacheDir(cache) : o;
    }

    private static Map<String, String> orderedOf(String... kv) {
        LinkedHashMap<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
        return Collections.unmodifiableMap(m);
    }

    /** The modality names in channel order. */
    public List<String> modalityNames() {
        return new ArrayList<>(modalities.keySet());
    }
}
