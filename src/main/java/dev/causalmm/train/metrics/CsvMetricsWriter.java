package dev.causalmm.train.metrics;

import dev.causalmm.io.AtomicFiles;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code metrics.csv}: a header, then one line per {@link MetricsRow}, appended and flushed as the
 * run goes. The columns are fixed by the first row (or, when resuming, by the file's header):
 * {@code step}, {@code epoch} when the row has one, the row's scalars in order, {@code wall_time}.
 * A value that was not measured (NaN) is an empty cell.
 *
 * <p>Resuming keeps the lines up to the resumed step and drops later ones (written after the
 * checkpoint the run continues from) and a torn last line; a fresh start replaces the file.
 */
final class CsvMetricsWriter implements MetricsSink {
    static final String FILE = "metrics.csv";
    private final Path file;
    private final BufferedWriter out;
    private List<String> columns;

    private CsvMetricsWriter(Path file, List<String> columns) throws IOException {
        this.file = file;
        this.columns = columns;
        this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                columns == null ? StandardOpenOption.TRUNCATE_EXISTING : StandardOpenOption.APPEND);
    }

    /** Opens {@code dir/metrics.csv}: fresh when {@code resumeStep < 0}, else keeping the lines with step ≤ resumeStep. */
    static CsvMetricsWriter open(Path dir, long resumeStep) throws IOException {
        Path file = dir.resolve(FILE);
        if (resumeStep < 0 || !Files.exists(file)) return new CsvMetricsWriter(file, null);
        String text = Files.readString(file, StandardCharsets.UTF_8);
        int headerEnd = text.indexOf('\n');
        if (headerEnd < 0) return new CsvMetricsWriter(file, null);
        List<String> columns = List.of(text.substring(0, headerEnd).split(",", -1));
        StringBuilder kept = new StringBuilder(text.substring(0, headerEnd + 1));
        int start = headerEnd + 1;
        for (int end = text.indexOf('\n', start); end >= 0; start = end + 1, end = text.indexOf('\n', start)) {
            String line = text.substring(start, end);
            String[] cells = line.split(",", -1);
            if (cells.length != columns.size() || stepOf(cells[0]) > resumeStep) break;
            kept.append(line).append('\n');
        }
        if (kept.length() != text.length()) AtomicFiles.writeString(file, kept.toString());
        return new CsvMetricsWriter(file, columns);
    }

    private static long stepOf(String cell) {
        try {
            return Long.parseLong(cell);
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE; // not a row this writer wrote: dropped with everything after it
        }
    }

    @Override
    public void write(MetricsRow row) throws IOException {
        if (columns == null) {
            columns = columnsOf(row);
            out.write(String.join(",", columns));
            out.write('\n');
        }
        List<String> cells = new ArrayList<>(columns.size());
        for (String c : columns) {
            cells.add(switch (c) {
                case "step" -> Long.toString(row.step());
                case "epoch" -> row.epoch().isPresent() ? Integer.toString(row.epoch().getAsInt()) : "";
                case "wall_time" -> String.format(Locale.ROOT, "%.3f", row.wallTime());
                default -> format(row.values().getOrDefault(c, Double.NaN));
            });
        }
        out.write(String.join(",", cells));
        out.write('\n');
        out.flush();
    }

    static List<String> columnsOf(MetricsRow row) {
        List<String> c = new ArrayList<>();
        c.add("step");
        if (row.epoch().isPresent()) c.add("epoch");
        for (String name : row.values().keySet()) {
            if (name.isEmpty() || name.contains(",") || name.contains("\"") || name.contains("\n") || name.equals("step")
                    || name.equals("epoch") || name.equals("wall_time")) {
                throw new IllegalArgumentException(FILE + ": metric name '" + name + "' cannot be a column");
            }
            c.add(name);
        }
        c.add("wall_time");
        return List.copyOf(c);
    }

    /** Shortest round-tripping decimal; empty for NaN; inf/-inf as pandas and Python read them. */
    static String format(double v) {
        if (Double.isNaN(v)) return "";
        if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
        return Double.toString(v);
    }

    @Override
    public void close() throws IOException {
        out.close();
    }

    @Override
    public String toString() {
        return file.toString();
    }
}
