package dev.causalmm.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps the library's public surface deliberate: the public top-level types of {@code src/main} must be
 * exactly those listed in {@code src/test/resources/public-api.txt}, so a type cannot become public (or stop
 * being public) without a reviewed change to that list. The rule for what is public is in
 * {@code docs/architecture.md} ("Public API"). Run with {@code -Dcausalmm.updateDocs=true} to rewrite the list.
 */
class PublicApiTest {
    static final Path LIST = Path.of("src/test/resources/public-api.txt");
    static final String HEADER = "# The public top-level types of src/main, checked by PublicApiTest; the rule is in docs/architecture.md "
            + "(Public API).\n# Rewrite after a deliberate change: ./mvnw -o test -Dtest=PublicApiTest -Dcausalmm.updateDocs=true\n";
    private static final Pattern TOP_LEVEL = Pattern.compile(
            "(?m)^(?:@[\\w.]+(?:\\([^)]*\\))?\\s+)*((?:(?:public|final|abstract|sealed|non-sealed|strictfp|static)\\s+)*)(?:class|interface|record|enum|@interface)\\s+(\\w+)");

    @Test
    void thePublicTypesAreExactlyTheListedOnes() throws IOException {
        List<String> actual = publicTypes(PackageGraph.SOURCES);
        if (Boolean.getBoolean("causalmm.updateDocs")) {
            Files.writeString(LIST, HEADER + String.join("\n", actual) + "\n", StandardCharsets.UTF_8);
            return;
        }
        List<String> listed = Files.readAllLines(LIST, StandardCharsets.UTF_8).stream()
                .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        Set<String> added = new TreeSet<>(actual), removed = new TreeSet<>(listed);
        added.removeAll(listed);
        removed.removeAll(actual);
        if (added.isEmpty() && removed.isEmpty()) return;
        fail("the public types of src/main differ from " + LIST
                + (added.isEmpty() ? "" : "; public but not listed: " + added)
                + (removed.isEmpty() ? "" : "; listed but not public (or gone): " + removed)
                + ". Make a type public only if a library user needs it or another package must reach it "
                + "(docs/architecture.md, Public API); if the change is deliberate, run "
                + "./mvnw -o test -Dtest=PublicApiTest -Dcausalmm.updateDocs=true and commit the list");
    }

    @Test
    void aPublicTopLevelTypeIsFoundAndANestedOrPackagePrivateOneIsNot() {
        String src = "package p;\n/** public class InDoc */\npublic final class A {\n    public record Inner() {}\n}\n"
                + "final class B {}\n";
        assertEquals(List.of("A"), publicTopLevel(src));
        assertEquals(List.of(), publicTopLevel("package p;\nsealed interface C permits D {}\n"));
        assertEquals(List.of("E"), publicTopLevel("package p;\n@FunctionalInterface public interface E { void run(); }\n"));
    }

    /** {@code dev.causalmm.pkg.Name} of every public top-level type under {@code root}, sorted. */
    static List<String> publicTypes(Path root) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path f : walk.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                String pkg = root.relativize(f.getParent()).toString().replace(f.getFileSystem().getSeparator(), ".");
                String prefix = "dev.causalmm." + (pkg.isEmpty() ? "" : pkg + ".");
                for (String name : publicTopLevel(Files.readString(f))) out.add(prefix + name);
            }
        }
        out.sort(null);
        return out;
    }

    /** The public types declared at the top level of one source file (top-level declarations start a line). */
    static List<String> publicTopLevel(String source) {
        List<String> out = new ArrayList<>();
        Matcher m = TOP_LEVEL.matcher(LayeringTest.withoutComments(source));
        while (m.find()) if (m.group(1).matches("(?s).*\\bpublic\\b.*")) out.add(m.group(2));
        return out;
    }
}
