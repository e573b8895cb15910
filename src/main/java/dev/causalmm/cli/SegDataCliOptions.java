package dev.causalmm.cli;

import dev.causalmm.seg.LabelScheme;
import dev.causalmm.seg.SegDataOptions;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The case-discovery options shared by seg-train, seg-eval and seg-predict (mapped onto {@link SegDataOptions}). */
final class SegDataCliOptions {
    @Option(names = "--modality", paramLabel = "NAME=GLOB",
            description = "A modality and the glob of its file in each case folder, repeatable, in channel order"
                    + " (default: the BraTS 2018-2021 names flair=*_flair.nii{,.gz} t1=… t1ce=… t2=…).")
    List<String> modalities;

    @Option(names = "--label", paramLabel = "GLOB", description = "Glob of the label file (default: *_seg.nii{,.gz}).")
    String label;

    @Option(names = "--mask", paramLabel = "GLOB", description = "Glob of a brain-mask file (default: voxels where any modality is non-zero).")
    String mask;

    @Option(names = "--label-scheme", description = "brats2015, brats2018 (2017-2021), brats2023 or an explicit map"
            + " wt=1,2,4;tc=1,4;et=4 (default: brats2018).")
    String labelScheme;

    @Option(names = "--normalize", description = "Z-score each modality inside the brain: auto (skip data that is already"
            + " normalised), on or off (default: auto).")
    String normalize;

    @Option(names = "--crop-margin", description = "Voxels kept around the brain's bounding box (default: 4).")
    Integer cropMargin;

    @Option(names = "--cache", paramLabel = "DIR", description = "Cache preprocessed cases in DIR.")
    java.nio.file.Path cache;

    boolean anyGiven() {
        return modalities != null || label != null || mask != null || labelScheme != null || normalize != null || cropMargin != null;
    }

    /** The options given on top of {@code base}. */
    SegDataOptions apply(SegDataOptions base) {
        SegDataOptions o = base;
        if (modalities != null) o = o.withModalities(SegDataOptions.parseModalities(modalities));
        if (label != null) o = o.withLabel(label);
        if (mask != null) o = o.withMask(mask);
        if (labelScheme != null) o = o.withLabelScheme(LabelScheme.parse(labelScheme));
        if (normalize != null) o = o.withNormalise(SegDataOptions.Normalise.parse(normalize));
        if (cropMargin != null) o = o.withCropMargin(cropMargin);
        if (cache != null) o = o.withCacheDir(cache);
        return o;
    }

    /**
     * Whether the command reads a cases manifest ({@code --cases}) rather than a folder ({@code --data}):
     * exactly one of them; the discovery options belong to the manifest's sets then.
     */
    boolean useCases(java.nio.file.Path data, java.nio.file.Path cases) {
        if ((data == null) == (cases == null)) throw new IllegalArgumentException("give either --data DIR or --cases FILE (a cases manifest)");
        if (cases != null && anyGiven()) {
            throw new IllegalArgumentException("--cases: the manifest gives each set's --modality/--label/--mask/--label-scheme/--normalize/"
                    + "--crop-margin; drop them from the command line");
        }
        return cases != null;
    }

    /** For eval/predict: empty (use the checkpoint's) unless some option was given. */
    Optional<SegDataOptions> override(SegDataOptions recorded) {
        return anyGiven() || cache != null ? Optional.of(apply(recorded)) : Optional.empty();
    }
}
