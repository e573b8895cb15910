package dev.causalmm.causal;

import java.util.List;

/** Looks regularisers up by their command-line name. */
public final class Regularizers {
    /** Every name the command line accepts, available or not. */
    public static final List<String> NAMES = List.of("none", "c3r", "imml", "cmir", "ogm-ge", "pmr", "umt");

    /**
     * Settings of every regulariser; each one reads its own.
     *
     * @param ogmge OGM-GE's, {@code pmr} PMR's, {@code umt} UMT's (the modality-imbalance baselines)
     */
    public record Settings(C3RConfig c3r, IMMLConfig imml, CmIRConfig cmir, OGMGEConfig ogmge, PMRConfig pmr, UMTConfig umt) {
        /** The causal methods' settings, the imbalance baselines at their defaults. */
        public Settings(C3RConfig c3r, IMMLConfig imml, CmIRConfig cmir) {
            this(c3r, imml, cmir, OGMGEConfig.defaults(), PMRConfig.defaults(), UMTConfig.defaults());
        }

        public static Settings defaults() {
            return new Settings(C3RConfig.defaults(), IMMLConfig.defaults(), CmIRConfig.defaults());
        }

        /** The same settings with the run's seed for regularisers that draw random numbers. */
        public Settings withSeed(long seed) {
            return new Settings(c3r, imml.withSeed(seed), cmir.withSeed(seed), ogmge, pmr, umt);
        }

        public Settings withBaselines(OGMGEConfig o, PMRConfig p, UMTConfig u) {
            return new Settings(c3r, imml, cmir, o, p, u);
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
            case "ogm-ge" -> new OGMGE(settings.ogmge());
            case "pmr" -> new PMR(settings.pmr());
            case "umt" -> new UMT(settings.umt());
            default -> throw new IllegalArgumentException("unknown regularizer '" + name + "'; expected one of " + NAMES);
        };
    }
}
