package dev.causalmm.nn;

import dev.causalmm.engine.Functional;
import dev.causalmm.engine.Tensor;

/**
 * A {@code k×k} convolution with "same" zero padding and stride 1, initialised like PyTorch's
 * {@code nn.Conv2d} (weight and bias uniform in ±1/√(C·k·k)).
 */
public final class Conv2d extends Module {
    private final int kernel;

    public Conv2d(int inChannels, int outChannels, int kernel, Init init) {
        Init.require(init, "Conv2d(" + inChannels + ", " + outChannels + ", " + kernel + ")");
        if (inChannels <= 0 || outChannels <= 0 || kernel <= 0 || kernel % 2 == 0) {
            throw new IllegalArgumentException("Conv2d(" + inChannels + ", " + outChannels + ", " + kernel + "): sizes must be > 0, kernel odd");
        }
        this.kernel = kernel;
        double bound = 1.0 / Math.sqrt((double) inChannels * kernel * kernel);
        registerParameter("weight", init.uniform(bound, outChannels, inChannels, kernel, kernel));
        registerParameter("bias", init.uniform(bound, outChannels));
    }

    /** {@code B×C×H×W → B×O×H×W}. */
    public Tensor forward(Tensor x) {
        return Functional.conv2d(x, param("weight"), param("bias"), 1, kernel / 2);
    }
}
