package dev.causalmm.causal;

import dev.causalmm.data.Gaussian;

import java.util.SplittableRandom;

/**
 * Beta(α, β) draws as {@code X/(X+Y)} with {@code X ~ Γ(α)}, {@code Y ~ Γ(β)} (spec §1.3), in
 * Java, one scalar per batch (cheaper than a native call). With α = β = 0.1 the Gamma draws
 * underflow to 0 in linear space, so they are taken in log space (Marsaglia–Tsang for shape ≥ 1,
 * boosted by {@code U^(1/a)} below 1) and λ = 1/(1 + exp(log Y − log X)), which never yields NaN;
 * if both logs are −∞ the spec's rule applies: λ ∈ {0, 1} with probability ½ each.
 */
final class BetaSampler {
    private final double a;
    private final double b;
    private final SplittableRandom random;

    public BetaSampler(double a, double b, long seed) {
        this.a = a;
        this.b = b;
        this.random = new SplittableRandom(seed);
    }

    public double next() {
        double lx = logGamma(a);
        double ly = logGamma(b);
        if (lx == Double.NEGATIVE_INFINITY && ly == Double.NEGATIVE_INFINITY) return random.nextBoolean() ? 1.0 : 0.0;
        double d = ly - lx;
        return d > 0 ? Math.exp(-d) / (1 + Math.exp(-d)) : 1 / (1 + Math.exp(d));
    }

    /** log of a Γ(shape, 1) draw. */
    double logGamma(double shape) {
        if (shape < 1) {
            double u = random.nextDouble();
            return logGamma(shape + 1) + Math.log(u) / shape;
        }
        double d = shape - 1.0 / 3;
        double c = 1 / Math.sqrt(9 * d);
        while (true) {
            double x = Gaussian.draw(random);
            double v = 1 + c * x;
            if (v <= 0) continue;
            v = v * v * v;
            double u = random.nextDouble();
            if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return Math.log(d * v);
        }
    }
}
