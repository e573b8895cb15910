package dev.causalmm.causal;

/**
 * PMR settings (Fan et al., CVPR 2023; reference {@code fanyunfeng-bit/Modal-Imbalance-PMR},
 * main_Prototype_grad.py), defaults from the reference's argument parser.
 *
 * @param alpha            weight α of the weaker modality's prototypical cross-entropy (reference 1.0)
 * @param momentum         prototype momentum μ: {@code P ← (1−μ)·P_new + μ·P_old} (reference 0.2)
 * @param modulationStarts first 0-based epoch with the PCE term (reference 0)
 * @param modulationEnds   last epoch with it, inclusive (reference 100)
 */
public record PMRConfig(double alpha, double momentum, int modulationStarts, int modulationEnds) {
    public PMRConfig {
        if (!(alpha >= 0 && alpha < Double.POSITIVE_INFINITY)) throw new IllegalArgumentException("--pmr.alpha must be a finite number >= 0, got " + alpha);
        if (!(momentum >= 0 && momentum < 1)) throw new IllegalArgumentException("--pmr.momentum must be in [0, 1), got " + momentum);
        if (modulationStarts < 0 || modulationEnds < modulationStarts) {
            throw new IllegalArgumentException("--pmr.modulation-starts and -ends must satisfy 0 <= starts <= ends, got " + modulationStarts + ".." + modulationEnds);
        }
    }

    public static PMRConfig defaults() {
        return new PMRConfig(1.0, 0.2, 0, 100);
    }

    public PMRConfig withAlpha(double a) {
        return new PMRConfig(a, momentum, modulationStarts, modulationEnds);
    }

    public PMRConfig withMomentum(double m) {
        return new PMRConfig(alpha, m, modulationStarts, modulationEnds);
    }
}
