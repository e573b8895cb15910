package dev.causalmm.nn;

import dev.causalmm.engine.DType;
import dev.causalmm.engine.Device;
import dev.causalmm.engine.Functional;
import dev.causalmm.engine.Tensor;
import dev.causalmm.engine.TensorScope;

/** Layer normalisation over the last dimension with a learned scale (init 1) and shift (init 0). */
public final class LayerNorm extends Module {
    public LayerNorm(int dim) {
        try (var s = TensorScope.open("init")) {
            registerParameter("weight", s.keep(Tensor.ones(DType.FLOAT32, Device.CPU, dim)).unscoped());
            registerParameter("bias", s.keep(Tensor.zeros(DType.FLOAT32, Device.CPU, dim)).unscoped());
        }
    }

    public Tensor forward(Tensor x) {
        return Functional.layerNorm(x, param("weight"), param("bias"), 1e-5);
    }
}
