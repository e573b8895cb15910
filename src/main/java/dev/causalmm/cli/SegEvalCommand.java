package dev.causalmm.cli;

import dev.causalmm.seg.SegCheckpoint;
import dev.causalmm.seg.SegEvaluation;
import dev.causalmm.seg.SegModelConfig;
import dev.causalmm.seg.SegPipeline;
import dev.causalmm.seg.SegReport;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code causalmm seg-eval}: the 15-subset Dice table of a seg-train checkpoint on labelled cases. */
@Command(name = "seg-eval", mixinStandardHelpOptions = true,
        description = "Evaluate a seg-train checkpoint folder on DATA's labelled cases under every modality subset;"
                + " writes OUT/results.json, OUT/report.md and OUT/dice-heatmap.png. Data options default to the checkpoint's.")
final class SegEvalCommand implements Callable<Integer> {
    @Option(names = "--checkpoint", required = true, description = "Folder written by seg-train.") Path checkpoint;
    @Option(names = "--data", required = true, description = "Folder with one sub-folder per case.") Path data;
    @Option(names = "--out", required = true, description = "Output folder.") Path out;
    @Mixin SegDataCliOptions dataOptions;
    @Mixin SegInferenceOptions inference;

    @picocli.CommandLine.Mixin OverwriteOption overwrite;

    @Override
    public Integer call() throws Exception {
        SegModelConfig cfg = SegCheckpoint.readConfig(checkpoint);
        SegEvaluation.Result r = SegPipeline.evaluate(checkpoint, data, dataOptions.override(SegPipeline.optionsFromJson(cfg.data())),
                inference.settings(cfg.patch()), out, overwrite.overwrite);
        if (r.meanDice() != null) {
            System.out.printf(Locale.ROOT, "seg-eval: mean Dice over subsets WT %.4f TC %.4f ET %.4f -> %s%n", r.meanDice()[0],
                    r.meanDice()[1], r.meanDice()[2], out.resolve(SegReport.REPORT));
        }
        return 0;
    }
}
