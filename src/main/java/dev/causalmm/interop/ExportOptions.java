package dev.causalmm.interop;

import dev.causalmm.io.SafeTensors;

/**
 * How {@link TrainedModel#export} writes a model.
 *
 * @param dtype           element type of the weights in the safetensors file (F32, BF16 or F16);
 *                        loading converts them back to float32
 * @param libtorchArchive also write {@code model.pt}, a LibTorch archive of the same tensors (what
 *                        C++ {@code torch::serialize::InputArchive} / {@code torch::load} read)
 */
public record ExportOptions(SafeTensors.DType dtype, boolean libtorchArchive) {
    public ExportOptions {
        if (dtype != SafeTensors.DType.F32 && dtype != SafeTensors.DType.BF16 && dtype != SafeTensors.DType.F16) {
            throw new IllegalArgumentException("export dtype must be float32, bfloat16 or float16, got " + dtype);
        }
    }

    /** float32 weights and a LibTorch archive beside them. */
    public static ExportOptions defaults() {
        return new ExportOptions(SafeTensors.DType.F32, true);
    }

    public ExportOptions withDtype(SafeTensors.DType d) {
        return new ExportOptions(d, libtorchArchive);
    }

    public ExportOptions withLibtorchArchive(boolean on) {
        return new ExportOptions(dtype, on);
    }
}
