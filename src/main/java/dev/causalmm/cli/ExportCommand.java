package dev.causalmm.cli;

import dev.causalmm.interop.ExportOptions;
import dev.causalmm.interop.TrainedModel;
import dev.causalmm.io.OutputFolder;
import dev.causalmm.io.SafeTensors;
import dev.causalmm.seg.TrainedSegModel;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code causalmm export}: writes a trained model (or a seg-train folder's U-Net) as safetensors + model card (+ LibTorch archive). */
@Command(name = "export", mixinStandardHelpOptions = true)
final class ExportCommand implements Callable<Integer> {
    @Option(names = "--checkpoint", required = true) Path checkpoint;
    @Option(names = "--out", required = true) Path out;
    @Option(names = "--dtype", defaultValue = "float32") String dtype;
    @Option(names = "--libtorch-archive", negatable = true, defaultValue = "true", fallbackValue = "true") boolean archive;
    @picocli.CommandLine.Mixin OverwriteOption overwrite;

    @Override
    public Integer call() throws Exception {
        OutputFolder.requireFolder("--out", out);
        ExportOptions options = new ExportOptions(SafeTensors.DType.ofExportName(dtype), archive);
        System.out.println(TrainedSegModel.isCheckpoint(checkpoint)
                ? TrainedSegModel.exportCheckpoint(checkpoint, out, options.dtype(), archive, overwrite.overwrite)
                : TrainedModel.exportCheckpoint(checkpoint, out, options, overwrite.overwrite));
        return 0;
    }
}
