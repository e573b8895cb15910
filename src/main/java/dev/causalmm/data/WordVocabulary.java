package dev.causalmm.data;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A word-level vocabulary: words are runs of letters or digits (optionally lower-cased); id 0 is
 * padding, 1 the blank/unknown word ({@code "_"}), then the training words by descending count
 * (ties alphabetical) that occur at least {@code minCount} times, up to {@code maxSize} ids in all.
 */
public final class WordVocabulary implements TextTokenizer {
    public static final String PAD = "<pad>", BLANK = "_";
    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{M}]+|\\p{N}+");

    private final List<String> words;
    private final Map<String, Integer> ids;
    private final boolean lowercase;

    /** A vocabulary of the given words (index = id; index 0 and 1 must be padding and blank). */
    public WordVocabulary(List<String> words, boolean lowercase) {
        if (words.size() < 2 || !words.get(0).equals(PAD) || !words.get(1).equals(BLANK)) {
            throw new IllegalArgumentException("a word vocabulary starts with \"" + PAD + "\" and \"" + BLANK + "\" (ids 0 and 1), got "
                    + words.subList(0, Math.min(2, words.size())));
        }
        this.words = List.copyOf(words);
        this.lowercase = lowercase;
        this.ids = new HashMap<>(words.size() * 2);
        for (int i = 2; i < words.size(); i++) {
            if (ids.put(words.get(i), i) != null) throw new IllegalArgumentException("word '" + words.get(i) + "' appears twice in the vocabulary");
        }
    }

    /** Builds the vocabulary of {@code texts} (the training split's). */
    public static WordVocabulary build(Iterable<String> texts, int minCount, int maxSize, boolean lowercase) {
        Map<String, Integer> counts = new HashMap<>();
        for (String t : texts) for (String w : words(t, lowercase)) counts.merge(w, 1, Integer::sum);
        List<Map.Entry<String, Integer>> sorted = new ArrayList<>(counts.entrySet());
        sorted.removeIf(e -> e.getValue() < minCount);
        if (sorted.isEmpty()) {
            throw new IllegalArgumentException(counts.isEmpty() ? "every training text is empty (no words): check the text field (--text-field)"
                    : "no word occurs at least " + minCount + " times in the training texts: lower --min-count");
        }
        sorted.sort((a, b) -> a.getValue().equals(b.getValue()) ? a.getKey().compareTo(b.getKey()) : b.getValue() - a.getValue());
        List<String> words = new ArrayList<>();
        words.add(PAD);
        words.add(BLANK);
        for (var e : sorted) {
            if (words.size() >= maxSize) break;
            words.add(e.getKey());
        }
        return new WordVocabulary(words, lowercase);
    }

    /** The words of a text, as this class splits them. */
    public static List<String> words(String text, boolean lowercase) {
        List<String> out = new ArrayList<>();
        Matcher m = WORD.matcher(lowercase ? text.toLowerCase(Locale.ROOT) : text);
        while (m.find()) out.add(m.group());
        return out;
    }

    @Override
    public int encode(String text, int[] out) {
        int n = 0;
        Matcher m = WORD.matcher(lowercase ? text.toLowerCase(Locale.ROOT) : text);
        while (n < out.length && m.find()) out[n++] = ids.getOrDefault(m.group(), ModalitySpec.BLANK);
        return n;
    }

    @Override
    public int vocabSize() {
        return words.size();
    }

    /** The words by id (0 padding, 1 blank): what a checkpoint stores. */
    public List<String> words() {
        return words;
    }
}
