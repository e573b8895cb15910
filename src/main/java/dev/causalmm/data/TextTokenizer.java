package dev.causalmm.data;

/**
 * Turns a text into token ids for a {@link ModalitySpec#tokens token modality}: id 0 is padding,
 * id 1 the blank word of the noise protocol (and the unknown word), real tokens start at 2.
 */
public interface TextTokenizer extends AutoCloseable {
    /** Writes the ids of {@code text} into {@code out} (cut at its length); returns how many were written. The rest is left 0. */
    int encode(String text, int[] out);

    /** Ids are below this. */
    int vocabSize();

    @Override
    default void close() {}
}
