package dev.causalmm.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Samples a dataset gives twice: a validation or test sample whose inputs are also a training
 * sample's (its score measures memory, not generalisation: test accuracy 1.0), and one input given
 * two labels. Image+text manifests compare the image file and the text; feature files compare every
 * view's values (and which views are present). Reported, not refused: public datasets have a few
 * such rows, and the user decides; {@code results.json} carries it as {@code data.leakage}
 * (image+text) or {@code config.data.leakage} (feature files).
 *
 * @param valInTrain        validation rows that are also training rows
 * @param testInTrain       test rows that are also training rows
 * @param conflictingLabels samples (image and text) given more than one label, over all splits
 * @param examples          up to five of them, as {@code file:line}
 */
record SplitLeakage(int valInTrain, int testInTrain, int conflictingLabels, List<String> examples) {
    public SplitLeakage {
        examples = List.copyOf(examples);
    }

    public boolean any() {
        return valInTrain + testInTrain + conflictingLabels > 0;
    }

    /** One line for the log. */
    public String describe() {
        return testInTrain + " test and " + valInTrain + " validation sample(s) repeat a training sample (the same inputs), "
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

    /** The same for in-memory sets (feature files): samples equal in every view's values and presence. */
    public static SplitLeakage of(ArrayDataset train, ArrayDataset val, ArrayDataset test) {
        boolean labelled = train.task() instanceof Task.Classification;
        Map<Sample, Integer> labelOf = new HashMap<>();
        Set<Sample> conflicts = new HashSet<>();
        List<String> examples = new ArrayList<>();
        String[] names = {"train", "val", "test"};
        ArrayDataset[] sets = {train, val, test};
        for (int s = 0; s < 3 && labelled; s++) {
            for (int i = 0; i < sets[s].size(); i++) {
                Sample k = new Sample(sets[s], i);
                Integer prev = labelOf.putIfAbsent(k, sets[s].label(i));
                if (prev != null && prev != sets[s].label(i) && conflicts.add(k) && examples.size() < 5) {
                    examples.add(names[s] + " sample " + i + " (another label)");
                }
            }
        }
        Set<Sample> trainKeys = new HashSet<>();
        for (int i = 0; i < train.size(); i++) trainKeys.add(new Sample(train, i));
        int[] repeats = new int[3];
        for (int s = 1; s < 3; s++) {
            for (int i = 0; i < sets[s].size(); i++) {
                if (trainKeys.contains(new Sample(sets[s], i))) {
                    repeats[s]++;
                    if (examples.size() < 5) examples.add(names[s] + " sample " + i + " (in train)");
                }
            }
        }
        return new SplitLeakage(repeats[1], repeats[2], conflicts.size(), examples);
    }

    /** Sample {@code i} of an in-memory set, equal to another with the same values and presence in every view. */
    private static final class Sample {
        private final ArrayDataset d;
        private final int i, hash;

        Sample(ArrayDataset d, int i) {
            this.d = d;
            this.i = i;
            int h = 1;
            for (int k = 0; k < d.modalities().size(); k++) {
                int w = (int) d.modalities().get(k).elementCount();
                float[] v = d.values(k);
                h = 31 * h + Boolean.hashCode(d.available(i, k));
                for (int j = i * w; j < (i + 1) * w; j++) h = 31 * h + Float.floatToIntBits(v[j]);
            }
            hash = h;
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Sample s) || s.hash != hash) return false;
            for (int k = 0; k < d.modalities().size(); k++) {
                int w = (int) d.modalities().get(k).elementCount();
                if (d.available(i, k) != s.d.available(s.i, k)) return false;
                if (!Arrays.equals(d.values(k), i * w, (i + 1) * w, s.d.values(k), s.i * w, (s.i + 1) * w)) return false;
            }
            return true;
        }
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
