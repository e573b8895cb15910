package dev.causalmm.causal;

import dev.causalmm.engine.Functional;
import dev.causalmm.nn.Init;
import dev.causalmm.data.ModalitySpec;
import dev.causalmm.data.MultimodalDataset;
import dev.causalmm.data.SampleReader;
import dev.causalmm.engine.Device;
import dev.causalmm.engine.Tensor;
import dev.causalmm.nn.Activation;
import dev.causalmm.nn.ForwardOutput;
import dev.causalmm.nn.Mlp;
import dev.causalmm.nn.Module;
import dev.causalmm.nn.MultimodalModel;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * IMML, interventional imbalanced multimodal learning through the β-generalised front-door
 * criterion (Li et al., arXiv 2406.11490), as specified in spec §3:
 * <ul>
 *   <li>MDKE: the model's features are re-weighted per dimension ({@link FeatureWeighting}, built by
 *       {@link #adapt}); projection heads {@code P^m = Linear(D_m,512)–ReLU–Linear(512,128)} map ĥ
 *       to ξ, and {@code L_mdke = Σ_m L^{m,[m+1]}} is the NT-Xent loss of Eq. 3 over cyclic modality
 *       pairs (cosine similarity / τ, 2N*−1 denominator terms including the positive; mean over
 *       anchors instead of the paper's sum, spec B3).</li>
 *   <li>L_β (Eq. 6): for n = 1..N, the predominant modality's ĥ of sample i is fused, through the
 *       model's own fusion + head, with the auxiliary modalities' ĥ of sample (i+n) mod N*, scaled by
 *       λ and (1−λ)/(M−1), λ ~ Beta(0.1, 0.1) once per (batch, n); the loss is the model's fused loss
 *       in the loss-mixing form {@code λ·l(y_i) + (1−λ)·l(y_{i+n})}, averaged over n.</li>
 * </ul>
 * Total added to the base loss: {@code γ1·L_mdke + γ2·L_β}. Projection heads are training-only.
 */
public final class IMML extends Module implements Regularizer {
    private final IMMLConfig config;
    private final List<Mlp> heads = new ArrayList<>();
    private boolean bound;
    private int predominant;
    private int modalities;
    private int rngEpoch = Integer.MIN_VALUE;
    private BetaSampler beta;
    private Tensor notSelf;

    public IMML(IMMLConfig config) {
        this.config = config;
        this.predominant = config.predominant();
    }

    public IMMLConfig config() {
        return config;
    }

    @Override
    public String name() {
        return "imml";
    }

    /** Wraps the model with the per-dimension weights ω that IMML trains and inference keeps. */
    @Override
    public MultimodalModel adapt(MultimodalModel model, long seed) { // ω starts at 1: nothing to draw
        return model instanceof FeatureWeighting ? model : new FeatureWeighting(model);
    }

    /** The predominant modality in use (after automatic selection). */
    public int predominant() {
        return predominant;
    }

    /** Refuses a regression set: IMML's probe and terms are over classes (a user's choice, not a bug: a require* check). */
    static void requireClassification(MultimodalDataset train) {
        if (train.task() instanceof dev.causalmm.data.Task.Regression r) {
            throw new IllegalArgumentException("IMML is defined for classification (its nearest-centroid probe and its terms need classes);"
                    + " the data '" + train.name() + "' is a regression task (" + r.loss() + " loss). Use CmIR or no regulariser");
        }
    }

    @Override
    public void observeData(MultimodalDataset train, MultimodalDataset val) {
        requireClassification(train);
        if (predominant >= 0) return;
        MultimodalDataset probe = val != null && val.size() > 0 ? val : train;
        double best = -1;
        for (int m = 0; m < train.modalities().size(); m++) {
            double acc = nearestCentroidAccuracy(train, probe, m);
            if (acc > best) {
                best = acc;
                predominant = m;
            }
        }
        LoggerFactory.getLogger(IMML.class).info("IMML predominant modality: {} ({}, unimodal probe accuracy {})",
                predominant, train.modalities().get(predominant).name(), String.format("%.3f", best));
    }

    @Override
    public void bind(MultimodalModel model, long seed) {
        if (model.task() instanceof dev.causalmm.data.Task.Regression r) {
            throw new dev.causalmm.io.UserInputException("IMML is defined for classification (its discriminative-knowledge weights and mixing read class probabilities); the model is built for regression ("
                    + r.dims() + "-dimensional target, " + r.loss() + " loss). Use CmIR or no regulariser");
        }
        if (bound) return;
        if (!(model instanceof FeatureWeighting)) {
            throw new IllegalArgumentException("IMML trains the model returned by imml.adapt(model, seed) (it adds the"
                    + " discriminative-knowledge weights ω); got " + model.getClass().getSimpleName());
        }
        bound = true;
        modalities = model.numModalities();
        if (modalities < 2) throw new IllegalArgumentException("IMML needs at least two modalities, the model has " + modalities);
        if (predominant < 0) predominant = 0;
        if (predominant >= modalities) {
            throw new IllegalArgumentException("imml predominant modality " + predominant + " does not exist (model has " + modalities + ")");
        }
        Init init = Init.seeded(seed, "imml.heads");
        for (int m = 0; m < modalities; m++) {
            heads.add(registerModule("proj" + m, new Mlp(List.of(model.featureDim(m), config.projHidden(), config.projDim()), Activation.RELU, init)));
        }
    }

    @Override
    public Output compute(MultimodalModel model, ForwardOutput out, Tensor labels, int epoch) {
        if (!bound) throw new IllegalStateException("IMML is not bound to a model yet: call bind(model, seed) first");
        if (epoch != rngEpoch) {
            rngEpoch = epoch;
            beta = new BetaSampler(config.betaA(), config.betaB(), config.seed() * 0x9E3779B97F4A7C15L + epoch);
        }
        List<Tensor> xi = new ArrayList<>(modalities);
        for (int m = 0; m < modalities; m++) xi.add(heads.get(m).forward(out.features().get(m)));
        Tensor first = xi.get(0);
        Tensor mdke = out.mask() == null ? mdke(xi, config.tau(), notSelf(first.size(0), first.device()))
                : mdke(xi, config.tau(), notSelf(first.size(0), first.device()), out.mask());
        Tensor lbeta = frontDoor(model, out.features(), out.mask(), labels);
        Tensor loss = mdke.mul(config.gamma1()).add(lbeta, config.gamma2());
        Map<String, Tensor> terms = new LinkedHashMap<>();
        terms.put("imml.L_mdke", mdke);
        terms.put("imml.L_beta", lbeta);
        return new Output(loss, terms);
    }

    /**
     * Eq. 3 for one ordered modality pair, anchors in {@code a}: for anchor i, the positive is
     * {@code b_i}; the denominator runs over all {@code b_j} and all {@code a_j, j ≠ i} (2N−1 terms).
     * Mean over anchors.
     */
    public static Tensor ntXent(Tensor a, Tensor b, double tau) {
        Tensor an = Functional.normalizeRows(a);
        Tensor ab = an.matmul(Functional.normalizeRows(b).transpose(0, 1)).mul(1 / tau);   // N×N, positives on the diagonal
        return contrastive(ab, an, tau, Tensor.eye(a.size(0), a.device()).gt(0.5));
    }

    /**
     * L_MDKE over the ring of modality pairs, {@code Σ_m ntXent(ξ_m, ξ_{m+1})} (both directions when
     * there are two modalities), computed with each ξ normalised once and, for two modalities, the
     * reverse pair's similarities taken as the transpose of the forward pair's: the same values as the
     * {@link #ntXent} calls, with one N×N×d matmul (and its backward) and four normalisations fewer.
     */
    static Tensor mdke(List<Tensor> xi, double tau) {
        return mdke(xi, tau, Tensor.eye(xi.get(0).size(0), xi.get(0).device()).gt(0.5));
    }

    /** As {@link #mdke(List, double)} with the N×N boolean identity given ({@code notSelf}, true on the diagonal). */
    static Tensor mdke(List<Tensor> xi, double tau, Tensor notSelf) {
        int k = xi.size();
        List<Tensor> unit = new ArrayList<>(k);
        for (Tensor x : xi) unit.add(Functional.normalizeRows(x));
        Tensor total = null;
        Tensor forward = null;
        for (int m = 0; m < k; m++) {
            Tensor ab = k == 2 && m == 1 ? forward.transpose(0, 1)
                    : unit.get(m).matmul(unit.get((m + 1) % k).transpose(0, 1)).mul(1 / tau);
            if (m == 0) forward = ab;
            Tensor l = contrastive(ab, unit.get(m), tau, notSelf);
            total = total == null ? l : total.add(l);
            if (k == 2 && m == 1) break;
        }
        return total;
    }

    /**
     * L_MDKE with views missing ({@code mask} B×K, 1 = present): a pair's anchors are the samples
     * with both views, and a sample whose view is absent is no negative either.
     */
    static Tensor mdke(List<Tensor> xi, double tau, Tensor notSelf, Tensor mask) {
        int k = xi.size();
        List<Tensor> unit = new ArrayList<>(k);
        for (Tensor x : xi) unit.add(Functional.normalizeRows(x));
        Tensor total = null;
        for (int m = 0; m < (k == 2 ? 2 : k); m++) {
            int o = (m + 1) % k;
            Tensor pa = mask.narrow(1, m, 1).squeeze(1), pb = mask.narrow(1, o, 1).squeeze(1);
            Tensor ab = unit.get(m).matmul(unit.get(o).transpose(0, 1)).mul(1 / tau).maskedFill(pb.eq(0.0).unsqueeze(0), -1e9);
            Tensor aa = unit.get(m).matmul(unit.get(m).transpose(0, 1)).mul(1 / tau).maskedFill(notSelf, -1e9)
                    .maskedFill(pa.eq(0.0).unsqueeze(0), -1e9);
            Tensor perAnchor = Tensor.cat(List.of(ab, aa), 1).logsumexp(1, false).sub(ab.diagonal());
            Tensor anchors = pa.mul(pb);
            Tensor l = perAnchor.mul(anchors).sum().div(anchors.sum().clampMin(1.0));
            total = total == null ? l : total.add(l);
        }
        return total;
    }

    /** MDKE's N×N diagonal mask, made once per batch size and device instead of twice per step. */
    private Tensor notSelf(long n, Device device) {
        if (notSelf == null || notSelf.size(0) != n || !notSelf.device().equals(device)) {
            if (notSelf != null) notSelf.close();
            notSelf = Tensor.eye(n, device).gt(0.5).unscoped();
        }
        return notSelf;
    }

    @Override
    public void close() {
        if (notSelf != null) notSelf.close();
        notSelf = null;
        super.close();
    }

    /** Eq. 3 given the cross similarities {@code ab} (N×N, /τ) and the unit anchors {@code an}. */
    private static Tensor contrastive(Tensor ab, Tensor an, double tau, Tensor diagonalMask) {
        Tensor aa = an.matmul(an.transpose(0, 1)).mul(1 / tau).maskedFill(diagonalMask, -1e9);
        Tensor all = Tensor.cat(List.of(ab, aa), 1);                          // N×2N
        return all.logsumexp(1, false).sub(ab.diagonal()).mean();
    }

    /** L_β: the mean over n = 1..N of the mixed-label fused loss on unpaired mixtures (spec §3.3). */
    Tensor frontDoor(MultimodalModel model, List<Tensor> h, Tensor mask, Tensor labels) {
        Tensor total = null;
        for (int n = 1; n <= config.neighbours(); n++) {
            double lambda = beta.next();
            List<Tensor> mixed = new ArrayList<>(modalities);
            List<Tensor> maskCols = mask == null ? null : new ArrayList<>(modalities);
            for (int m = 0; m < modalities; m++) {
                if (m == predominant) {
                    mixed.add(h.get(m).mul(lambda));
                    if (maskCols != null) maskCols.add(mask.narrow(1, m, 1));
                } else {
                    mixed.add(h.get(m).roll(-n, 0).mul((1 - lambda) / (modalities - 1)));
                    if (maskCols != null) maskCols.add(mask.narrow(1, m, 1).roll(-n, 0));
                }
            }
            Tensor logits = model.fuseAndPredict(mixed, maskCols == null ? null : Tensor.cat(maskCols, 1));
            Tensor l = model.fusedLoss(logits, labels).mul(lambda).add(model.fusedLoss(logits, labels.roll(-n, 0)), 1 - lambda);
            total = total == null ? l : total.add(l);
        }
        return total.div(config.neighbours());
    }

    /**
     * Unimodal validation accuracy of modality m by a nearest-class-centroid probe on its raw inputs
     * (centroids from up to 5,000 training samples): a cheap, deterministic stand-in for "train each
     * unimodal model and compare", good enough to rank modalities. A text is seen as its word counts.
     */
    static double nearestCentroidAccuracy(MultimodalDataset train, MultimodalDataset val, int m) {
        ModalitySpec spec = train.modalities().get(m);
        boolean text = spec.kind() == ModalitySpec.Kind.TOKENS;
        int dim = text ? spec.vocabSize() : (int) spec.elementCount();
        double[] v = new double[dim];
        int classes = train.numClasses();
        double[][] centroid = new double[classes][dim];
        int[] count = new int[classes];
        try (Arena arena = Arena.ofConfined()) {
            SampleReader reader = new SampleReader(arena, train.modalities());
            int nTrain = Math.min(train.size(), 5000);
            for (int i = 0; i < nTrain; i++) {
                reader.read(train, i);
                if (reader.isMissing(m)) continue;
                probeVector(reader, m, spec, v);
                for (int j = 0; j < dim; j++) centroid[reader.label()][j] += v[j];
                count[reader.label()]++;
            }
            for (int c = 0; c < classes; c++) for (int j = 0; j < dim; j++) centroid[c][j] /= Math.max(1, count[c]);
            int correct = 0;
            int nVal = Math.min(val.size(), 5000);
            int seen = 0;
            for (int i = 0; i < nVal; i++) {
                reader.read(val, i);
                if (reader.isMissing(m)) continue; // the probe rates a view where it is present
                seen++;
                probeVector(reader, m, spec, v);
                int bestC = 0;
                double bestD = Double.MAX_VALUE;
                for (int c = 0; c < classes; c++) {
                    if (count[c] == 0) continue;
                    double d = 0;
                    for (int j = 0; j < dim; j++) {
                        double t = v[j] - centroid[c][j];
                        d += t * t;
                    }
                    if (d < bestD) {
                        bestD = d;
                        bestC = c;
                    }
                }
                if (bestC == reader.label()) correct++;
            }
            return seen == 0 ? 0 : (double) correct / seen;
        }
    }

    /** The values the probe compares: the raw input, or a text's word counts (padding left out). */
    private static void probeVector(SampleReader reader, int m, ModalitySpec spec, double[] out) {
        if (spec.kind() != ModalitySpec.Kind.TOKENS) {
            for (int j = 0; j < out.length; j++) out[j] = reader.value(m, j);
            return;
        }
        java.util.Arrays.fill(out, 0);
        for (int j = 0; j < spec.elementCount(); j++) {
            int id = (int) reader.value(m, j);
            if (id != ModalitySpec.PAD && id >= 0 && id < out.length) out[id]++;
        }
    }
}
