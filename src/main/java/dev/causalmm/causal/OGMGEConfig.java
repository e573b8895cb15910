package dev.causalmm.causal;

/**
 * OGM-GE settings (Peng et al., CVPR 2022; reference {@code GeWu-Lab/OGM-GE_CVPR2022}, main.py).
 *
 * @param alpha            α of {@code k = 1 − tanh(α·ρ)}; the reference requires it on its command
 *                         line (no default); 0.1 is our choice
 * @param modulationStarts first 0-based epoch that is modulated (reference default 0)
 * @param modulationEnds   last modulated epoch, inclusive (reference default 50)
 * @param noise            GE: add Gaussian noise with the gradient's own std (OGM-GE; false = OGM)
 */
public record OGMGEConfig(double alpha, int modulationStarts, int modulationEnds, boolean noise) {
    public OGMGEConfig {
        if (!(alpha >= 0 && alpha < Double.POSITIVE_INFINITY)) throw new IllegalArgumentException("--ogm-ge.alpha must be a finite number >= 0, got " + alpha);
        if (modulationStarts < 0 || modulationEnds < modulationStarts) {
            throw new IllegalArgumentException("--ogm-ge.modulation-starts and -ends must satisfy 0 <= starts <= ends, got " + modulationStarts + ".." + modulationEnds);
        }
    }

    public static OGMGEConfig defaults() {
        return new OGMGEConfig(0.1, 0, 50, true);
    }

    public OGMGEConfig withAlpha(double a) {
        return new OGMGEConfig(a, modulationStarts, modulationEnds, noise);
    }

    public OGMGEConfig withEpochs(int starts, int ends) {
        return new OGMGEConfig(alpha, starts, ends, noise);
    }

    public OGMGEConfig withNoise(boolean on) {
        return new OGMGEConfig(alpha, modulationStarts, modulationEnds, on);
    }
}
