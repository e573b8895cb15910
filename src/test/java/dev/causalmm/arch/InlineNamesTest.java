package dev.causalmm.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Code names types by import, not inline as {@code java.util.List} or {@code dev.causalmm.x.Y}, so
 * a reader sees a file's dependencies at its top. Checked for the packages cleaned so far;
 * {@code org.bytedeco} names stay inline in {@code engine}, where they clash with ours
 * ({@code Tensor}, {@code Device}), and so does a name that a type declared in the same file hides
 * ({@code RegularizerSpec.C3R} hides {@code causal.C3R}).
 */
class InlineNamesTest {
    static final List<String> CLEAN = List.of("causal", "data", "dist", "engine", "eval", "interop", "io", "nn", "seg");
    private static final Pattern DECLARED = Pattern.compile("\\b(?:class|interface|record|enum)\\s+(\\w+)");
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

    @Test
    void aNameThatANestedTypeHidesMayStayInline() {
        String src = "package dev.causalmm.causal;\nsealed interface S { record C3R() implements S { Object r() { return new dev.causalmm.causal.C3R(); } } }\n"
                + "class T { java.util.List<String> l; }\n";
        assertEquals(List.of("S.java:3: java.util.List (import it)"), inlineNames("S.java", src));
    }

    static List<String> inlineNames(String file, String source) {
        List<String> out = new ArrayList<>();
        String code = LayeringTest.withoutComments(source);
        Set<String> declared = new HashSet<>();
        for (Matcher d = DECLARED.matcher(code); d.find(); ) declared.add(d.group(1));
        String[] lines = code.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i].strip();
            if (l.startsWith("import ") || l.startsWith("package ")) continue;
            Matcher m = FQN.matcher(lines[i]);
            while (m.find()) {
                String simple = m.group().substring(m.group().lastIndexOf('.') + 1);
                if (!declared.contains(simple)) out.add(file + ":" + (i + 1) + ": " + m.group() + " (import it)");
            }
        }
        return out;
    }
}
