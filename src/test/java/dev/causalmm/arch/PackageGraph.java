package dev.causalmm.arch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Which package of {@code dev.causalmm} uses which, read from the sources (imports and fully
 * qualified names outside comments): what {@link LayeringTest} checks and
 * {@link ArchitectureDocTest} draws. Packages are folder paths with dots ({@code train.metrics}).
 *
 * @param edges   package → the other packages it uses → the classes (file names) that do
 * @param classes package → its top-level classes, sorted
 * @param bytedeco the classes outside packages' own code that name {@code org.bytedeco}, by package
 */
record PackageGraph(SortedMap<String, SortedMap<String, SortedSet<String>>> edges, SortedMap<String, SortedSet<String>> classes,
                    SortedMap<String, SortedSet<String>> bytedeco) {

    static final Path SOURCES = Path.of("src/main/java/dev/causalmm");
    private static final Pattern REF = Pattern.compile("\\borg\\.bytedeco\\b|\\bdev\\.causalmm((?:\\.[a-z][a-z0-9]*)+)");

    /** The graph of the main sources. */
    static PackageGraph scan() {
        return scan(SOURCES);
    }

    static PackageGraph scan(Path root) {
        SortedMap<String, SortedSet<String>> classes = new TreeMap<>();
        Map<Path, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path f : walk.filter(p -> p.toString().endsWith(".java")).toList()) {
                if (f.getParent().equals(root) || f.endsWith("package-info.java")) continue; // the root package; package docs
                String pkg = root.relativize(f.getParent()).toString().replace(f.getFileSystem().getSeparator(), ".");
                classes.computeIfAbsent(pkg, k -> new TreeSet<>()).add(f.getFileName().toString().replace(".java", ""));
                files.put(f, pkg);
            }
            SortedMap<String, SortedMap<String, SortedSet<String>>> edges = new TreeMap<>();
            SortedMap<String, SortedSet<String>> bytedeco = new TreeMap<>();
            for (String pkg : classes.keySet()) edges.put(pkg, new TreeMap<>());
            for (Map.Entry<Path, String> e : files.entrySet()) {
                String pkg = e.getValue(), cls = e.getKey().getFileName().toString().replace(".java", "");
                Matcher m = REF.matcher(LayeringTest.withoutComments(Files.readString(e.getKey())));
                while (m.find()) {
                    if (m.group(1) == null) {
                        bytedeco.computeIfAbsent(pkg, k -> new TreeSet<>()).add(cls);
                        continue;
                    }
                    String used = longestPackage(m.group(1).substring(1), classes.keySet());
                    if (used != null && !used.equals(pkg)) edges.get(pkg).computeIfAbsent(used, k -> new TreeSet<>()).add(cls);
                }
            }
            return new PackageGraph(edges, classes, bytedeco);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The longest known package that {@code dotted} (a package, or a package and lower-case member) starts with. */
    private static String longestPackage(String dotted, Set<String> packages) {
        String p = dotted;
        while (true) {
            if (packages.contains(p)) return p;
            int dot = p.lastIndexOf('.');
            if (dot < 0) return null;
            p = p.substring(0, dot);
        }
    }

    /** The packages, each after every package it uses (ties by name); cycles are left in name order. */
    List<String> bottomUp() {
        List<String> out = new ArrayList<>();
        Set<String> done = new TreeSet<>();
        while (done.size() < edges.size()) {
            String next = null;
            for (String p : edges.keySet()) {
                if (!done.contains(p) && done.containsAll(edges.get(p).keySet())) { next = p; break; }
            }
            if (next == null) next = edges.keySet().stream().filter(p -> !done.contains(p)).findFirst().orElseThrow();
            out.add(next);
            done.add(next);
        }
        return Collections.unmodifiableList(out);
    }
}
