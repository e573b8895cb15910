package dev.causalmm.baselines;

/**
 * Sizes of the from-scratch MMBT-style transformer (spec §5.4, "Java without pretrained BERT").
 *
 * @param layers      transformer layers L (4)
 * @param hidden      hidden size H (256)
 * @param heads       attention heads A (4)
 * @param ffn         feed-forward width (1024)
 * @param imageTokens region tokens per image modality N (3, as the reference's N_img)
 * @param dropout     dropout on the embeddings and after attention/FFN (0.1)
 */
public record MMBTConfig(int layers, int hidden, int heads, int ffn, int imageTokens, double dropout) {
    public MMBTConfig {
        if (layers <= 0 || hidden <= 0 || heads <= 0 || ffn <= 0 || imageTokens <= 0) {
            throw new IllegalArgumentException("MMBT sizes must be > 0: " + layers + " layers, hidden " + hidden
                    + ", " + heads + " heads, ffn " + ffn + ", " + imageTokens + " image tokens");
        }
        if (hidden % heads != 0) {
            throw new IllegalArgumentException("MMBT hidden size " + hidden + " is not a multiple of " + heads + " heads");
        }
        if (dropout < 0 || dropout >= 1) throw new IllegalArgumentException("MMBT dropout must be in [0, 1), got " + dropout);
    }

    /** The spec's sizes: L = 4, H = 256, A = 4, FFN = 1024, N = 3, dropout 0.1. */
    public static MMBTConfig defaults() {
        return new MMBTConfig(4, 256, 4, 1024, 3, 0.1);
    }

    /** A CPU-sized variant for tests and the bundled synthetic experiments: L = 2, H = 64, A = 4, FFN = 128. */
    public static MMBTConfig small() {
        return new MMBTConfig(2, 64, 4, 128, 3, 0.1);
    }
}
