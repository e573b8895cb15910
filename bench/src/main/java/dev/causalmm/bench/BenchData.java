package dev.causalmm.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Finds a real data file for a benchmark: the file named by a per-benchmark system property, else
 * the file at {@code relative} inside the data folder ({@code -Dcausalmm.data=DIR} or
 * {@code CAUSALMM_DATA}, as the tests use; layout in datasets/SOURCES.md). Benchmarks fall back to
 * synthetic inputs when it is absent, so a clone without data still runs them.
 */
final class BenchData {
    static final String PROPERTY = "causalmm.data", VARIABLE = "CAUSALMM_DATA";

    private BenchData() {}

    /** The file if it exists; otherwise empty, after printing how to point the benchmark at it. */
    static Optional<Path> file(String fileProperty, String relative) {
        return file(System.getProperty(fileProperty), System.getProperty(PROPERTY), System.getenv(), fileProperty, relative);
    }

    static Optional<Path> file(String explicit, String dataProperty, Map<String, String> env, String fileProperty, String relative) {
        String dir = dataProperty != null && !dataProperty.isBlank() ? dataProperty : env.get(VARIABLE);
        Path p = explicit != null && !explicit.isBlank() ? Path.of(explicit)
                : dir != null && !dir.isBlank() ? Path.of(dir).resolve(relative) : null;
        if (p != null && Files.isRegularFile(p)) return Optional.of(p);
        System.out.printf("[bench] %s: %s; set %s=DIR (or -D%s=DIR, or -D%s=FILE) to include the real file"
                + " (where to download it: datasets/SOURCES.md)%n", relative, p == null ? "no data folder given" : p + " not found",
                VARIABLE, PROPERTY, fileProperty);
        return Optional.empty();
    }
}
