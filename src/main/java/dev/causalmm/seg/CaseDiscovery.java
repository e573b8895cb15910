package dev.causalmm.seg;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the cases of a segmentation dataset from {@link SegDataOptions}' globs: each subfolder of
 * the data folder (sorted by name) whose files match at least one modality glob is a case; a
 * modality whose glob matches nothing is missing for that case (normal); two files matching one
 * glob is an error. When no subfolder holds a case but the data folder itself matches, the data
 * folder is one case (predicting a single case folder).
 */
public final class CaseDiscovery {
    private static final Logger LOG = LoggerFactory.getLogger(CaseDiscovery.class);

    private CaseDiscovery() {}

    /** A discovery problem: the message names the folder and the glob. */
    public static final class DiscoveryException extends IOException {
        public DiscoveryException(String message) {
            super(message);
        }
    }

    /** The cases under {@code dataDir}, sorted by folder name. */
    public static List<SegCase> discover(Path dataDir, SegDataOptions options) throws IOException {
        if (!Files.exists(dataDir)) throw new NoSuchFileException(dataDir.toString(), null, "data folder does not exist");
        if (!Files.isDirectory(dataDir)) throw new NotDirectoryException(dataDir + " (the data folder must be a folder of case folders)");
        List<Path> folders;
        try (Stream<Path> s = Files.list(dataDir)) {
            folders = s.filter(Files::isDirectory).sorted().toList();
        }
        List<SegCase> cases = new ArrayList<>();
        for (Path folder : folders) {
            Optional<SegCase> c = inspect(folder, options);
            if (c.isPresent()) cases.add(c.get());
            else LOG.debug("{}: no file matches any modality glob; not a case", folder);
        }
        if (cases.isEmpty()) {
            Optional<SegCase> self = inspect(dataDir, options);
            if (self.isPresent()) return List.of(self.get());
            throw new DiscoveryException("no cases in " + dataDir + ": none of its " + folders.size() + " subfolders (nor the folder itself) "
                    + "holds a file matching a modality glob " + options.modalities()
                    + " (set them with --modality name=glob, e.g. flair=*_flair.nii.gz)");
        }
        if (options.labelGlob().isPresent()) {
            long labelled = cases.stream().filter(c -> c.labelFile().isPresent()).count();
            if (labelled < cases.size()) {
                LOG.info("{}: {} of {} cases have a label file matching {}", dataDir, labelled, cases.size(), options.labelGlob().get());
            }
        }
        return cases;
    }

    /** One folder as a case, empty when no modality file is in it. */
    public static Optional<SegCase> inspect(Path folder, SegDataOptions options) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(folder)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        Map<String, Path> found = new LinkedHashMap<>();
        for (var e : options.modalities().entrySet()) {
            match(folder, files, e.getValue(), "modality " + e.getKey()).ifPresent(p -> found.put(e.getKey(), p));
        }
        if (found.isEmpty()) return Optional.empty();
        Optional<Path> label = options.labelGlob().isPresent() ? match(folder, files, options.labelGlob().get(), "label") : Optional.empty();
        for (var e : found.entrySet()) {
            if (label.isPresent() && label.get().equals(e.getValue())) {
                throw new DiscoveryException(folder + ": " + e.getValue().getFileName() + " matches both modality " + e.getKey()
                        + " and the label glob " + options.labelGlob().get() + "; make the globs disjoint");
            }
        }
        if (options.maskGlob().isPresent()) maskFile(folder, files, options.maskGlob().get());
        return Optional.of(new SegCase(folder.getFileName().toString(), folder, found, label));
    }

    /** The case's brain-mask file when {@code options} name a mask glob and the case has a match. */
    public static Optional<Path> maskFile(SegCase c, SegDataOptions options) throws IOException {
        if (options.maskGlob().isEmpty()) return Optional.empty();
        try (Stream<Path> s = Files.list(c.folder())) {
            return maskFile(c.folder(), s.filter(Files::isRegularFile).sorted().toList(), options.maskGlob().get());
        }
    }

    private static Optional<Path> maskFile(Path folder, List<Path> files, String glob) throws DiscoveryException {
        return match(folder, files, glob, "brain mask");
    }

    private static Optional<Path> match(Path folder, List<Path> files, String glob, String what) throws DiscoveryException {
        PathMatcher m;
        try {
            m = FileSystems.getDefault().getPathMatcher("glob:" + glob);
        } catch (IllegalArgumentException e) {
            throw new DiscoveryException(what + ": glob '" + glob + "' is malformed: " + e.getMessage());
        }
        List<Path> hits = files.stream().filter(f -> m.matches(f.getFileName())).toList();
        if (hits.size() > 1) {
            throw new DiscoveryException(folder + ": " + what + " glob '" + glob + "' matches " + hits.size() + " files "
                    + hits.stream().map(p -> p.getFileName().toString()).toList() + "; make it match one file per case");
        }
        return hits.stream().findFirst();
    }
}
