package dev.causalmm.causal;

import dev.causalmm.nn.Init;
import dev.causalmm.engine.Tensor;
import dev.causalmm.nn.ForwardOutput;
import dev.causalmm.nn.Linear;
import dev.causalmm.nn.Module;
import dev.causalmm.nn.MultimodalModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CmIR's model (spec §4.1) built around any {@link MultimodalModel}: the base encoder's feature
 * {@code h_m} is split by two linear heads into an invariant code {@code Z_m^inv} and a spurious
 * code {@code Z_m^spu} of the same width; only the invariant codes go on to the base model's fusion
 * and head (the predictor never sees the spurious part). The spurious codes are handed to the
 * regulariser as extras {@code cmir.spu<m>}. Parameters: the base model's plus {@code split.*}.
 */
final class InvariantSpuriousSplit extends ModelWrapper {
    private final Heads heads;

    private static final class Heads extends Module {
        final List<Linear> inv = new ArrayList<>();
        final List<Linear> spu = new ArrayList<>();

        Heads(MultimodalModel base, Init init) {
            for (int m = 0; m < base.numModalities(); m++) {
                int d = base.featureDim(m);
                inv.add(registerModule("inv" + m, new Linear(d, d, init)));
                spu.add(registerModule("spu" + m, new Linear(d, d, init)));
            }
        }
    }

    /** @param init draws the heads' initial weights ({@link CmIR#adapt} seeds it) */
    public InvariantSpuriousSplit(MultimodalModel base, Init init) {
        this(base, new Heads(base, Init.require(init, "InvariantSpuriousSplit")));
    }

    private InvariantSpuriousSplit(MultimodalModel base, Heads heads) {
        super(base, heads, "split");
        this.heads = heads;
    }

    /** Invariant codes of the given inputs (the features the predictor sees). */
    @Override
    public List<Tensor> encode(List<Tensor> inputs) {
        List<Tensor> h = base.encode(inputs);
        List<Tensor> inv = new ArrayList<>(h.size());
        for (int m = 0; m < h.size(); m++) inv.add(heads.inv.get(m).forward(h.get(m)));
        return inv;
    }

    @Override
    public ForwardOutput forward(List<Tensor> inputs, Tensor mask) {
        List<Tensor> h = base.encode(inputs);
        List<Tensor> inv = new ArrayList<>(h.size());
        Map<String, Tensor> extras = new LinkedHashMap<>();
        for (int m = 0; m < h.size(); m++) {
            inv.add(heads.inv.get(m).forward(h.get(m)));
            extras.put("cmir.spu" + m, heads.spu.get(m).forward(h.get(m)));
        }
        return base.forwardFeatures(inv, mask).withInputs(inputs).withExtras(extras);
    }
}
