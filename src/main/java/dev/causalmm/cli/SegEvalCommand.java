package dev.causalmm.cli;

import dev.causalmm.seg.TrainedSegModel;
import dev.causalmm.seg.CasesManifest;
import dev.causalmm.seg.SegEvaluation;
import dev.causalmm.seg.SegModelConfig;
import dev.causalmm.seg.SegPipeline;
import dev.causalmm.seg.SegReport;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code causalmm seg-eval}: the 15-subset Dice table of a seg-train checkpoint on labelled cases. */
@Command(name = "seg-eval", mixinStandardHelpOptions = true)
final class SegEvalCommand implements Callable<Integer> {
    @Option(names = "--checkpoint", required = true) Path checkpoint;
    @Option(names = "--data") Path data;
    @Option(names = "--cases", paramLabel = "FILE") Path cases;
    @Option(names = "--out", required = true) Path out;
    @Mixin SegDataCliOptions dataOptions;
    @Mixin SegInferenceOptions inference;
    @Mixin OverwriteOption overwrite;

    @Override
    public Integer call() throws Exception {
        SegModelConfig cfg = TrainedSegModel.readConfig(checkpoint);
        SegEvaluation.Result r = dataOptions.useCases(data, cases)
                ? SegPipeline.evaluate(checkpoint, CasesManifest.read(cases), java.util.Optional.ofNullable(dataOptions.cache),
                        inference.settings(cfg.patch()), out, overwrite.overwrite)
                : SegPipeline.evaluate(checkpoint, data, dataOptions.override(SegPipeline.optionsFromJson(cfg.data())),
                        inference.settings(cfg.patch()), out, overwrite.overwrite);
        r.summary(out.resolve(SegReport.REPORT)).ifPresent(System.out::println);
        return 0;
    }
}
