package dev.causalmm.nn;

import java.util.Locale;

/**
 * Shape of a {@link UNet3d}.
 *
 * @param modalities  input modalities K (missing ones arrive zero-filled with an availability mask)
 * @param outChannels output channels (3 sigmoid regions WT, TC, ET for BraTS)
 * @param baseWidth   channels at full resolution; doubled at each level down
 * @param maxWidth    cap on the channels of any level
 * @param depth       number of 2× downsamplings (a patch side must be a multiple of 2^depth)
 * @param residual    residual blocks (a 1×1×1 projection on the shortcut) instead of plain double convs
 * @param fusion      how missing modalities reach the network
 * @param leakySlope  negative slope of the LeakyReLUs (nnU-Net: 0.01)
 */
public record UNetConfig(int modalities, int outChannels, int baseWidth, int maxWidth, int depth, boolean residual,
                         Fusion fusion, double leakySlope) {

    /** How the network sees the available modalities. */
    public enum Fusion {
        /**
         * One encoder on the stacked modalities, missing ones zero-filled, plus one constant
         * availability-mask channel per modality (so the network can tell "absent" from "dark").
         */
        CHANNELS,
        /**
         * LCKD-style (spec §5.7): one shared encoder applied to each modality separately; at every
         * level the features of a missing modality are replaced by the mean of the available
         * modalities' features, and the decoder receives the K (filled) feature stacks concatenated.
         * Exposes per-modality bottleneck features (the C3R instrument's tokens).
         */
        SHARED;

        /** {@code channels} or {@code shared}, as the command line names them. */
        public static Fusion parse(String name) {
            return switch (name.toLowerCase(Locale.ROOT)) {
                case "channels" -> CHANNELS;
                case "shared" -> SHARED;
                default -> throw new IllegalArgumentException("--fusion must be channels or shared, got '" + name + "'");
            };
        }
    }

    public UNetConfig {
        if (modalities <= 0) throw new IllegalArgumentException("U-Net needs at least one modality, got " + modalities);
        if (outChannels <= 0) throw new IllegalArgumentException("U-Net needs at least one output channel, got " + outChannels);
        if (baseWidth <= 0 || maxWidth < baseWidth) {
            throw new IllegalArgumentException("U-Net width must be > 0 and max width >= width, got " + baseWidth + ", " + maxWidth);
        }
        if (depth < 0 || depth > 6) throw new IllegalArgumentException("U-Net depth must be in 0..6, got " + depth);
        if (fusion == null) throw new IllegalArgumentException("U-Net fusion is missing (channels or shared)");
        if (!(leakySlope >= 0 && leakySlope < 1)) throw new IllegalArgumentException("LeakyReLU slope must be in [0, 1), got " + leakySlope);
    }

    /** Channels at level {@code l} (0 = full resolution). */
    public int width(int level) {
        return (int) Math.min(maxWidth, (long) baseWidth << level);
    }

    /** The side length every patch must be a multiple of. */
    public int divisor() {
        return 1 << depth;
    }
}
