package dev.causalmm.causal;

import dev.causalmm.nn.MultimodalModel;
import java.util.function.LongFunction;

/**
 * Which regulariser a run trains with, and its settings: a typed {@code --regularizer}.
 * {@link #create(long)} builds it for one training seed (the seed drives the regularisers that draw
 * random numbers).
 *
 * <p>A new regulariser is one record here, one line in {@link #parse} and its name in
 * {@link Regularizers#NAMES}.
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

    /** OGM-GE, the gradient-modulation imbalance baseline. */
    record OgmGe(OGMGEConfig config) implements RegularizerSpec {
        @Override public String name() { return "ogm-ge"; }
        @Override public Regularizer create(long seed) { return new OGMGE(config); }
    }

    /** PMR, the prototypical-rebalance imbalance baseline. */
    record PMR(PMRConfig config) implements RegularizerSpec {
        @Override public String name() { return "pmr"; }
        @Override public Regularizer create(long seed) { return new dev.causalmm.causal.PMR(config); }
    }

    /** UMT, uni-modal teachers: the only one that needs fresh models of the student's architecture. */
    record UMT(UMTConfig config) implements RegularizerSpec {
        @Override public String name() { return "umt"; }
        @Override public Regularizer create(long seed) { return new dev.causalmm.causal.UMT(config); }

        @Override
        public Regularizer create(long seed, LongFunction<MultimodalModel> freshModel) {
            return new dev.causalmm.causal.UMT(config).withTeachers(freshModel);
        }
    }

    /** The command-line name ({@code none}, {@code c3r}, …). */
    String name();

    /** A fresh regulariser for the run of training seed {@code seed}; the caller closes it. */
    Regularizer create(long seed);

    /**
     * As {@link #create(long)}, for a caller that can build fresh, untrained models of the run's
     * architecture from a seed (UMT trains its teachers on them; the others ignore it).
     */
    default Regularizer create(long seed, LongFunction<MultimodalModel> freshModel) {
        return create(seed);
    }

    /** {@code name} with its default settings. */
    static RegularizerSpec parse(String name) {
        return parse(name, Regularizers.Settings.defaults());
    }

    /** {@code name} with its part of {@code settings}; an unknown name fails with the known ones. */
    static RegularizerSpec parse(String name, Regularizers.Settings settings) {
        return switch (name) {
            case "none" -> new None();
            case "c3r" -> new C3R(settings.c3r());
            case "imml" -> new IMML(settings.imml());
            case "cmir" -> new CmIR(settings.cmir());
            case "ogm-ge" -> new OgmGe(settings.ogmge());
            case "pmr" -> new PMR(settings.pmr());
            case "umt" -> new UMT(settings.umt());
            case null, default -> throw new IllegalArgumentException("unknown regularizer '" + name + "'; expected one of " + Regularizers.NAMES);
        };
    }
}
