package dev.causalmm.data;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.causalmm.io.UserInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * How {@link ImageTextFolder} reads an image+text manifest (JSONL or CSV) and turns its rows into
 * samples. Every field has a default ({@link #defaults()}); JSON/YAML configs and checkpoints hold
 * this record as it is.
 *
 * @param textField     the row's text field ({@code text})
 * @param imageField    the row's image path, relative to the manifest's folder ({@code img})
 * @param labelField    the row's label name ({@code label})
 * @param splitField    the row's split ({@code split}: train / dev|val|valid|validation / test); when no row has it
 *                      and there are no sibling {@code dev}/{@code test} files, a seeded stratified split is drawn
 * @param valManifest   a separate validation manifest (null: {@code dev.*}/{@code val.*} beside a {@code train.*} manifest)
 * @param testManifest  a separate test manifest (null: {@code test.*} beside a {@code train.*} manifest)
 * @param splitRatios   train/val/test shares of the stratified split (summing to 1)
 * @param splitSeed     seed of the stratified split and of the training augmentation
 * @param imageSize     side of the square crop the model sees
 * @param resize        the shorter image side is resized to this before cropping (0: {@code imageSize · 8/7})
 * @param augment       training images: random crop and horizontal flip (validation/test: centre crop)
 * @param textLength    words (tokens) per text; longer texts are cut, shorter ones padded with 0
 * @param tokenizer     {@code word} (a vocabulary built on the training split) or the path of a {@code tokenizer.json}
 * @param minCount      word vocabulary: a word needs this many occurrences in the training texts
 * @param maxVocab      word vocabulary: at most this many ids, padding and blank included
 * @param lowercase     word vocabulary: lower-case the texts first
 * @param skipBad       skip (and count) rows with a missing or undecodable image, an unknown label or a malformed line
 *                      instead of failing
 * @param labels        the label map (id = index); null: the sorted label names of the training split
 * @param vocabulary    the word vocabulary (id = index; 0 and 1 are padding and blank); null: built on the training split
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ImageTextFolderOptions(String textField, String imageField, String labelField, String splitField,
                                     String valManifest, String testManifest, List<Double> splitRatios, long splitSeed,
                                     int imageSize, int resize, boolean augment, int textLength, String tokenizer,
                                     int minCount, int maxVocab, boolean lowercase, boolean skipBad,
                                     List<String> labels, List<String> vocabulary) {
    public ImageTextFolderOptions {
        if (textField == null) textField = "text";
        if (imageField == null) imageField = "img";
        if (labelField == null) labelField = "label";
        if (splitField == null) splitField = "split";
        if (splitRatios == null) splitRatios = List.of(0.8, 0.1, 0.1);
        splitRatios = List.copyOf(splitRatios);
        if (splitRatios.size() != 3 || splitRatios.stream().anyMatch(r -> !(r >= 0))
                || Math.abs(splitRatios.stream().mapToDouble(Double::doubleValue).sum() - 1) > 1e-6 || splitRatios.get(0) <= 0) {
            throw new IllegalArgumentException("split ratios must be three shares train,val,test >= 0 summing to 1 (train > 0), got " + splitRatios);
        }
        if (imageSize == 0) imageSize = 64;
        if (imageSize < 8 || imageSize > 4096) throw new IllegalArgumentException("image size must be in [8, 4096], got " + imageSize);
        if (resize == 0) resize = imageSize * 8 / 7;
        if (resize < imageSize) throw new IllegalArgumentException("resize (" + resize + ") must be >= the image size (" + imageSize + ")");
        if (textLength == 0) textLength = 32;
        if (textLength < 1 || textLength > 100_000) throw new IllegalArgumentException("text length must be in [1, 100000], got " + textLength);
        if (tokenizer == null || tokenizer.isBlank()) tokenizer = "word";
        if (minCount == 0) minCount = 1;
        if (minCount < 1) throw new IllegalArgumentException("min count must be >= 1, got " + minCount);
        if (maxVocab == 0) maxVocab = 30_000;
        if (maxVocab < 3 || maxVocab > (1 << 24)) throw new IllegalArgumentException("max vocabulary must be in [3, 2^24], got " + maxVocab);
        if (labels != null) labels = List.copyOf(labels);
        if (vocabulary != null) vocabulary = List.copyOf(vocabulary);
    }

    /** Field names {@code text}, {@code img}, {@code label}, {@code split} (UPMC Food-101 / MVSA-Single); 64-pixel crops of 73-pixel images; 32 words. */
    public static ImageTextFolderOptions defaults() {
        return new ImageTextFolderOptions(null, null, null, null, null, null, null, 0, 0, 0, true, 0, null, 0, 0, true, false, null, null);
    }

    /** {@code --split} as given for an image+text manifest (null: left out): train,val,test, three shares. */
    public static List<Double> givenSplit(List<Double> split) {
        if (split != null && split.size() != 3) {
            throw new UserInputException("--split takes train,val,test shares for an image+text manifest, got " + split);
        }
        return split;
    }

    /**
     * {@code --tokenizer} as given: {@code word} (or null, left out), or a tokenizer.json named relative to
     * the working directory (not the manifest's folder), made absolute; a file that is not there is refused.
     */
    public static String givenTokenizer(String tokenizer) {
        if (tokenizer == null || tokenizer.equals("word")) return tokenizer;
        Path file = Path.of(tokenizer).toAbsolutePath();
        if (!Files.isRegularFile(file)) throw new UserInputException("--tokenizer " + tokenizer + ": no such file (" + file + ")");
        return file.toString();
    }

    public ImageTextFolderOptions withFields(String text, String image, String label, String split) {
        return new ImageTextFolderOptions(text, image, label, split, valManifest, testManifest, splitRatios, splitSeed, imageSize, resize,
                augment, textLength, tokenizer, minCount, maxVocab, lowercase, skipBad, labels, vocabulary);
    }

    public ImageTextFolderOptions withImage(int size, int resizeTo, boolean augmentTrain) {
        return new ImageTextFolderOptions(textField, imageField, labelField, splitField, valManifest, testManifest, splitRatios, splitSeed,
                size, resizeTo, augmentTrain, textLength, tokenizer, minCount, maxVocab, lowercase, skipBad, labels, vocabulary);
    }

    public ImageTextFolderOptions withText(int length, String tokenizerName, int minWordCount, int maxVocabulary, boolean lower) {
        return new ImageTextFolderOptions(textField, imageField, labelField, splitField, valManifest, testManifest, splitRatios, splitSeed,
                imageSize, resize, augment, length, tokenizerName, minWordCount, maxVocabulary, lower, skipBad, labels, vocabulary);
    }

    public ImageTextFolderOptions withSplit(List<Double> ratios, long seed, String val, String test) {
        return new ImageTextFolderOptions(textField, imageField, labelField, splitField, val, test, ratios, seed, imageSize, resize,
                augment, textLength, tokenizer, minCount, maxVocab, lowercase, skipBad, labels, vocabulary);
    }

    public ImageTextFolderOptions withSkipBad(boolean skip) {
        return new ImageTextFolderOptions(textField, imageField, labelField, splitField, valManifest, testManifest, splitRatios, splitSeed,
                imageSize, resize, augment, textLength, tokenizer, minCount, maxVocab, lowercase, skip, labels, vocabulary);
    }

    /** The same options with a fixed label map and vocabulary (what a checkpoint records, so eval reads the data as training did). */
    public ImageTextFolderOptions withMaps(List<String> labelMap, List<String> vocab) {
        return new ImageTextFolderOptions(textField, imageField, labelField, splitField, valManifest, testManifest, splitRatios, splitSeed,
                imageSize, resize, augment, textLength, tokenizer, minCount, maxVocab, lowercase, skipBad, labelMap, vocab);
    }
}
