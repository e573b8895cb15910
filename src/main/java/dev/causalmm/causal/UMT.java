package dev.causalmm.causal;

import dev.causalmm.data.Batch;
import dev.causalmm.data.DataLoader;
import dev.causalmm.data.MultimodalDataset;
import dev.causalmm.engine.DType;
import dev.causalmm.engine.Device;
import dev.causalmm.engine.Functional;
import dev.causalmm.engine.NoGrad;
import dev.causalmm.engine.Optimizer;
import dev.causalmm.engine.Tensor;
import dev.causalmm.engine.TensorScope;
import dev.causalmm.nn.ForwardOutput;
import dev.causalmm.nn.Init;
import dev.causalmm.nn.Linear;
import dev.causalmm.nn.MultimodalModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;

/**
 * UMT, uni-modal teachers (Du et al., 2023): before the multimodal run, a fresh copy of the model's
 * architecture trains each modality's encoder alone, {@code Σ_k CE(head_k(T_k), y)} with a linear
 * head per modality and no fusion (the encoders share nothing, so this is K independent unimodal
 * teachers). The multimodal model then trains with its own loss plus
 * {@code λ·Σ_k MSE(H_k, T_k)}, its features pulled towards the frozen teachers'. The fresh copy
 * comes from {@link #withTeachers}: the caller that builds the model also builds its teacher.
 */
public final class UMT implements Regularizer {
    private final UMTConfig config;
    private LongFunction<MultimodalModel> teacherFactory;
    private MultimodalDataset train;
    private MultimodalModel student;
    private MultimodalModel teacher;
    private long seed;

    public UMT(UMTConfig config) {
        this.config = config;
    }

    @Override public String name() { return "umt"; }

    public UMTConfig config() {
        return config;
    }

    /** How to build a fresh, untrained model of the student's architecture from a seed. */
    public UMT withTeachers(LongFunction<MultimodalModel> factory) {
        this.teacherFactory = factory;
        return this;
    }

    @Override
    public void observeData(MultimodalDataset trainData, MultimodalDataset val) {
        this.train = trainData;
    }

    @Override
    public void bind(MultimodalModel model, long seed) {
        if (model.task() instanceof dev.causalmm.data.Task.Regression r) {
            throw new dev.causalmm.io.UserInputException("UMT is defined for classification (its teachers train per-modality class heads); the model is built for regression ("
                    + r.dims() + "-dimensional target, " + r.loss() + " loss). Use CmIR or no regulariser");
        }
        this.student = model;
        this.seed = seed;
    }

    /** Trains the teachers on {@code device} once training data has been observed (the trainer's order: observe, bind, to). */
    @Override
    public void to(Device device) {
        if (train == null || teacher != null) return;
        if (teacherFactory == null) {
            throw new IllegalStateException("umt needs a teacher factory (UMT.withTeachers): a fresh model of the student's architecture");
        }
        teacher = teacherFactory.apply(seed);
        if (teacher.numModalities() != student.numModalities()) {
            throw new IllegalArgumentException("umt's teacher has " + teacher.numModalities() + " modalities, the student " + student.numModalities());
        }
        for (int k = 0; k < student.numModalities(); k++) {
            if (teacher.featureDim(k) != student.featureDim(k)) {
                throw new IllegalArgumentException("umt's teacher feature " + k + " is " + teacher.featureDim(k) + " wide, the student's " + student.featureDim(k));
            }
        }
        teacher.to(device);
        trainTeachers(device);
        teacher.setTraining(false);
    }

    private void trainTeachers(Device device) {
        List<Linear> heads = new ArrayList<>();
        Init init = Init.seeded(seed, "umt-heads");
        for (int k = 0; k < teacher.numModalities(); k++) {
            Linear h = new Linear(teacher.featureDim(k), teacher.numClasses(), init);
            h.to(device);
            heads.add(h);
        }
        teacher.setTraining(true);
        DataLoader loader = new DataLoader(train, new DataLoader.Options(config.teacherBatch(), true, false, 2, seed, device));
        Optimizer optimizer = null;
        try {
            for (int epoch = 0; epoch < config.teacherEpochs(); epoch++) {
                try (var batches = loader.epoch(epoch)) {
                    while (batches.hasNext()) {
                        try (var step = TensorScope.open("umt-teacher"); Batch b = batches.next()) {
                            unimodalLoss(teacher.encode(b.inputs()), heads, b.labels(), b.maskOrNull()).backward();
                            // parameters that received a gradient: the encoders and heads (fusion and classifier take no part)
                            if (optimizer == null) optimizer = new Optimizer(new Optimizer.Settings(Optimizer.Kind.ADAM,
                                    config.teacherLr(), 0, 0.9, 0.999, 1e-8, 0), withGradients(heads));
                            optimizer.step();
                            optimizer.zeroGrad();
                        }
                    }
                }
            }
        } finally {
            if (optimizer != null) optimizer.close();
            for (Tensor p : teacher.parameters()) p.clearGrad();
            heads.forEach(Linear::close);
        }
    }

    private List<Tensor> withGradients(List<Linear> heads) {
        List<Tensor> ps = new ArrayList<>();
        for (Tensor p : teacher.parameters()) if (p.grad() != null) ps.add(p);
        for (Linear h : heads) ps.addAll(h.parameters());
        return ps;
    }

    /**
     * {@code Σ_k CE(head_k(T_k), y)}: every encoder learns from its own modality only, on the rows
     * where it is present ({@code mask} B×K, or null for all).
     */
    static Tensor unimodalLoss(List<Tensor> features, List<Linear> heads, Tensor labels, Tensor mask) {
        Tensor loss = null;
        for (int k = 0; k < features.size(); k++) {
            Tensor logits = heads.get(k).forward(features.get(k));
            Tensor l = mask == null ? Functional.crossEntropy(logits, labels)
                    : presentMean(Functional.crossEntropyPerSample(logits, labels).unsqueeze(1), mask, k);
            loss = loss == null ? l : loss.add(l);
        }
        return loss;
    }

    /** {@code λ·Σ_k MSE(H_k, T_k)} (mean over the present rows and feature dimensions per modality). */
    static Tensor distillation(List<Tensor> student, List<Tensor> teacher, double weight) {
        return distillation(student, teacher, weight, null);
    }

    /** As {@link #distillation(List, List, double)}, over the rows where modality k is present ({@code mask} B×K, or null). */
    static Tensor distillation(List<Tensor> student, List<Tensor> teacher, double weight, Tensor mask) {
        Tensor loss = null;
        for (int k = 0; k < student.size(); k++) {
            Tensor l = mask == null ? Functional.mseLoss(student.get(k), teacher.get(k).detach())
                    : presentMean(student.get(k).sub(teacher.get(k).detach()).square(), mask, k);
            loss = loss == null ? l : loss.add(l);
        }
        return loss.mul(weight);
    }

    /** The frozen teacher's features of raw inputs (no graph). */
    public List<Tensor> teacherFeatures(List<Tensor> inputs) {
        if (teacher == null) throw new IllegalStateException("umt's teachers are not trained yet (the trainer trains them before the first epoch)");
        try (var ng = NoGrad.enter()) {
            return teacher.encode(inputs);
        }
    }

    @Override
    public Output compute(MultimodalModel model, ForwardOutput out, Tensor labels, int epoch) {
        if (out.inputs().isEmpty()) {
            throw new IllegalArgumentException("umt needs the batch's raw inputs: call the model's full forward pass");
        }
        List<Tensor> t = teacherFeatures(out.inputs());
        Map<String, Tensor> terms = new LinkedHashMap<>();
        for (int k = 0; k < t.size(); k++) {
            try (var ng = NoGrad.enter()) {
                terms.put("umt.mse" + k, distillation(List.of(out.features().get(k).detach()), List.of(t.get(k)), 1.0,
                        out.mask() == null ? null : out.mask().narrow(1, k, 1)).to(DType.FLOAT32));
            }
        }
        return new Output(distillation(out.features(), t, config.weight(), out.mask()), terms);
    }

    /** Mean of {@code x} (B×d) over the rows where modality k of {@code mask} (B×K) is present. */
    private static Tensor presentMean(Tensor x, Tensor mask, int k) {
        Tensor present = mask.narrow(1, k, 1).to(x.dtype());
        return x.mul(present).sum().div(present.sum().mul((double) x.size(1)).clampMin(1.0));
    }

    @Override
    public void close() {
        if (teacher != null) teacher.close();
        teacher = null;
    }
}
