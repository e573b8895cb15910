package dev.causalmm.cli;

import dev.causalmm.seg.CasesManifest;
import dev.causalmm.seg.SegDataOptions;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The case-discovery options shared by seg-train, seg-eval and seg-predict (mapped onto {@link SegDataOptions}). */
final class SegDataCliOptions {
    @Option(names = "--modality", paramLabel = "NAME=GLOB") List<String> modalities;
    @Option(names = "--label", paramLabel = "GLOB") String label;
    @Option(names = "--mask", paramLabel = "GLOB") String mask;
    @Option(names = "--label-scheme") String labelScheme;
    @Option(names = "--normalize") String normalize;
    @Option(names = "--crop-margin") Integer cropMargin;
    @Option(names = "--cache", paramLabel = "DIR") java.nio.file.Path cache;

    boolean anyGiven() {
        return modalities != null || label != null || mask != null || labelScheme != null || normalize != null || cropMargin != null;
    }

    /** The options given on top of {@code base}. */
    SegDataOptions apply(SegDataOptions base) {
        return base.withGiven(modalities, label, mask, labelScheme, normalize, cropMargin, cache);
    }

    /** Whether the command reads a cases manifest ({@code --cases}) rather than a folder ({@code --data}): {@link CasesManifest#chosen}. */
    boolean useCases(java.nio.file.Path data, java.nio.file.Path cases) {
        return CasesManifest.chosen(data, cases, anyGiven());
    }

    /** For eval/predict: empty (use the checkpoint's) unless some option was given. */
    Optional<SegDataOptions> override(SegDataOptions recorded) {
        return anyGiven() || cache != null ? Optional.of(apply(recorded)) : Optional.empty();
    }
}
