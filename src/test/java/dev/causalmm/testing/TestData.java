package dev.causalmm.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where tests find files. Small vendored fixtures live in {@code src/test/resources/fixtures} and are
 * always there (their origins and licences are in NOTICE). The real sample data (BraTS cases, full
 * {@code .mat} files) is never committed: it is read from one folder named by
 * {@code -Dcausalmm.data=DIR} or the environment variable {@code CAUSALMM_DATA} (the property wins),
 * and tests that need it carry {@link RequiresData}, which skips them, naming the file, without it.
 */
public final class TestData {
    public static final String PROPERTY = "causalmm.data";
    public static final String ENV = "CAUSALMM_DATA";
    public static final Path FIXTURES = Path.of("src/test/resources/fixtures");

    private TestData() {}

    /** The data folder, if one is configured. */
    public static Optional<Path> root() {
        return locate(System.getProperty(PROPERTY), System.getenv(ENV));
    }

    /** The property if set, else the environment variable; blank or an unresolved Maven {@code ${...}} counts as unset. */
    static Optional<Path> locate(String property, String env) {
        String v = usable(property) ? property : usable(env) ? env : null;
        return Optional.ofNullable(v).map(s -> Path.of(s.strip()).toAbsolutePath().normalize());
    }

    private static boolean usable(String s) {
        return s != null && !s.isBlank() && !s.strip().startsWith("${");
    }

    /** A file under the data folder; only for tests marked {@link RequiresData} with it. */
    public static Path file(String relative) {
        return root().orElseThrow(() -> new IllegalStateException(SkipGroup.NO_DATA.reason(relative)
                + " — mark the test @RequiresData(\"" + relative + "\")")).resolve(relative);
    }

    /** A vendored fixture under {@code src/test/resources/fixtures}. */
    public static Path fixture(String relative) {
        Path p = FIXTURES.resolve(relative);
        if (!Files.exists(p)) throw new IllegalStateException("missing test fixture " + p + " (see NOTICE)");
        return p;
    }

    /** Why the given files are not available under {@code root}, as a skip reason; empty when they all are. */
    static Optional<String> missing(Optional<Path> root, List<String> relatives) {
        if (root.isEmpty()) return Optional.of(SkipGroup.NO_DATA.reason("needs " + String.join(", ", relatives)));
        List<String> absent = relatives.stream().filter(r -> !Files.exists(root.get().resolve(r))).toList();
        return absent.isEmpty() ? Optional.empty()
                : Optional.of(SkipGroup.DATA_INCOMPLETE.reason(root.get() + " has no " + String.join(", ", absent)));
    }
}
