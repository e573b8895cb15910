package dev.causalmm.nn;

import dev.causalmm.engine.Functional;
import dev.causalmm.engine.Tensor;

/**
 * A small from-scratch CNN standing in for the papers' ImageNet ResNet-152 trunk (spec §5.1):
 * pixels (0–255) are normalised with ImageNet-like statistics, then two blocks of
 * {@code conv3×3 → ReLU → maxpool 2}, then adaptive average pooling to {@code tokens×1} regions,
 * as the reference pools ResNet's 7×7 map to {@code N_img = 3} vectors. Output: {@code B×tokens×width}.
 */
public final class ImageTrunk extends Module {
    /** Mean and standard deviation of normalised pixels (the ImageNet values, averaged over channels). */
    static final double MEAN = 0.45, STD = 0.225;
    private final Conv2d conv1;
    private final Conv2d conv2;
    private final int tokens;
    private final int width;

    public ImageTrunk(int channels, int width, int tokens, Init init) {
        if (tokens <= 0) throw new IllegalArgumentException("image tokens must be > 0, got " + tokens);
        this.tokens = tokens;
        this.width = width;
        this.conv1 = registerModule("conv1", new Conv2d(channels, Math.max(8, width / 2), 3, init));
        this.conv2 = registerModule("conv2", new Conv2d(Math.max(8, width / 2), width, 3, init));
    }

    /** The default trunk: 16 then 32 channels, 3 region tokens. */
    public static ImageTrunk small(int channels, Init init) {
        return new ImageTrunk(channels, 32, 3, init);
    }

    /** {@code B×C×H×W} pixels → {@code B×tokens×width}. */
    public Tensor forward(Tensor pixels) {
        Tensor x = pixels.mul(1.0 / (255.0 * STD)).sub(MEAN / STD);
        x = Functional.maxPool2d(Functional.relu(conv1.forward(x)), 2);
        x = Functional.maxPool2d(Functional.relu(conv2.forward(x)), 2);
        // B×width×tokens×1 → B×tokens×width
        return Functional.adaptiveAvgPool2d(x, tokens, 1).squeeze(3).transpose(1, 2);
    }

    public int tokens() {
        return tokens;
    }

    public int width() {
        return width;
    }
}
