package dev.causalmm.causal;

/**
 * Which regulariser a run trains with, and its settings: a typed {@code --regularizer}.
 * {@link #create(long)} builds it for one training seed (the seed drives the regularisers that draw
 * random numbers).
 *
 * <p>A new regulariser is one record here and one line in {@link #parse}; until it has one, a name
 * that {@link Regularizers} knows is still accepted as {@link Named}.
 */
public sealed interface RegularizerSpec {
    /** Plain training. */
    record None() implements RegularizerSpec {
        @Override public String name() { return "none"; }
        @Override public Regularizer create(long seed) { return Regularizer.NONE; }
    }

    /** C3R, the causal-sufficiency and -necessity regulariser. */
    record C3R(C3RConfig config) implements RegularizerSpec {
        @Override public String name() { return "c3r"; }
        @Override public Regularizer create(long seed) { return new dev.causalmm.causal.C3R(config); }
    }

    /** IMML. */
    record IMML(IMMLConfig config) implements RegularizerSpec {
        @Override public String name() { return "imml"; }
        @Override public Regularizer create(long seed) { return new dev.causalmm.causal.IMML(config.withSeed(seed)); }
    }

    /** CmIR. */
    record CmIR(CmIRConfig config) implements RegularizerSpec {
        @Override public String name() { return "cmir"; }
        @Override public Regularizer create(long seed) { return new dev.causalmm.causal.CmIR(config.withSeed(seed)); }
    }

    /** A regulariser {@link Regularizers} knows by name that has no record of its own yet. */
    record Named(String name, Regularizers.Settings settings) implements RegularizerSpec {
        @Override public Regularizer create(long seed) { return Regularizers.create(name, settings.withSeed(seed)); }
    }

    /** The command-line name ({@code none}, {@code c3r}, …). */
    String name();

    /** A fresh regulariser for the run of training seed {@code seed}; the caller closes it. */
    Regularizer create(long seed);

    /** {@code name} with its default settings. */
    static RegularizerSpec parse(String name) {
        return parse(name, Regularizers.Settings.defaults());
    }

    /** {@code name} with its part of {@code settings}; an unknown name fails with the known ones. */
    static RegularizerSpec parse(String name, Regularizers.Settings settings) {
        if (name == null || !Regularizers.NAMES.contains(name)) {
            throw new IllegalArgumentException("unknown regularizer '" + name + "'; expected one of " + Regularizers.NAMES);
        }
        return switch (name) {
            case "none" -> new None();
            case "c3r" -> new C3R(settings.c3r());
            case "imml" -> new IMML(settings.imml());
            case "cmir" -> new CmIR(settings.cmir());
            default -> new Named(name, settings);
        };
    }
}
