package dev.causalmm.seg;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One case folder as discovery found it: which file holds each modality that is present, and
 * the label file when there is one. Modalities absent from the map are missing for this case;
 * that is normal (BraTS subsets), not an error.
 *
 * @param id the case's name (its folder name)
 * @param folder the case folder
 * @param modalityFiles modality name (as configured, e.g. {@code flair}) to its NIfTI file
 * @param labelFile the ground-truth label volume, empty for unlabelled (predict-only) cases
 */
public record SegCase(String id, Path folder, Map<String, Path> modalityFiles, Optional<Path> labelFile) {
    public SegCase {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(folder, "folder");
        modalityFiles = Map.copyOf(modalityFiles);
        Objects.requireNonNull(labelFile, "labelFile");
    }
}
