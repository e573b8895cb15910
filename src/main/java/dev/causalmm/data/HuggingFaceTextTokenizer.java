package dev.causalmm.data;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A subword tokenizer read from a Hugging Face {@code tokenizer.json} (WordPiece, BPE, Unigram,
 * WordLevel) through DJL's binding of the Rust {@code tokenizers} library, whose native library
 * ships inside the jar: nothing is downloaded. The tokenizer's own ids are shifted by 2 so that 0
 * stays padding and 1 the blank word; special tokens ([CLS], [SEP]) are not added.
 */
final class HuggingFaceTextTokenizer implements TextTokenizer {
    private final HuggingFaceTokenizer tokenizer;
    private final int vocabSize;
    private final Path file;

    private HuggingFaceTextTokenizer(HuggingFaceTokenizer tokenizer, int vocabSize, Path file) {
        this.tokenizer = tokenizer;
        this.vocabSize = vocabSize;
        this.file = file;
    }

    public static HuggingFaceTextTokenizer load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new IOException("tokenizer file " + file + " does not exist (expected a Hugging Face tokenizer.json)");
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new IOException(file + ": not a tokenizer.json (malformed JSON: " + e.getMessage() + ")", e);
        }
        long maxId = -1;
        for (JsonNode v : root.path("model").path("vocab")) {
            // WordPiece/BPE/WordLevel: {"token": id}; Unigram: [["token", score], ...] (id = position)
            maxId = Math.max(maxId, v.isArray() ? maxId + 1 : v.asLong());
        }
        for (JsonNode t : root.path("added_tokens")) maxId = Math.max(maxId, t.path("id").asLong(-1));
        if (maxId < 0) throw new IOException(file + ": no model.vocab in this tokenizer.json (expected a Hugging Face tokenizer file)");
        if (maxId + 3 > (1 << 24)) throw new IOException(file + ": vocabulary of " + (maxId + 1) + " tokens is too large (at most 2^24 - 2)");
        HuggingFaceTokenizer t;
        try {
            t = HuggingFaceTokenizer.newInstance(file, Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false"));
        } catch (RuntimeException e) {
            throw new IOException(file + ": the tokenizers library refused it: " + e.getMessage(), e);
        }
        return new HuggingFaceTextTokenizer(t, (int) maxId + 3, file);
    }

    @Override
    public int encode(String text, int[] out) {
        Encoding e = tokenizer.encode(text, false, false);
        long[] ids = e.getIds();
        int n = Math.min(ids.length, out.length);
        for (int i = 0; i < n; i++) out[i] = (int) ids[i] + 2;
        return n;
    }

    @Override
    public int vocabSize() {
        return vocabSize;
    }

    public Path file() {
        return file;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
