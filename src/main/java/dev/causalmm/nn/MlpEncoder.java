package dev.causalmm.nn;

import dev.causalmm.engine.Tensor;
import java.util.ArrayList;
import java.util.List;

/** Encodes one vector modality {@code B×in} into a feature {@code B×d}. */
final class MlpEncoder extends ModalityEncoder {
    private final Mlp mlp;
    private final EncoderConfig config;

    public MlpEncoder(int inputDim, EncoderConfig config, Init init) {
        this.config = config;
        List<Integer> widths = new ArrayList<>();
        widths.add(inputDim);
        widths.addAll(config.hidden());
        this.mlp = registerModule("mlp", new Mlp(widths, config.activation(), init));
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor h = mlp.forward(x);
        return config.meanHalf() ? h.narrow(1, 0, config.featureDim()) : h;
    }

    @Override
    public int featureDim() {
        return config.featureDim();
    }
}
