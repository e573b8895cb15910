package dev.causalmm.cli;

import dev.causalmm.interop.ExportOptions;
import dev.causalmm.interop.TrainedModel;
import dev.causalmm.io.SafeTensors;
import dev.causalmm.train.Checkpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code causalmm export}: writes a trained model as safetensors + model card (+ LibTorch archive). */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Export a model.ckpt written by 'train' to OUT/model.safetensors, OUT/model.json (the model card) and"
                + " OUT/model.pt (a LibTorch archive). TrainedModel.load(OUT) rebuilds the same model; see docs/export.md.")
final class ExportCommand implements Callable<Integer> {
    @Option(names = "--checkpoint", required = true,
            description = "A model.ckpt written by 'causalmm train', or the checkpoint folder that holds it.")
    Path checkpoint;

    @Option(names = "--out", required = true, description = "Output folder for the exported model.")
    Path out;

    @Option(names = "--dtype", defaultValue = "float32",
            description = "Weight type in the safetensors file: float32, bfloat16 or float16 (default: ${DEFAULT-VALUE}).")
    String dtype;

    @Option(names = "--libtorch-archive", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Also write OUT/model.pt, a LibTorch archive of the same tensors (default: on).")
    boolean archive;

    @picocli.CommandLine.Mixin OverwriteOption overwrite;

    @Override
    public Integer call() throws Exception {
        CliChecks.outFolder("--out", out);
        ExportOptions options = new ExportOptions(SafeTensors.DType.ofExportName(dtype), archive);
        Path file = Files.isDirectory(checkpoint) ? checkpoint.resolve("model.ckpt") : checkpoint;
        if (Files.isDirectory(checkpoint) && !Files.exists(file)) {
            throw new IllegalArgumentException("--checkpoint " + checkpoint + " is a folder without a model.ckpt; give the folder"
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
}
