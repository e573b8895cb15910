package dev.causalmm.cli;

import dev.causalmm.seg.SegCheckpoint;
import dev.causalmm.seg.SegModelConfig;
import dev.causalmm.seg.SegPipeline;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code causalmm seg-predict}: label volumes for DATA's cases, in their source geometry. */
@Command(name = "seg-predict", mixinStandardHelpOptions = true,
        description = "Segment DATA's cases with a seg-train checkpoint folder; writes OUT/<case>_pred.nii.gz in each"
                + " case's source grid and header, labels numbered by the label scheme.")
final class SegPredictCommand implements Callable<Integer> {
    @Option(names = "--checkpoint", required = true, description = "Folder written by seg-train.") Path checkpoint;
    @Option(names = "--data", required = true, description = "Folder with one sub-folder per case (labels not needed).") Path data;
    @Option(names = "--out", required = true, description = "Output folder.") Path out;
    @Mixin SegDataCliOptions dataOptions;
    @Mixin SegInferenceOptions inference;

    @picocli.CommandLine.Mixin OverwriteOption overwrite;

    @Override
    public Integer call() throws Exception {
        SegModelConfig cfg = SegCheckpoint.readConfig(checkpoint);
        var written = SegPipeline.predict(checkpoint, data, dataOptions.override(SegPipeline.optionsFromJson(cfg.data())),
                inference.settings(cfg.patch()), out, overwrite.overwrite);
        System.out.println("seg-predict: " + written.size() + " prediction(s) in " + out);
        return 0;
    }
}
