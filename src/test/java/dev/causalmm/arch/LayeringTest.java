package dev.causalmm.arch;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps the package map of the design (shared/design/LAYOUT.md) true of the code: LibTorch's Java
 * API ({@code org.bytedeco}) stays inside {@code engine}, and every package imports only the
 * packages below it, so a newcomer can read the library bottom-up and swap the engine without
 * touching the models. Reads the sources (imports and fully qualified names outside comments).
 */
class LayeringTest {
    static final Path SOURCES = Path.of("src/main/java/dev/causalmm");

    /** Bottom to top; a package may use the ones before it, unless {@link #STRICT} narrows that. */
    static final List<String> ORDER = List.of("engine", "io", "data", "nn", "causal", "baselines", "eval", "train",
            "interop", "seg", "dist", "experiment", "cli");

    /**
     * The lower layers, whose allowed imports LAYOUT.md lists exactly. Deviations from LAYOUT.md:
     * {@code nn} may use {@code io}, for {@code FeatureCache}'s atomic writes of cached encoder
     * features; {@code seg} sits above {@code train} and {@code eval}, so segmentation training
     * reuses the trainer's checkpoints, listeners and progress bars instead of copying them;
     * {@code interop} sits above {@code train}, so export reads the trainer's checkpoints.
     */
    static final Map<String, Set<String>> STRICT = Map.of(
            "engine", Set.of(),
            "io", Set.of(),
            "data", Set.of("engine", "io"),
            "nn", Set.of("engine", "data", "io"),
            "causal", Set.of("engine", "data", "nn"),
            "baselines", Set.of("engine", "data", "nn", "causal"));

    static final Pattern REF = Pattern.compile("\\b(org\\.bytedeco|dev\\.causalmm\\.([a-z]+))\\b");

    @Test
    void bytedecoStaysInEngineAndEveryPackageImportsOnlyBelowIt() throws IOException {
        List<String> violations = new ArrayList<>();
        Set<String> packagesSeen = new TreeSet<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String pkg = SOURCES.relativize(f).getName(0).toString();
                if (f.getParent().equals(SOURCES)) continue; // classes in the root package, if any
                packagesSeen.add(pkg);
                int layer = ORDER.indexOf(pkg);
                if (layer < 0) {
                    violations.add(f + ": package '" + pkg + "' is not on the map " + ORDER + " (add it to LAYOUT.md and this test)");
                    continue;
                }
                String code = withoutComments(Files.readString(f));
                Matcher m = REF.matcher(code);
                Set<String> reported = new TreeSet<>();
                while (m.find()) {
                    String used = m.group(2);
                    if (used == null) {
                        if (!pkg.equals("engine") && reported.add("org.bytedeco")) {
                            violations.add(f + ": uses org.bytedeco outside dev.causalmm.engine");
                        }
                        continue;
                    }
                    if (used.equals(pkg) || !ORDER.contains(used)) continue;
                    boolean ok = STRICT.containsKey(pkg) ? STRICT.get(pkg).contains(used) : ORDER.indexOf(used) < layer;
                    if (!ok && reported.add(used)) violations.add(f + ": package '" + pkg + "' uses '" + used + "', which is not below it");
                }
            }
        }
        assertTrue(packagesSeen.containsAll(List.of("engine", "data", "nn", "train", "cli")), "the scan found the sources: " + packagesSeen);
        assertEquals(List.of(), violations, String.join("\n", violations));
    }

    @Test
    void theScanSeesThroughCommentsButNotPastCode() {
        String src = "/* dev.causalmm.cli */ // org.bytedeco\nimport dev.causalmm.train.Trainer; String s = \"/*\"; org.bytedeco.pytorch.Tensor t;";
        String code = withoutComments(src);
        assertFalse(code.contains("dev.causalmm.cli"), code);
        assertTrue(code.contains("dev.causalmm.train") && code.contains("org.bytedeco.pytorch"), code);
    }

    /** The source with comments blanked out (string literals kept, so a "/*" inside one does not start a comment). */
    static String withoutComments(String s) {
        StringBuilder out = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '"' || c == '\'') {
                int j = i + 1;
                if (c == '"' && s.startsWith("\"\"\"", i)) {
                    int end = s.indexOf("\"\"\"", i + 3);
                    j = end < 0 ? s.length() : end + 3;
                } else {
                    while (j < s.length() && s.charAt(j) != c) j += s.charAt(j) == '\\' ? 2 : 1;
                    j = Math.min(j + 1, s.length());
                }
                out.append(s, i, j);
                i = j;
            } else if (s.startsWith("//", i)) {
                int end = s.indexOf('\n', i);
                i = end < 0 ? s.length() : end;
            } else if (s.startsWith("/*", i)) {
                int end = s.indexOf("*/", i + 2);
                i = end < 0 ? s.length() : end + 2;
                out.append(' ');
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }
}
