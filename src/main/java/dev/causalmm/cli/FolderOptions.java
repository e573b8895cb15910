package dev.causalmm.cli;

import dev.causalmm.data.ImageTextFolderOptions;
import dev.causalmm.nn.PretrainedEncoderSpec;
import java.util.List;
import picocli.CommandLine.Option;

/** How {@code --dataset MANIFEST.jsonl|.csv} is read (image+text folders), and pretrained TorchScript encoders. */
final class FolderOptions {
    @Option(names = "--text-field", description = "Manifest field of the text (default: text).")
    String textField;

    @Option(names = "--image-field", description = "Manifest field of the image path, relative to the manifest (default: img).")
    String imageField;

    @Option(names = "--label-field", description = "Manifest field of the label name (default: label).")
    String labelField;

    @Option(names = "--split-field", description = "Manifest field of the split: train, dev|val, test (default: split).")
    String splitField;

    @Option(names = "--val-manifest", description = "Validation manifest (default: dev.* or val.* beside a train.* manifest).")
    String valManifest;

    @Option(names = "--test-manifest", description = "Test manifest (default: test.* beside a train.* manifest).")
    String testManifest;

    @Option(names = "--image-size", converter = CliChecks.Positive.class, description = "Side of the square image crop (default: 64).")
    Integer imageSize;

    @Option(names = "--resize", converter = CliChecks.Positive.class, description = "Shorter image side before cropping (default: image size · 8/7).")
    Integer resize;

    @Option(names = "--augment", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Random crops and horizontal flips of training images (--no-augment: centre crops).")
    boolean augment;

    @Option(names = "--text-length", converter = CliChecks.Positive.class, description = "Tokens per text, cut or padded (default: 32).")
    Integer textLength;

    @Option(names = "--tokenizer", description = "word (a vocabulary built on the training split) or a tokenizer.json file (default: word).")
    String tokenizer;

    @Option(names = "--min-count", converter = CliChecks.Positive.class, description = "Word vocabulary: minimum count of a word in the training texts (default: 1).")
    Integer minCount;

    @Option(names = "--max-vocab", converter = CliChecks.Positive.class, description = "Word vocabulary: at most this many ids, padding and blank included (default: 30000).")
    Integer maxVocab;

    @Option(names = "--lowercase", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Word vocabulary: lower-case the texts (default: on).")
    boolean lowercase;

    @Option(names = "--encoder", description = "A pretrained TorchScript encoder for a modality:"
            + " MODALITY=FILE[,mode=frozen|finetune|cache][,input=raw|unit|imagenet] (repeatable; default mode frozen, input unit).")
    List<String> encoders;

    /**
     * The reading options; the split shares ({@code --split}, train,val,test), the seed of the split and
     * of the augmentation ({@code --data-seed}) and {@code --skip-bad} are shared with feature files.
     */
    ImageTextFolderOptions folder(List<Double> split, long seed, boolean skipBad) {
        if (split != null && split.size() != 3) {
            throw new IllegalArgumentException("--split takes train,val,test shares for an image+text manifest, got " + split);
        }
        List<Double> splitRatios = split;
        long splitSeed = seed;
        return new ImageTextFolderOptions(textField, imageField, labelField, splitField, valManifest, testManifest, splitRatios, splitSeed,
                or(imageSize), or(resize), augment, or(textLength), tokenizer(), or(minCount), or(maxVocab), lowercase, skipBad, null, null);
    }

    /** {@code --tokenizer}: {@code word}, or a file named relative to the working directory (not the manifest's folder). */
    private String tokenizer() {
        if (tokenizer == null || tokenizer.equals("word")) return tokenizer;
        java.nio.file.Path file = java.nio.file.Path.of(tokenizer).toAbsolutePath();
        if (!java.nio.file.Files.isRegularFile(file)) throw new IllegalArgumentException("--tokenizer " + tokenizer + ": no such file (" + file + ")");
        return file.toString();
    }

    List<PretrainedEncoderSpec> encoders() {
        return encoders == null ? List.of() : encoders.stream().map(PretrainedEncoderSpec::parse).toList();
    }

    private static int or(Integer v) {
        return v == null ? 0 : v;
    }
}
