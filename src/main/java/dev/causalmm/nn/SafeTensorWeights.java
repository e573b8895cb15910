package dev.causalmm.nn;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.causalmm.engine.NoGrad;
import dev.causalmm.engine.Tensor;
import dev.causalmm.io.FormatException;
import dev.causalmm.io.SafeTensors;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A model's named parameters to and from a safetensors export, shared by the classification and
 * segmentation exports so that both refuse a file the same way: every tensor must be a parameter
 * of the model the card describes, and every parameter must be there with its shape.
 */
public final class SafeTensorWeights {
    private SafeTensorWeights() {}

    /**
     * Copies the tensors of {@code st} into {@code params}; {@code model} names the model in the
     * refusals (e.g. "late-fusion model", "U-Net").
     */
    public static void copyInto(Map<String, Tensor> params, SafeTensors st, String model) throws FormatException {
        Set<String> extra = new LinkedHashSet<>(st.entries().keySet());
        extra.removeAll(params.keySet());
        if (!extra.isEmpty()) throw new FormatException(st.source() + ": tensors " + extra + " are not parameters of the " + model + " it describes");
        for (var e : params.entrySet()) {
            SafeTensors.Entry en = st.entries().get(e.getKey());
            if (en == null) throw new FormatException(st.source() + ": no tensor for parameter '" + e.getKey() + "' of the " + model);
            long[] want = e.getValue().shape();
            if (!Arrays.equals(want, en.shape())) {
                throw new FormatException(st.source() + ": tensor '" + e.getKey() + "' has shape " + Arrays.toString(en.shape())
                        + ", the " + model + " expects " + Arrays.toString(want));
            }
            try (Tensor src = Tensor.of(st.floats(e.getKey()), want); NoGrad ng = NoGrad.enter()) {
                e.getValue().copyFrom_(src);
            }
        }
    }

    /** The model card's list of the exported tensors: {@code names[] = {name, shape}} under {@code weights}. */
    public static void describe(ObjectNode weights, List<SafeTensors.Data> data) {
        ArrayNode names = weights.putArray("names");
        for (SafeTensors.Data d : data) {
            ObjectNode o = names.addObject();
            o.put("name", d.name());
            ArrayNode shape = o.putArray("shape");
            for (long x : d.shape()) shape.add(x);
        }
    }
}
