package dev.causalmm.causal;

import java.util.List;

/** Looks regularisers up by their command-line name. */
public final class Regularizers {
    /** Every name the command line accepts, available or not. */
    public static final List<String> NAMES = List.of("none", "c3r", "imml", "cmir");

    private Regularizers() {}

    public static Regularizer create(String name) {
        return create(name, C3RConfig.defaults());
    }

    /** @param c3r settings used when {@code name} is {@code c3r} */
    public static Regularizer create(String name, C3RConfig c3r) {
        return switch (name) {
            case "none" -> Regularizer.NONE;
            case "c3r" -> new C3R(c3r);
            case "imml", "cmir" -> throw new IllegalArgumentException("regularizer '" + name
                    + "' is not available yet in this version of causalmm; available: none, c3r");
            default -> throw new IllegalArgumentException("unknown regularizer '" + name + "'; expected one of " + NAMES);
        };
    }
}
