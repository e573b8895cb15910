package dev.causalmm.nn;

import dev.causalmm.engine.Device;
import dev.causalmm.engine.DType;
import dev.causalmm.engine.Functional;
import dev.causalmm.engine.Tensor;
import dev.causalmm.engine.TensorScope;

/**
 * Instance normalisation of {@code B×C×D×H×W} (each channel of each sample over its voxels) with a
 * learned per-channel scale (init 1) and shift (init 0): the normalisation nnU-Net and the BraTS
 * U-Nets use, since batches of 3-D patches are too small for batch norm. Computed as group norm
 * with one group per channel (the same statistics, one fused kernel).
 */
public final class InstanceNorm3d extends Module {
    private final int channels;

    public InstanceNorm3d(int channels) {
        if (channels <= 0) throw new IllegalArgumentException("InstanceNorm3d(" + channels + "): channels must be > 0");
        this.channels = channels;
        try (var s = TensorScope.open("init")) {
            registerParameter("weight", s.keep(Tensor.ones(DType.FLOAT32, Device.CPU, channels)).unscoped());
            registerParameter("bias", s.keep(Tensor.zeros(DType.FLOAT32, Device.CPU, channels)).unscoped());
        }
    }

    public Tensor forward(Tensor x) {
        return Functional.groupNorm(x, channels, param("weight"), param("bias"), 1e-5);
    }
}
