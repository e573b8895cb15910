package dev.causalmm.train;

/** How the learning rate changes over a run's epochs (or, in a step-budget loop, its steps). */
public sealed interface LrSchedule {

    /** The same rate throughout. */
    record Constant() implements LrSchedule {}

    /** Cosine decay from the base rate to {@code minLr} over the run, after {@code warmupEpochs} of linear warm-up. */
    record Cosine(double minLr, int warmupEpochs) implements LrSchedule {
        public Cosine {
            if (minLr < 0 || warmupEpochs < 0) throw new IllegalArgumentException("cosine: minLr and warmupEpochs must be >= 0");
        }
    }

    /** Linear decay from the base rate to {@code endFactor} × base over the run (segmentation's step budget: to 10 %). */
    record Linear(double endFactor) implements LrSchedule {
        public Linear {
            if (!(endFactor >= 0 && endFactor <= 1)) throw new IllegalArgumentException("linear decay end factor must be in [0, 1], got " + endFactor);
        }
    }

    /** Multiply the rate by {@code factor} when validation accuracy has not improved for {@code patience} epochs. */
    record Plateau(double factor, int patience, double minLr) implements LrSchedule {
        public Plateau {
            if (!(factor > 0 && factor < 1)) throw new IllegalArgumentException("plateau factor must be in (0, 1), got " + factor);
            if (patience < 0) throw new IllegalArgumentException("plateau patience must be >= 0");
        }
    }

    /** The command-line name of {@code s} (what {@link #parse} reads back), or its record form when it has none. */
    public static String name(LrSchedule s) {
        for (String n : java.util.List.of("constant", "cosine", "plateau")) if (parse(n).equals(s)) return n;
        return s.toString();
    }

    /** The command-line names: {@code constant}, {@code cosine} (to 0), {@code plateau} (×0.5 after 2 flat epochs). */
    public static LrSchedule parse(String name) {
        return switch (name) {
            case "constant" -> new Constant();
            case "cosine" -> new Cosine(0, 0);
            case "plateau" -> new Plateau(0.5, 2, 1e-6);
            default -> throw new IllegalArgumentException("unknown --schedule '" + name + "' (constant, cosine, plateau)");
        };
    }
}
