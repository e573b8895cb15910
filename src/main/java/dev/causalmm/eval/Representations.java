package dev.causalmm.eval;

import dev.causalmm.data.Batch;
import dev.causalmm.data.DataLoader;
import dev.causalmm.data.MMLSynData;
import dev.causalmm.data.MultimodalDataset;
import dev.causalmm.engine.Device;
import dev.causalmm.engine.NoGrad;
import dev.causalmm.engine.Tensor;
import dev.causalmm.engine.TensorScope;
import dev.causalmm.nn.ForwardOutput;
import dev.causalmm.nn.MultimodalModel;
import java.util.EnumMap;
import java.util.Map;

/**
 * A model's learned representation of each sample: its fused vector Z when it has one, otherwise
 * the concatenation of its per-modality features (the same choice for a model with or without a
 * regulariser, so the two are comparable). Used for the SNC/SC/NC/SP distance-correlation analysis
 * of spec §2.7.
 */
final class Representations {
    private Representations() {}

    /** Rows in dataset order. */
    public static double[][] extract(MultimodalModel model, MultimodalDataset data, Device device) {
        DataLoader loader = new DataLoader(data, DataLoader.Options.sequential(512).withDevice(device));
        double[][] rows = new double[data.size()][];
        model.setTraining(false);
        try (NoGrad ng = NoGrad.enter(); var epoch = loader.epoch(0)) {
            while (epoch.hasNext()) {
                try (var s = TensorScope.open("repr"); Batch b = epoch.next()) {
                    ForwardOutput out = model.forward(b.inputs(), b.maskOrNull());
                    Tensor z = out.hasFused() ? out.fused() : Tensor.cat(out.features(), 1);
                    int width = (int) z.size(1);
                    double[] flat = z.toDoubleArray();
                    int[] idx = b.indices();
                    for (int r = 0; r < idx.length; r++) {
                        double[] row = new double[width];
                        System.arraycopy(flat, r * width, row, 0, width);
                        rows[idx[r]] = row;
                    }
                }
            }
        } finally {
            model.setTraining(true);
        }
        return rows;
    }

    /** dCor between the model's representation of {@code split} and each latent factor. */
    public static Map<MMLSynData.Factor, Double> factorCorrelations(MultimodalModel model, MMLSynData.Split split, Device device) {
        double[][] z = extract(model, split.dataset(), device);
        Map<MMLSynData.Factor, Double> out = new EnumMap<>(MMLSynData.Factor.class);
        for (MMLSynData.Factor f : MMLSynData.Factor.values()) out.put(f, DistanceCorrelation.of(z, split.factor(f)));
        return out;
    }
}
