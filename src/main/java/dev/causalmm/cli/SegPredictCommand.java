package dev.causalmm.cli;

import dev.causalmm.seg.TrainedSegModel;
import dev.causalmm.seg.SegModelConfig;
import dev.causalmm.seg.PredictionLayout;
import dev.causalmm.seg.SegPipeline;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code causalmm seg-predict}: label volumes for DATA's cases, in their source geometry. */
@Command(name = "seg-predict", mixinStandardHelpOptions = true)
final class SegPredictCommand implements Callable<Integer> {
    @Option(names = "--checkpoint", required = true) Path checkpoint;
    @Option(names = "--data", required = true) Path data;
    @Option(names = "--out", required = true) Path out;
    @Mixin SegDataCliOptions dataOptions;
    @Mixin SegInferenceOptions inference;
    @Option(names = "--layout", defaultValue = "flat") String layout;
    @Mixin OverwriteOption overwrite;

    @Override
    public Integer call() throws Exception {
        SegModelConfig cfg = TrainedSegModel.readConfig(checkpoint);
        var written = SegPipeline.predict(checkpoint, data, dataOptions.override(SegPipeline.optionsFromJson(cfg.data())),
                inference.settings(cfg.patch()), out, overwrite.overwrite, PredictionLayout.parse(layout));
        System.out.println("seg-predict: " + written.size() + " prediction(s) in " + out);
        return 0;
    }
}
