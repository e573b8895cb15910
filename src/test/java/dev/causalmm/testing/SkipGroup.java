package dev.causalmm.testing;

import java.util.Arrays;
import java.util.Optional;

/**
 * Why a test did not run here: every skip in the suite names one of these groups at the start of
 * its reason, so the end-of-run summary ({@link SkipSummaryListener}) can count them by cause.
 */
public enum SkipGroup {
    NO_DATA("no data folder (set -Dcausalmm.data or CAUSALMM_DATA)"),
    DATA_INCOMPLETE("data folder lacks a file"),
    NO_CUDA("no CUDA device"),
    CUDA_PRESENT("CUDA present (the test checks CPU-only behaviour)"),
    NO_CUDA_RUNTIME("no CUDA runtime library"),
    NO_C_COMPILER("no C compiler"),
    NO_PYTHON_NUMPY("no python3 with numpy"),
    NO_CPP_TOOLCHAIN("no cmake, C++ compiler or LibTorch for the C++ example"),
    OPT_IN("opt-in only (-Dcausalmm.diagnosis=true)");

    private final String label;

    SkipGroup(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** A skip reason in this group: the label, then what exactly was missing. */
    public String reason(String detail) {
        return detail == null || detail.isBlank() ? label : label + ": " + detail.strip();
    }

    /** The group a reason was made by {@link #reason}, if any. */
    public static Optional<SkipGroup> of(String reason) {
        if (reason == null) return Optional.empty();
        return Arrays.stream(values()).filter(g -> reason.equals(g.label) || reason.startsWith(g.label + ": ")).findFirst();
    }
}
