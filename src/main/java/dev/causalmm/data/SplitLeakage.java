package dev.causalmm.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Samples an image+text manifest gives twice: a validation or test row whose image and text are
 * also a training row's (its score measures memory, not generalisation: test accuracy 1.0), and one
 * image and text given two labels. Reported, not refused: public datasets have a few such rows, and
 * the user decides; {@code results.json} carries it as {@code data.leakage}.
 *
 * @param valInTrain        validation rows that are also training rows
 * @param testInTrain       test rows that are also training rows
 * @param conflictingLabels samples (image and text) given more than one label, over all splits
 * @param examples          up to five of them, as {@code file:line}
 */
public record SplitLeakage(int valInTrain, int testInTrain, int conflictingLabels, List<String> examples) {
    public SplitLeakage {
        examples = List.copyOf(examples);
    }

    public boolean any() {
        return valInTrain + testInTrain + conflictingLabels > 0;
    }

    /** One line for the log. */
    public String describe() {
        return testInTrain + " test and " + valInTrain + " validation row(s) repeat a training row (same image and text), "
                + conflictingLabels + " sample(s) carry two labels, e.g. " + examples + "; test scores of repeated rows are not generalisation";
    }

    static SplitLeakage of(List<ImageTextFolder.Row> train, List<ImageTextFolder.Row> val, List<ImageTextFolder.Row> test) {
        Map<String, String> labelOf = new HashMap<>();
        Set<String> conflicts = new HashSet<>();
        List<String> examples = new ArrayList<>();
        for (List<ImageTextFolder.Row> split : List.of(train, val, test)) {
            for (ImageTextFolder.Row r : split) {
                String prev = labelOf.putIfAbsent(key(r), r.label());
                if (prev != null && !prev.equals(r.label()) && conflicts.add(key(r)) && examples.size() < 5) examples.add(r.where());
            }
        }
        Set<String> trainKeys = new HashSet<>();
        for (ImageTextFolder.Row r : train) trainKeys.add(key(r));
        return new SplitLeakage(repeated(val, trainKeys, examples), repeated(test, trainKeys, examples), conflicts.size(), examples);
    }

    private static int repeated(List<ImageTextFolder.Row> rows, Set<String> trainKeys, List<String> examples) {
        int n = 0;
        for (ImageTextFolder.Row r : rows) {
            if (trainKeys.contains(key(r))) {
                n++;
                if (examples.size() < 5) examples.add(r.where());
            }
        }
        return n;
    }

    /** The image file (resolved against the row's manifest) and the text. */
    private static String key(ImageTextFolder.Row r) {
        Path dir = r.file().toAbsolutePath().getParent();
        return (r.image() == null ? "" : dir.resolve(r.image()).normalize().toString()) + '\u0000' + r.text();
    }
}
