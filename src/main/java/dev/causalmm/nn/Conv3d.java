package dev.causalmm.nn;

import dev.causalmm.engine.Functional;
import dev.causalmm.engine.Tensor;

/**
 * A cubic {@code k×k×k} 3-D convolution with "same" zero padding ({@code k/2}) and a cubic stride,
 * initialised like PyTorch's {@code nn.Conv3d} (weight and bias uniform in ±1/√(C·k³)).
 */
public final class Conv3d extends Module {
    private final int kernel;
    private final int stride;

    public Conv3d(int inChannels, int outChannels, int kernel, int stride, Init init) {
        Init.require(init, "Conv3d(" + inChannels + ", " + outChannels + ", " + kernel + ")");
        if (inChannels <= 0 || outChannels <= 0 || kernel <= 0 || kernel % 2 == 0 || stride <= 0) {
            throw new IllegalArgumentException("Conv3d(" + inChannels + ", " + outChannels + ", kernel " + kernel
                    + ", stride " + stride + "): sizes must be > 0, kernel odd");
        }
        this.kernel = kernel;
        this.stride = stride;
        double bound = 1.0 / Math.sqrt((double) inChannels * kernel * kernel * kernel);
        registerParameter("weight", init.uniform(bound, outChannels, inChannels, kernel, kernel, kernel));
        registerParameter("bias", init.uniform(bound, outChannels));
    }

    /** {@code B×C×D×H×W → B×O×⌈D/s⌉×⌈H/s⌉×⌈W/s⌉}. */
    public Tensor forward(Tensor x) {
        return Functional.conv3d(x, param("weight"), param("bias"), stride, kernel / 2);
    }

    /** The weight {@code O×C×k×k×k} (a 1×1×1 convolution's weight is the per-voxel linear map). */
    public Tensor weight() {
        return param("weight");
    }

    public Tensor bias() {
        return param("bias");
    }
}
