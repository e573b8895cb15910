package dev.causalmm.causal;

import java.util.List;

/** Looks regularisers up by their command-line name. */
public final class Regularizers {
    /** Every name the command line accepts, available or not. */
    public static final List<String> NAMES = List.of("none", "c3r", "imml", "cmir");

    /** Settings of every regulariser; each one reads its own. */
    public record Settings(C3RConfig c3r, IMMLConfig imml, CmIRConfig cmir) {
        public static Settings defaults() {
            return new Settings(C3RConfig.defaults(), IMMLConfig.defaults(), CmIRConfig.defaults());
        }

        /** The same settings with the run's seed for regularisers that draw random numbers. */
        public Settings withSeed(long seed) {
            return new Settings(c3r, imml.withSeed(seed), cmir.withSeed(seed));
        }
    }

    private Regularizers() {}

    public static Regularizer create(String name) {
        return create(name, Settings.defaults());
    }

    public static Regularizer create(String name, Settings settings) {
        return switch (name) {
            case "none" -> Regularizer.NONE;
            case "c3r" -> new C3R(settings.c3r());
            case "imml" -> new IMML(settings.imml());
            case "cmir" -> new CmIR(settings.cmir());
            default -> throw new IllegalArgumentException("unknown regularizer '" + name + "'; expected one of " + NAMES);
        };
    }
}
