package dev.causalmm.seg;

import dev.causalmm.engine.DType;
import dev.causalmm.engine.Device;
import dev.causalmm.engine.NoGrad;
import dev.causalmm.engine.Tensor;
import dev.causalmm.engine.TensorScope;
import dev.causalmm.nn.UNet3d;
import java.util.ArrayList;
import java.util.List;

/**
 * LCKD's teacher election (reference {@code train.py validate()}): the model is run on fixed
 * patches with one modality at a time (the others zero-filled and marked absent, as the reference's
 * {@code mode=str(i_mode)}), each region's soft Dice {@code 2Σpy / (Σp + Σy + 1)} on the sigmoid
 * probabilities is averaged over the patches that have the modality, and each region's teacher is
 * the modality with the best score (ties: the first modality, as Python's {@code list.index(max)}).
 *
 * @param afterStep the 0-based optimizer step after which it was held
 * @param dice      {@code dice[m][r]}: modality m alone, region r (WT, TC, ET); NaN where no patch has m
 * @param teachers  per region (WT, TC, ET) the elected modality's index
 */
record LckdElection(long afterStep, double[][] dice, int[] teachers) {

    /** Scores every modality alone on {@code patches} (one read-back) and elects; a region no modality scored keeps {@code previous}. */
    static LckdElection hold(UNet3d model, PatchSampler.Batch patches, long afterStep, int[] previous) {
        double[][] dice = singleModalityDice(model, patches);
        return new LckdElection(afterStep, dice, winners(dice, previous));
    }

    /** Per region the modality with the highest Dice (NaN skipped; ties to the lower index); {@code previous[r]} when all are NaN. */
    static int[] winners(double[][] dice, int[] previous) {
        int[] out = previous.clone();
        for (int r = 0; r < out.length; r++) {
            double best = Double.NEGATIVE_INFINITY;
            for (int m = 0; m < dice.length; m++) {
                if (!Double.isNaN(dice[m][r]) && dice[m][r] > best) {
                    best = dice[m][r];
                    out[r] = m;
                }
            }
        }
        return out;
    }

    /** {@code dice[m][r]} of the model fed modality m alone; NaN for a modality none of the patches has. */
    static double[][] singleModalityDice(UNet3d model, PatchSampler.Batch patches) {
        int n = patches.size();
        int k = patches.modalities();
        Device device = model.device();
        double[] flat;
        try (var ng = NoGrad.enter(); var scope = TensorScope.open("lckd-election")) {
            Tensor x = Tensor.of(patches.x(), patches.inputShape()).to(device);
            Tensor has = Tensor.of(patches.mask(), n, k).to(device);
            Tensor y = Tensor.of(patches.y(), patches.targetShape()).to(device);
            long[] space = {2, 3, 4};
            Tensor ySum = y.sum(space, false);
            List<Tensor> rows = new ArrayList<>();
            for (int m = 0; m < k; m++) {
                float[] e = new float[k];
                e[m] = 1;
                Tensor only = Tensor.of(e, 1, k).to(device);
                Tensor mask = Tensor.ones(DType.FLOAT32, device, n, 1).mul(only);
                Tensor p = model.forward(x.mul(only.reshape(1, k, 1, 1, 1)), mask).logits().sigmoid();
                Tensor dice = p.mul(y).sum(space, false).mul(2.0).div(p.sum(space, false).add(ySum).add(1.0));   // n×3
                Tensor w = has.narrow(1, m, 1);
                rows.add(dice.mul(w).sum(0, false).div(w.sum().clampMin(1e-12)));
            }
            flat = Tensor.stack(rows, 0).to(DType.FLOAT64).toDoubleArray();
        }
        double[][] out = new double[k][3];
        for (int m = 0; m < k; m++) {
            boolean any = false;
            for (int b = 0; b < n; b++) any |= patches.mask()[b * k + m] != 0;
            for (int r = 0; r < 3; r++) out[m][r] = any ? flat[m * 3 + r] : Double.NaN;
        }
        return out;
    }
}
