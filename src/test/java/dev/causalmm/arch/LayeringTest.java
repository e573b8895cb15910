package dev.causalmm.arch;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps the package graph of the design true of the code: LibTorch's Java API
 * ({@code org.bytedeco}) stays inside {@code engine}, and every package uses only the packages
 * {@link #ALLOWED} lists for it, so a newcomer can read the library bottom-up and swap the engine
 * without touching the models. Reads the sources (imports and fully qualified names outside
 * comments) through {@link PackageGraph}. {@code docs/architecture.md} draws what the code does
 * ({@link ArchitectureDocTest}); this is what it may do.
 */
class LayeringTest {

    /**
     * Every package and the packages it may use: an explicit, acyclic allow-list. Deviations from
     * a pure bottom-up order, on purpose: {@code nn} may use {@code io}, for {@code FeatureCache}'s
     * atomic writes of cached encoder features; {@code seg} sits above {@code train} and
     * {@code eval}, so segmentation training reuses the trainer's checkpoints, listeners and
     * progress bars instead of copying them (and may read its patches through {@code data});
     * {@code interop} sits above {@code train}, so export reads the trainer's checkpoints;
     * {@code dist} knows only the engine and the trainer's gradient-sync seam. A new edge that fits
     * the design is added here, with the reason when it is not plainly downward.
     */
    static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("engine", Set.of()),
            Map.entry("io", Set.of()),
            Map.entry("data", Set.of("engine", "io")),
            Map.entry("nn", Set.of("engine", "data", "io")),
            Map.entry("causal", Set.of("engine", "io", "data", "nn")),
            Map.entry("baselines", Set.of("engine", "io", "data", "nn", "causal")),
            Map.entry("eval", Set.of("engine", "io", "data", "nn", "causal")),
            Map.entry("train", Set.of("engine", "io", "data", "nn", "causal", "eval")),
            Map.entry("train.metrics", Set.of("io", "train")),
            Map.entry("dist", Set.of("engine", "train")),
            Map.entry("interop", Set.of("engine", "io", "data", "nn", "causal", "baselines", "train")),
            Map.entry("seg", Set.of("engine", "io", "data", "nn", "causal", "eval", "train", "train.metrics")),
            Map.entry("experiment", Set.of("engine", "io", "data", "nn", "causal", "baselines", "eval", "train", "train.metrics",
                    "interop")),
            Map.entry("cli", Set.of("engine", "io", "data", "nn", "causal", "baselines", "eval", "train", "train.metrics",
                    "interop", "seg", "dist", "experiment")));

    @Test
    void bytedecoStaysInEngineAndEveryPackageUsesOnlyWhatTheGraphAllows() {
        PackageGraph g = PackageGraph.scan();
        assertTrue(g.classes().keySet().containsAll(List.of("engine", "data", "nn", "train", "cli")), "the scan found the sources: " + g.classes().keySet());
        List<String> violations = violations(g, ALLOWED);
        assertEquals(List.of(), violations, String.join("\n", violations));
    }

    @Test
    void aForbiddenEdgeFailsNamingTheClassAndTheEdge(@TempDir Path root) throws IOException {
        Files.createDirectories(root.resolve("seg"));
        Files.createDirectories(root.resolve("dist"));
        Files.writeString(root.resolve("seg/SegTrainer.java"), "package dev.causalmm.seg;\nclass SegTrainer {}\n");
        Files.writeString(root.resolve("dist/Launch.java"), "package dev.causalmm.dist;\nimport dev.causalmm.seg.SegTrainer;\n"
                + "class Launch { org.bytedeco.pytorch.Tensor t; }\n");
        List<String> v = violations(PackageGraph.scan(root), ALLOWED);
        assertEquals(List.of("dev.causalmm.dist.Launch uses org.bytedeco outside dev.causalmm.engine",
                "dev.causalmm.dist.Launch uses dev.causalmm.seg: the edge dist → seg is not in LayeringTest.ALLOWED"), v);
    }

    @Test
    void theAllowedGraphHasNoCycles() {
        Map<String, Set<String>> closure = new TreeMap<>();
        for (String p : ALLOWED.keySet()) {
            Set<String> reach = new TreeSet<>();
            Deque<String> todo = new ArrayDeque<>(ALLOWED.get(p));
            while (!todo.isEmpty()) {
                String q = todo.pop();
                if (reach.add(q)) todo.addAll(ALLOWED.getOrDefault(q, Set.of()));
            }
            closure.put(p, reach);
        }
        for (String p : ALLOWED.keySet()) assertFalse(closure.get(p).contains(p), p + " reaches itself through " + closure.get(p));
    }

    /** What the code does that {@code allowed} does not list, one line per class and edge. */
    static List<String> violations(PackageGraph g, Map<String, Set<String>> allowed) {
        List<String> out = new ArrayList<>();
        g.bytedeco().forEach((pkg, classes) -> {
            if (!pkg.equals("engine")) for (String c : classes) out.add("dev.causalmm." + pkg + "." + c + " uses org.bytedeco outside dev.causalmm.engine");
        });
        g.edges().forEach((pkg, uses) -> {
            if (!allowed.containsKey(pkg)) {
                out.add("package dev.causalmm." + pkg + " (" + g.classes().get(pkg) + ") is not in LayeringTest.ALLOWED: add it with the packages it may use");
                return;
            }
            uses.forEach((used, classes) -> {
                if (allowed.get(pkg).contains(used)) return;
                for (String c : classes) {
                    out.add("dev.causalmm." + pkg + "." + c + " uses dev.causalmm." + used + ": the edge " + pkg + " → " + used
                            + " is not in LayeringTest.ALLOWED");
                }
            });
        });
        return out;
    }

    @Test
    void theScanSeesThroughCommentsButNotPastCode() {
        String src = "/* dev.causalmm.cli */ // org.bytedeco\nimport dev.causalmm.train.Trainer; String s = \"/*\"; org.bytedeco.pytorch.Tensor t;";
        String code = withoutComments(src);
        assertFalse(code.contains("dev.causalmm.cli"), code);
        assertTrue(code.contains("dev.causalmm.train") && code.contains("org.bytedeco.pytorch"), code);
    }

    /** The source with comments blanked out, lines kept (string literals kept, so a "/*" inside one does not start a comment). */
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
                int stop = end < 0 ? s.length() : end + 2;
                out.append(' ');
                for (int k = i; k < stop; k++) if (s.charAt(k) == '\n') out.append('\n'); // keep line numbers
                i = stop;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }
}
