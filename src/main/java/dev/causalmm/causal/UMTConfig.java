package dev.causalmm.causal;

/**
 * UMT settings (uni-modal teacher; Du et al., 2023, "On Uni-Modal Feature Learning in Supervised
 * Multi-Modal Learning"). No reference code was available to us; the defaults are ours.
 *
 * @param weight        λ of the feature distillation loss {@code λ·Σ_k MSE(H_k, T_k)}
 * @param teacherEpochs epochs of unimodal teacher training before the multimodal run
 * @param teacherLr     Adam learning rate of the teachers
 * @param teacherBatch  batch size of the teachers
 */
public record UMTConfig(double weight, int teacherEpochs, double teacherLr, int teacherBatch) {
    public UMTConfig {
        if (!(weight >= 0 && weight < Double.POSITIVE_INFINITY)) throw new IllegalArgumentException("--umt.weight must be a finite number >= 0, got " + weight);
        if (teacherEpochs < 1) throw new IllegalArgumentException("--umt.teacher-epochs must be >= 1, got " + teacherEpochs);
        if (!(teacherLr > 0 && teacherLr < Double.POSITIVE_INFINITY)) throw new IllegalArgumentException("--umt.teacher-lr must be a finite number > 0, got " + teacherLr);
        if (teacherBatch < 1) throw new IllegalArgumentException("--umt.teacher-batch must be >= 1, got " + teacherBatch);
    }

    public static UMTConfig defaults() {
        return new UMTConfig(1.0, 10, 1e-3, 64);
    }

    public UMTConfig withWeight(double w) {
        return new UMTConfig(w, teacherEpochs, teacherLr, teacherBatch);
    }

    public UMTConfig withTeacherEpochs(int e) {
        return new UMTConfig(weight, e, teacherLr, teacherBatch);
    }
}
