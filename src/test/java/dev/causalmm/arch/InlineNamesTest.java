package dev.causalmm.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Code names types by import, not inline as {@code java.util.List} or {@code dev.causalmm.x.Y}, so
 * a reader sees a file's dependencies at its top. Checked for the packages cleaned so far;
 * {@code org.bytedeco} names stay inline in {@code engine}, where they clash with ours
 * ({@code Tensor}, {@code Device}).
 */
class InlineNamesTest {
    static final List<String> CLEAN = List.of("engine", "interop", "io");
    private static final Pattern FQN = Pattern.compile("(?<![\\w.])(?:java|javax|dev\\.causalmm)(?:\\.[a-z][a-z0-9]*)+\\.[A-Z]\\w*");

    @Test
    void cleanedPackagesNameTypesByImport() throws IOException {
        List<String> found = new ArrayList<>();
        for (String pkg : CLEAN) {
            try (Stream<Path> files = Files.list(PackageGraph.SOURCES.resolve(pkg))) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                    if (f.getFileName().toString().equals("MatFile.java")) continue; // not yet
                    found.addAll(inlineNames(f.toString(), Files.readString(f)));
                }
            }
        }
        assertEquals(List.of(), found, String.join("\n", found));
    }

    @Test
    void anInlineNameInCodeIsFoundAndOneInACommentOrImportIsNot() {
        String src = "import java.util.List;\n/** {@link java.util.Map} */\nclass A { java.util.Set<String> s; // java.util.Queue\n}\n";
        List<String> found = inlineNames("A.java", src);
        assertEquals(List.of("A.java:3: java.util.Set (import it)"), found);
    }

    static List<String> inlineNames(String file, String source) {
        List<String> out = new ArrayList<>();
        String[] lines = LayeringTest.withoutComments(source).split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i].strip();
            if (l.startsWith("import ") || l.startsWith("package ")) continue;
            Matcher m = FQN.matcher(lines[i]);
            while (m.find()) out.add(file + ":" + (i + 1) + ": " + m.group() + " (import it)");
        }
        return out;
    }
}
