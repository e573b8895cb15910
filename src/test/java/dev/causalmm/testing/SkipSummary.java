package dev.causalmm.testing;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Counts skipped tests by cause and says so in one line, e.g.
 * {@code causalmm: skipped 12 tests — no data folder (set -Dcausalmm.data or CAUSALMM_DATA): 7; no CUDA device: 5}.
 * A reason made by {@link SkipGroup#reason} counts under its group's label; any other reason under its own first line.
 */
public final class SkipSummary {
    public static final String PREFIX = "causalmm: skipped ";

    private final Map<String, Integer> counts = new LinkedHashMap<>();

    /** Records {@code tests} tests skipped for {@code reason}. */
    public synchronized void add(String reason, int tests) {
        if (tests <= 0) throw new IllegalArgumentException("a skip counts at least one test, got " + tests);
        counts.merge(groupOf(reason), tests, Integer::sum);
    }

    public synchronized int total() {
        return counts.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** The summary: the total, then each group with its count, most skipped first. */
    public synchronized String line() {
        int total = total();
        String head = PREFIX + total + (total == 1 ? " test" : " tests");
        if (total == 0) return head;
        return head + " — " + counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey(Comparator.naturalOrder())))
                .map(e -> e.getKey() + ": " + e.getValue())
                .collect(Collectors.joining("; "));
    }

    /** JUnit's own prefix on an assumption's message, which says nothing about the cause. */
    static final String ASSUMPTION = "Assumption failed: ";

    static String groupOf(String reason) {
        String r = reason == null ? "" : reason.strip();
        if (r.startsWith(ASSUMPTION)) r = r.substring(ASSUMPTION.length()).strip();
        if (r.isEmpty() || r.equals("assumption is not true")) return "no reason given";
        String text = r;
        return SkipGroup.of(text).map(SkipGroup::label).orElseGet(() -> text.lines().findFirst().orElse(text));
    }
}
