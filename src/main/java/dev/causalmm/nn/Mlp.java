package dev.causalmm.nn;

import dev.causalmm.engine.Tensor;
import java.util.ArrayList;
import java.util.List;

/** A stack of {@link Linear} layers with an activation between them (none after the last). */
public final class Mlp extends Module {
    private final List<Linear> layers = new ArrayList<>();
    private final Activation activation;

    /** {@code widths} = input width followed by every layer's output width, e.g. {@code [20, 64, 32, 128]}. */
    public Mlp(List<Integer> widths, Activation activation, Init init) {
        Init.require(init, "Mlp" + widths);
        if (widths.size() < 2) throw new IllegalArgumentException("an MLP needs an input and at least one layer width: " + widths);
        this.activation = activation;
        for (int i = 0; i + 1 < widths.size(); i++) {
            layers.add(registerModule("layer" + i, new Linear(widths.get(i), widths.get(i + 1), init)));
        }
    }

    public Tensor forward(Tensor x) {
        Tensor h = x;
        for (int i = 0; i < layers.size(); i++) {
            h = layers.get(i).forward(h);
            if (i + 1 < layers.size()) h = activation.apply(h);
        }
        return h;
    }

    public int outFeatures() {
        return layers.getLast().outFeatures();
    }

    public Linear lastLayer() {
        return layers.getLast();
    }
}
