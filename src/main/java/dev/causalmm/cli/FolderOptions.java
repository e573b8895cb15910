package dev.causalmm.cli;

import dev.causalmm.data.ImageTextFolderOptions;
import dev.causalmm.nn.PretrainedEncoderSpec;
import java.util.List;
import picocli.CommandLine.Option;

/** How {@code --dataset MANIFEST.jsonl|.csv} is read (image+text folders), and pretrained TorchScript encoders. */
final class FolderOptions {
    private static final ImageTextFolderOptions D = ImageTextFolderOptions.defaults();

    @Option(names = "--text-field") String textField;
    @Option(names = "--image-field") String imageField;
    @Option(names = "--label-field") String labelField;
    @Option(names = "--split-field") String splitField;
    @Option(names = "--val-manifest") String valManifest;
    @Option(names = "--test-manifest") String testManifest;
    @Option(names = "--image-size", converter = CliChecks.Positive.class) int imageSize = D.imageSize();
    @Option(names = "--resize", converter = CliChecks.Positive.class) int resize; // 0: the record's default, image size · 8/7
    @Option(names = "--augment", negatable = true, defaultValue = "true", fallbackValue = "true") boolean augment;
    @Option(names = "--text-length", converter = CliChecks.Positive.class) int textLength = D.textLength();
    @Option(names = "--tokenizer") String tokenizer;
    @Option(names = "--min-count", converter = CliChecks.Positive.class) int minCount = D.minCount();
    @Option(names = "--max-vocab", converter = CliChecks.Positive.class) int maxVocab = D.maxVocab();
    @Option(names = "--lowercase", negatable = true, defaultValue = "true", fallbackValue = "true") boolean lowercase;
    @Option(names = "--encoder") List<String> encoders;

    /**
     * The reading options; the split shares ({@code --split}, train,val,test), the seed of the split and
     * of the augmentation ({@code --data-seed}) and {@code --skip-bad} are shared with feature files.
     */
    ImageTextFolderOptions folder(List<Double> split, long seed, boolean skipBad) {
        List<Double> shares = ImageTextFolderOptions.givenSplit(split);
        String tokenizerFile = ImageTextFolderOptions.givenTokenizer(tokenizer);
        return new ImageTextFolderOptions(textField, imageField, labelField, splitField, valManifest, testManifest, shares, seed, imageSize,
                resize, augment, textLength, tokenizerFile, minCount, maxVocab, lowercase, skipBad, null, null);
    }

    List<PretrainedEncoderSpec> encoders() {
        return encoders == null ? List.of() : encoders.stream().map(PretrainedEncoderSpec::parse).toList();
    }
}
