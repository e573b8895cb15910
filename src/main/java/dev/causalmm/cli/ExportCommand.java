package dev.causalmm.cli;

import dev.causalmm.interop.ExportOptions;
import dev.causalmm.interop.TrainedModel;
import dev.causalmm.io.OutputFolder;
import dev.causalmm.io.SafeTensors;
import dev.causalmm.io.UserInputException;
import dev.causalmm.seg.TrainedSegModel;
import dev.causalmm.train.Checkpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code causalmm export}: writes a trained model as safetensors + model card (+ LibTorch archive). */
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
        if (TrainedSegModel.isCheckpoint(checkpoint)) return exportSegmentation(options);
        Path file = Files.isDirectory(checkpoint) ? checkpoint.resolve("model.ckpt") : checkpoint;
        if (Files.isDirectory(checkpoint) && !Files.exists(file)) {
            throw new UserInputException("--checkpoint " + checkpoint + " is a folder without a model.ckpt; give the folder"
                    + " train writes under checkpoints/ (or the model.ckpt in it)");
        }
        try (TrainedModel trained = Failures.userInput(() -> TrainedModel.fromCheckpoint(file))) {
            TrainedModel.claimExportFolder(out, file, overwrite.overwrite);
            trained.export(out, options);
            System.out.println("exported " + trained.modelName() + " (" + trained.parameters().size() + " tensors, "
                    + options.dtype().longName() + ") to " + out.resolve(TrainedModel.WEIGHTS_FILE) + " and " + out.resolve(TrainedModel.CARD_FILE)
                    + (archive ? " and " + out.resolve(TrainedModel.ARCHIVE_FILE) : ""));
        }
        return 0;
    }

    /** A seg-train checkpoint folder: the U-Net, its card (modalities, label scheme, window, normalisation). */
    private int exportSegmentation(ExportOptions options) throws Exception {
        try (TrainedSegModel trained = Failures.userInput(() -> TrainedSegModel.fromCheckpoint(checkpoint))) {
            TrainedSegModel.claimExportFolder(out, checkpoint, overwrite.overwrite);
            trained.export(out, options.dtype(), options.libtorchArchive());
            System.out.println("exported segmentation unet3d " + trained.config().modalities() + " (" + trained.model().namedParameters().size()
                    + " tensors, " + options.dtype().longName() + ") to " + out.resolve(TrainedSegModel.WEIGHTS_FILE) + " and "
                    + out.resolve(TrainedSegModel.CARD_FILE) + (archive ? " and " + out.resolve(TrainedSegModel.ARCHIVE_FILE) : ""));
        }
        return 0;
    }
}
