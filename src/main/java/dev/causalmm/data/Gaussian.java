package dev.causalmm.data;

import java.util.random.RandomGenerator;

/**
 * One standard normal draw by Box–Muller (cosine branch) from two uniforms, in a fixed order: what
 * every seeded generator in causalmm uses, so data and noise are reproducible across JDKs
 * ({@code RandomGenerator.nextGaussian}'s algorithm is not specified).
 */
public final class Gaussian {
    private Gaussian() {}

    public static double draw(RandomGenerator r) {
        double u1 = r.nextDouble();
        double u2 = r.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }
}
