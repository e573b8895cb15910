package dev.causalmm.nn;

import dev.causalmm.engine.Functional;
import dev.causalmm.engine.Tensor;

/** Pointwise non-linearities used between layers. */
public enum Activation {
    ELU, RELU, TANH, IDENTITY;

    public Tensor apply(Tensor x) {
        return switch (this) {
            case ELU -> Functional.elu(x);
            case RELU -> Functional.relu(x);
            case TANH -> x.tanh();
            case IDENTITY -> x;
        };
    }
}
