package dev.causalmm.testing;

import dev.causalmm.engine.Engine;
import java.util.Optional;
import java.util.function.Supplier;

/** An environment a test needs, known before it starts; each probe says what is missing, or nothing when met. */
public enum Need {
    CUDA(SkipGroup.NO_CUDA, () -> Engine.cudaAvailable() ? Optional.empty() : Optional.of(Engine.cudaStatus().reason())),
    NO_CUDA(SkipGroup.CUDA_PRESENT, () -> Engine.cudaAvailable() ? Optional.of("LibTorch sees a CUDA device") : Optional.empty()),
    DIAGNOSIS(SkipGroup.OPT_IN, () -> Boolean.getBoolean("causalmm.diagnosis") ? Optional.empty() : Optional.of("a long diagnosis run"));

    private final SkipGroup group;
    private final Supplier<Optional<String>> probe;

    Need(SkipGroup group, Supplier<Optional<String>> probe) {
        this.group = group;
        this.probe = probe;
    }

    /** The skip reason when this need is not met here; empty when it is. */
    Optional<String> unmet() {
        return probe.get().map(group::reason);
    }
}
