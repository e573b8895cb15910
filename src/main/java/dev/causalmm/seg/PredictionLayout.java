package dev.causalmm.seg;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Where seg-predict puts each case's label volume: {@code OUT/<case>_pred.nii.gz} (causalmm's own),
 * or MONAI's {@code OUT/<case>/<case>_seg.nii.gz} (what MONAI's {@code SaveImage} writes and
 * BraTS tools that follow it read).
 */
public enum PredictionLayout {
    FLAT, MONAI;

    /** The file of case {@code id} under {@code out}. */
    public Path file(Path out, String id) {
        return this == FLAT ? out.resolve(id + "_pred.nii.gz") : out.resolve(id).resolve(id + "_seg.nii.gz");
    }

    /** {@code flat} or {@code monai}. */
    public static PredictionLayout parse(String s) {
        return switch (s.strip().toLowerCase(Locale.ROOT)) {
            case "flat" -> FLAT;
            case "monai" -> MONAI;
            default -> throw new IllegalArgumentException("--layout must be flat (<case>_pred.nii.gz) or monai (<case>/<case>_seg.nii.gz), got '" + s + "'");
        };
    }
}
