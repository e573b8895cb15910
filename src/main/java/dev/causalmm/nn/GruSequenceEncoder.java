package dev.causalmm.nn;

import dev.causalmm.data.ModalitySpec;
import dev.causalmm.engine.DType;
import dev.causalmm.engine.Recurrent;
import dev.causalmm.engine.Tensor;
import java.util.List;

/**
 * A one-layer GRU over a sequence's steps ({@code B×T×(d+1)}, mask last), then the modality MLP on
 * the state after each sample's last real step. Padding sits after the real steps (see
 * {@link dev.causalmm.data.Sequences#pack}), so that state never saw a padded step; a sample with no
 * real step gets the state after one zero step.
 */
final class GruSequenceEncoder extends ModalityEncoder {
    private final int features;
    private final int hidden;
    private final ModalityEncoder head;

    /** @param config the MLP after the GRU; null: the GRU state itself is the feature */
    public GruSequenceEncoder(ModalitySpec spec, int hidden, EncoderConfig config, Init init) {
        Init.require(init, "GruSequenceEncoder(" + spec + ")");
        this.features = spec.stepFeatures();
        this.hidden = hidden;
        double bound = 1.0 / Math.sqrt(hidden); // PyTorch's nn.GRU initialisation
        registerParameter("weight_ih", init.uniform(bound, 3L * hidden, features));
        registerParameter("weight_hh", init.uniform(bound, 3L * hidden, hidden));
        registerParameter("bias_ih", init.uniform(bound, 3L * hidden));
        registerParameter("bias_hh", init.uniform(bound, 3L * hidden));
        this.head = config == null ? null : registerModule("mlp", new MlpEncoder(hidden, config, init));
    }

    @Override
    public Tensor forward(Tensor x) {
        long b = x.size(0), t = x.size(1);
        Tensor steps = x.narrow(2, 0, features);
        Tensor h0 = Tensor.zeros(DType.FLOAT32, x.device(), 1, b, hidden);
        Tensor out = Recurrent.gru(steps, h0, List.of(param("weight_ih"), param("weight_hh"), param("bias_ih"), param("bias_hh")));
        Tensor last = SequencePooling.lengths(x, features).sub(1).clampMin(0).to(DType.INT64);
        Tensor index = last.reshape(b, 1, 1).expand(b, 1, hidden);
        Tensor h = out.gather(1, index).reshape(b, hidden);
        return head == null ? h : head.forward(h);
    }

    @Override
    public int featureDim() {
        return head == null ? hidden : head.featureDim();
    }
}
