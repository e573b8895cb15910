package dev.causalmm.nn;

import dev.causalmm.engine.Functional;
import dev.causalmm.engine.Tensor;

/**
 * Learned upsampling by an integer factor {@code s}: a transposed 3-D convolution with kernel =
 * stride = s, so every input voxel becomes an {@code s×s×s} block. Initialised like PyTorch's
 * {@code nn.ConvTranspose3d} (uniform in ±1/√(O·s³), PyTorch's fan-in for transposed weights).
 */
public final class ConvTranspose3d extends Module {
    private final int factor;

    public ConvTranspose3d(int inChannels, int outChannels, int factor, Init init) {
        Init.require(init, "ConvTranspose3d(" + inChannels + ", " + outChannels + ", " + factor + ")");
        if (inChannels <= 0 || outChannels <= 0 || factor <= 0) {
            throw new IllegalArgumentException("ConvTranspose3d(" + inChannels + ", " + outChannels + ", " + factor + "): sizes must be > 0");
        }
        this.factor = factor;
        double bound = 1.0 / Math.sqrt((double) outChannels * factor * factor * factor);
        registerParameter("weight", init.uniform(bound, inChannels, outChannels, factor, factor, factor));
        registerParameter("bias", init.uniform(bound, outChannels));
    }

    /** {@code B×C×D×H×W → B×O×sD×sH×sW}. */
    public Tensor forward(Tensor x) {
        return Functional.convTranspose3d(x, param("weight"), param("bias"), factor);
    }
}
