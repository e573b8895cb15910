package dev.causalmm.cli;

import dev.causalmm.seg.TrainedSegModel;
import dev.causalmm.seg.CasesManifest;
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
    @Option(names = "--checkpoint", required = true, description = "Folder written by seg-train, or its export (folder or model.safetensors).") Path checkpoint;
    @Option(names = "--data", description = "Folder with one sub-folder per case (or give --cases).") Path data;
    @Option(names = "--cases", paramLabel = "FILE", description = "A cases manifest (YAML) of held-out case sets; see docs/segmentation.md.")
    Path cases;
    @Option(names = "--out", required = true, description = "Output folder.") Path out;
    @Mixin SegDataCliOptions dataOptions;
    @Mixin SegInferenceOptions inference;

    @picocli.CommandLine.Mixin OverwriteOption overwrite;

    @Override
    public Integer call() throws Exception {
        SegModelConfig cfg = TrainedSegModel.readConfig(checkpoint);
        SegEvaluation.Result r = dataOptions.useCases(data, cases)
                ? SegPipeline.evaluate(checkpoint, CasesManifest.read(cases), java.util.Optional.ofNullable(dataOptions.cache),
                        inference.settings(cfg.patch()), out, overwrite.overwrite)
                : SegPipeline.evaluate(checkpoint, data, dataOptions.override(SegPipeline.optionsFromJson(cfg.data())),
                        inference.settings(cfg.patch()), out, overwrite.overwrite);
        if (r.meanDice() != null) {
            System.out.printf(Locale.ROOT, "seg-eval: mean Dice over subsets WT %.4f TC %.4f ET %.4f -> %s%n", r.meanDice()[0],
                    r.meanDice()[1], r.meanDice()[2], out.resolve(SegReport.REPORT));
        }
        return 0;
    }
}
