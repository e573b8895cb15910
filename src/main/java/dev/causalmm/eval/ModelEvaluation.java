package dev.causalmm.eval;

import dev.causalmm.causal.C3R;
import dev.causalmm.causal.Regularizer;
import dev.causalmm.data.MMLSynData;
import dev.causalmm.data.MultimodalDataset;
import dev.causalmm.engine.Device;
import dev.causalmm.nn.MultimodalModel;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The evaluation a trained model gets, after training ({@code train}, {@code experiment}) and from
 * a checkpoint ({@code eval}): accuracy and loss on validation and test, the C3 diagnostic of the
 * deployed predictor (and C3R's own twin view), the distance correlation with MMLSynData's factors,
 * and test accuracy under the noise protocol. One loop, so both paths report the same numbers.
 */
public final class ModelEvaluation {
    private ModelEvaluation() {}

    /**
     * What to measure.
     *
     * @param batchSize evaluation batch
     * @param c3        the C3 diagnostic (and C3R's twin when the regulariser is C3R)
     * @param etaRel    the C3 counterfactual's relative step
     * @param dcor      MMLSynData test split whose factors the representation is correlated with (null: none)
     */
    public record Plan(int batchSize, boolean c3, double etaRel, MMLSynData.Split dcor) {
        /** Batch 1024, C3 at its default step, no dcor: what training reports. */
        public static Plan defaults() {
            return new Plan(1024, true, C3Score.DEFAULT_ETA_REL, null);
        }

        public Plan withBatchSize(int b) {
            return new Plan(b, c3, etaRel, dcor);
        }

        public Plan withC3(boolean on, double eta) {
            return new Plan(batchSize, on, eta, dcor);
        }

        public Plan withDcor(MMLSynData.Split test) {
            return new Plan(batchSize, c3, etaRel, test);
        }
    }

    /**
     * What was measured; a field is null when the plan (or a missing validation set) left it out.
     *
     * @param c3rTwinTest C3R's twin view of the C3 risk on test (null without C3R)
     */
    public record Report(EvalResult val, EvalResult test, C3Score c3Val, C3Score c3Test, C3Score c3rTwinTest,
                         Map<MMLSynData.Factor, Double> dcor) {}

    /**
     * Evaluates {@code model} (trained with {@code reg}) on {@code val} (null: skipped) and
     * {@code test}, as the plan says; the model and regulariser are on {@code device}.
     */
    public static Report evaluate(MultimodalModel model, Regularizer reg, MultimodalDataset val, MultimodalDataset test,
                                  Plan plan, Device device) {
        int b = plan.batchSize();
        EvalResult v = val == null ? null : Evaluator.evaluate(model, val, b, device);
        EvalResult t = Evaluator.evaluate(model, test, b, device);
        C3R c3r = reg instanceof C3R c ? c : null;
        if (plan.c3() && test.task() instanceof dev.causalmm.data.Task.Regression) {
            // the C3 risks count flipped class decisions: undefined for real-valued predictions
            org.slf4j.LoggerFactory.getLogger(ModelEvaluation.class).info("C3 diagnostic skipped: it is defined for classification, the data is a regression task");
            plan = plan.withC3(false, plan.etaRel());
        }
        C3Score c3Val = plan.c3() && val != null ? C3Score.predictor(model, val, plan.etaRel(), b, device) : null;
        C3Score c3Test = plan.c3() ? C3Score.predictor(model, test, plan.etaRel(), b, device) : null;
        C3Score twin = plan.c3() && c3r != null ? C3Score.twin(model, c3r, test, b, device) : null;
        Map<MMLSynData.Factor, Double> dcor = plan.dcor() == null ? null : Representations.factorCorrelations(model, plan.dcor(), device);
        return new Report(v, t, c3Val, c3Test, twin, dcor);
    }

    /** As the full form, every modality corrupted. */
    public static Map<Double, double[]> noiseSweep(MultimodalModel model, MultimodalDataset test, List<Double> levels, int evalSeeds,
                                                   long trainingSeed, boolean qmfCompat, int batchSize, Device device) {
        return noiseSweep(model, test, levels, evalSeeds, trainingSeed, qmfCompat, new int[0], batchSize, device);
    }

    /**
     * Test accuracy (on a regression task: test MAE, see {@link #noiseMetric}) under the noise
     * protocol at each level on {@code modalities} (empty: all), once per evaluation seed: seeds
     * 1..n, or the training seed alone when {@code evalSeeds} is 0 (the "runs" layout).
     */
    public static Map<Double, double[]> noiseSweep(MultimodalModel model, MultimodalDataset test, List<Double> levels, int evalSeeds,
                                                   long trainingSeed, boolean qmfCompat, int[] modalities, int batchSize, Device device) {
        for (int m : modalities) {
            if (m < 0 || m >= test.modalities().size()) {
                throw new IllegalArgumentException("noise modality " + m + " is out of range: the data has " + test.modalities().size()
                        + " modalities " + test.modalities().stream().map(dev.causalmm.data.ModalitySpec::name).toList());
            }
        }
        Map<Double, double[]> noise = new TreeMap<>();
        int n = evalSeeds == 0 ? 1 : evalSeeds;
        for (double eps : levels) {
            double[] acc = new double[n];
            for (int e = 0; e < n; e++) {
                long evalSeed = evalSeeds == 0 ? trainingSeed : e + 1;
                var noisy = new CorruptedDataset(test, NoiseProtocol.of(eps, evalSeed).withQmfCompat(qmfCompat).onModalities(modalities));
                EvalResult r = Evaluator.evaluate(model, noisy, batchSize, device);
                acc[e] = r.regression() != null ? r.regression().mae() : r.accuracy();
            }
            noise.put(eps, acc);
        }
        return noise;
    }

    /** What {@link #noiseSweep} measures on {@code data}: {@code accuracy}, or {@code MAE} on a regression task. */
    public static String noiseMetric(MultimodalDataset data) {
        return data.task() instanceof dev.causalmm.data.Task.Regression ? "MAE" : "accuracy";
    }
}
