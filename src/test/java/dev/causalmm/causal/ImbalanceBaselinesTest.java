package dev.causalmm.causal;

import static org.junit.jupiter.api.Assertions.*;

import dev.causalmm.baselines.Baselines;
import dev.causalmm.data.ArrayDataset;
import dev.causalmm.nn.EncoderConfig;
import dev.causalmm.nn.MultimodalModel;
import dev.causalmm.train.TrainConfig;
import dev.causalmm.train.TrainResult;
import dev.causalmm.train.Trainer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** OGM-GE, PMR and UMT plug into every vector model, QMF included (IMML's Table I pairs QMF with PMR). */
class ImbalanceBaselinesTest {

    @ParameterizedTest
    @ValueSource(strings = {"late-fusion", "concat", "tmc", "qmf"})
    void eachBaselineTrainsOnTheModelWithFiniteTerms(String modelName) {
        ArrayDataset train = ImbalancedToy.data(90, 5), val = ImbalancedToy.data(30, 6);
        for (String r : new String[] {"ogm-ge", "pmr", "umt"}) {
            try (Regularizer reg = Regularizers.create(r, Regularizers.Settings.defaults()
                    .withBaselines(OGMGEConfig.defaults(), PMRConfig.defaults(), UMTConfig.defaults().withTeacherEpochs(1)));
                 MultimodalModel model = Baselines.create(modelName, train.modalities(), 3, EncoderConfig.c3rPaper(), train.size(), 4)) {
                if (reg instanceof UMT umt) umt.withTeachers(s -> Baselines.create(modelName, train.modalities(), 3, EncoderConfig.c3rPaper(), train.size(), s));
                TrainResult result = new Trainer(TrainConfig.defaults(2, 4).withBatchSize(32)).fit(model, reg, train, val);
                var last = result.last();
                assertTrue(Double.isFinite(last.trainLoss()) && Double.isFinite(last.valLoss()), modelName + "+" + r + ": " + last);
                assertFalse(last.terms().isEmpty(), modelName + "+" + r + " reports its terms");
                last.terms().forEach((k, v) -> assertTrue(Double.isFinite(v), modelName + "+" + r + " term " + k + " = " + v));
            }
        }
    }
}
