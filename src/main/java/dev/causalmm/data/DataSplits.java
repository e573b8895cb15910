package dev.causalmm.data;

import java.util.List;

/**
 * A dataset's train, validation and test sets, as experiments and the command line use them.
 *
 * @param name   the dataset's command-line name ({@code mmlsyn}, {@code imagetext})
 * @param mmlsyn the MMLSynData splits with their latent factors (for dCor), or null for other data
 * @param featureFile where a feature-file dataset came from and how it was prepared (label map,
 *                    split, standardisation), or null for other data; checkpoints store it
 */
public record DataSplits(String name, MultimodalDataset train, MultimodalDataset val, MultimodalDataset test, MMLSynData.Splits mmlsyn,
                         FeatureFileInfo featureFile) {
    public DataSplits(String name, MultimodalDataset train, MultimodalDataset val, MultimodalDataset test, MMLSynData.Splits mmlsyn) {
        this(name, train, val, test, mmlsyn, null);
    }

    public static DataSplits of(MMLSynData.Splits s) {
        return new DataSplits("mmlsyn", s.train().dataset(), s.val().dataset(), s.test().dataset(), s);
    }

    public int numClasses() {
        return train.numClasses();
    }

    public List<ModalitySpec> modalities() {
        return train.modalities();
    }
}
