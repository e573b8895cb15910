package dev.causalmm.seg;

import dev.causalmm.io.UserInputException;

/**
 * LCKD's teacher election and cross-modal distillation on segmentation (Wang et al., MICCAI 2023;
 * reference code {@code billhhh/LCKD}). Every {@code electEvery} steps each region's teacher is
 * elected: the modality whose input alone scores the best soft Dice on {@code electionPatches}
 * fixed patches; the distinct teachers' per-modality encoder features (detached) then pull every
 * other present modality's features by an L1 distance, weighted by {@code weight}.
 *
 * @param weight          weight of the distillation term in the loss (reference: {@code kd_wt = 0.1})
 * @param electEvery      an election after every step whose 0-based index is a multiple of this
 *                        (reference: validation at {@code i_iter % val_pred_every == 0}, default 100)
 * @param electionPatches tumour-centred patches drawn once from the training cases to elect on, one
 *                        case after the other (the reference validates on a held-out case list;
 *                        seg-train has none)
 */
public record LckdConfig(double weight, int electEvery, int electionPatches) {
    /** The most election patches: each election runs K forward passes over all of them at once. */
    public static final int MAX_ELECTION_PATCHES = 64;

    public LckdConfig {
        if (!(weight > 0 && Double.isFinite(weight))) {
            throw new UserInputException("LCKD distillation weight (--lckd.weight) must be a finite number > 0, got " + weight);
        }
        if (electEvery <= 0) throw new UserInputException("LCKD election interval (--lckd.elect-every) must be > 0 steps, got " + electEvery);
        if (electionPatches <= 0 || electionPatches > MAX_ELECTION_PATCHES) {
            throw new UserInputException("LCKD election patches (--lckd.election-patches) must be in 1.." + MAX_ELECTION_PATCHES + ", got "
                    + electionPatches);
        }
    }

    /** The reference's weight (0.1) and election interval (train.py's default 100 steps); 8 election patches. */
    public static LckdConfig defaults() {
        return new LckdConfig(0.1, 100, 8);
    }

    public LckdConfig withWeight(double value) {
        return new LckdConfig(value, electEvery, electionPatches);
    }

    public LckdConfig withElectEvery(int value) {
        return new LckdConfig(weight, value, electionPatches);
    }

    public LckdConfig withElectionPatches(int value) {
        return new LckdConfig(weight, electEvery, value);
    }
}
