package dev.causalmm.engine;

import java.util.Locale;

/**
 * How float32 math runs. Weights, optimizer state and checkpoints stay float32 in every mode.
 * <ul>
 *   <li>{@link #FP32}: full float32 everywhere (TF32 off for cuBLAS and cuDNN);</li>
 *   <li>{@link #TF32}: float32 tensors, but CUDA matmuls and convolutions may use TF32 tensor
 *       cores (10-bit mantissa products, float32 accumulation); on CPU the same as FP32;</li>
 *   <li>{@link #BF16}: the forward pass and the losses run under LibTorch's autocast with
 *       bfloat16 (matmuls, convolutions and linear layers in bf16, reductions and losses that
 *       need range in float32), backward follows the recorded types, and the optimizer updates
 *       the float32 master weights — PyTorch's {@code torch.autocast(dtype=torch.bfloat16)}.
 *       Works on CPU too (slower there unless the CPU has bf16 instructions).</li>
 * </ul>
 */
public enum Precision {
    FP32, TF32, BF16;

    /** Parses {@code fp32}, {@code tf32} or {@code bf16} (case-insensitive). */
    public static Precision parse(String s) {
        if (s != null) {
            for (Precision p : values()) {
                if (p.name().equalsIgnoreCase(s.strip())) return p;
            }
        }
        throw new IllegalArgumentException("unknown precision '" + s + "' (expected fp32, tf32 or bf16)");
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
