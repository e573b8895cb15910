package dev.causalmm.train.metrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Test helpers that read a run folder's metric files back. */
public final class MetricsFiles {
    private MetricsFiles() {}

    /** metrics.csv: the header and the rows, every row as long as the header. */
    public record Csv(List<String> columns, List<List<String>> rows) {
        public String cell(int row, String column) {
            int i = columns.indexOf(column);
            if (i < 0) throw new AssertionError("no column " + column + " in " + columns);
            return rows.get(row).get(i);
        }

        public List<Long> steps() {
            return rows.stream().map(r -> Long.parseLong(r.get(columns.indexOf("step")))).toList();
        }
    }

    public static Csv csv(Path dir) throws IOException {
        String text = Files.readString(dir.resolve("metrics.csv"));
        if (!text.endsWith("\n")) throw new AssertionError("metrics.csv does not end with a line break: " + text);
        List<String> lines = text.lines().toList();
        List<String> columns = List.of(lines.getFirst().split(",", -1));
        List<List<String>> rows = new ArrayList<>();
        for (String l : lines.subList(1, lines.size())) {
            List<String> r = List.of(l.split(",", -1));
            if (r.size() != columns.size()) throw new AssertionError("row '" + l + "' has " + r.size() + " cells for " + columns);
            rows.add(r);
        }
        return new Csv(columns, rows);
    }

    /** The folder's event files (TensorBoard's naming), sorted. */
    public static List<Path> eventFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("events.out.tfevents.")).sorted().toList();
        }
    }

    /** The folder's single event file, read with the independent {@link EventFileReader}. */
    public static List<EventFileReader.Event> events(Path dir) throws IOException {
        List<Path> files = eventFiles(dir);
        if (files.size() != 1) throw new AssertionError("expected one event file in " + dir + ", found " + files);
        return EventFileReader.read(files.getFirst());
    }
}
