package dev.causalmm.engine;

import java.util.List;
import org.bytedeco.pytorch.T_TensorTensor_T;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * LibTorch's fused recurrent layers ({@code at::gru}) run with weights the caller owns, so that a
 * recurrent encoder's parameters are ordinary module parameters (optimiser, checkpoints, devices)
 * rather than a bytedeco {@code GRUImpl}'s hidden ones: the functional form of
 * {@code torch.nn.GRU(batch_first=True)}, one layer, one direction.
 */
public final class Recurrent {
    private Recurrent() {}

    /**
     * The outputs of every step, {@code B×T×H}, of a one-layer GRU over {@code x} ({@code B×T×D})
     * from the initial state {@code h0} ({@code 1×B×H}); {@code weights} are PyTorch's
     * {@code weight_ih (3H×D), weight_hh (3H×H), bias_ih (3H), bias_hh (3H)} in that order.
     */
    public static Tensor gru(Tensor x, Tensor h0, List<Tensor> weights) {
        if (weights.size() != 4) throw new IllegalArgumentException("a GRU layer takes 4 weight tensors, got " + weights.size());
        try (TensorVector w = Tensor.vector(weights);
             T_TensorTensor_T r = torch.gru(x.h(), h0.h(), w, true, 1, 0.0, false, false, true)) {
            return Tensor.wrap(new org.bytedeco.pytorch.Tensor(r.get0())); // a counted copy: the tuple's own goes with it
        }
    }
}
