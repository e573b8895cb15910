package dev.causalmm.io;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A numeric CSV table: an optional header line (detected when a field of the first line is not a
 * number), then one row of numbers per line. Fields are separated by {@code ,} (or {@code ;} or a
 * tab when the first line has those and no comma); double quotes around a field are removed; blank
 * lines are ignored. Rows with the wrong number of fields or a field that is not a number are
 * errors naming the line, or, with {@code skipBad}, skipped and listed in {@link #skipped()}.
 *
 * @param header  column names (from the header, or {@code c0, c1, …})
 * @param rows    the rows' values
 * @param lines   the 1-based file line of each row
 * @param skipped the bad lines skipped, as {@code "line N: reason"}
 */
public record CsvTable(List<String> header, List<double[]> rows, int[] lines, List<String> skipped) {

    public static CsvTable read(Path file, boolean skipBad) throws IOException {
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return parse(r, file.toString(), skipBad);
        }
    }

    public static CsvTable parse(BufferedReader r, String source, boolean skipBad) throws IOException {
        List<String> header = null;
        List<double[]> rows = new ArrayList<>();
        List<Integer> lines = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        String line;
        int lineNo = 0;
        char sep = 0;
        int width = -1;
        while ((line = r.readLine()) != null) {
            lineNo++;
            if (lineNo == 1 && line.startsWith("\uFEFF")) line = line.substring(1);
            if (line.isBlank()) continue;
            if (sep == 0) sep = line.indexOf(',') >= 0 ? ',' : line.indexOf(';') >= 0 ? ';' : line.indexOf('\t') >= 0 ? '\t' : ',';
            List<String> fields = split(line, sep);
            if (width < 0) {
                width = fields.size();
                boolean numeric = true;
                for (String f : fields) if (!isNumber(f)) { numeric = false; break; }
                if (!numeric) {
                    header = fields.stream().map(String::strip).toList();
                    continue;
                }
            }
            String problem = null;
            double[] v = null;
            if (fields.size() != width) {
                problem = fields.size() + " fields, expected " + width;
            } else {
                v = new double[width];
                for (int i = 0; i < width; i++) {
                    String f = fields.get(i).strip();
                    if (!isNumber(f)) {
                        problem = "field " + (i + 1) + (header != null ? " ('" + header.get(i) + "')" : "") + " is '"
                                + (f.length() > 40 ? f.substring(0, 40) + "…" : f) + "', expected a number";
                        break;
                    }
                    v[i] = Double.parseDouble(f);
                }
            }
            if (problem != null) {
                if (!skipBad) throw new FormatException(source + ": line " + lineNo + ": " + problem + " (--skip-bad skips such rows)");
                skipped.add("line " + lineNo + ": " + problem);
                continue;
            }
            rows.add(v);
            lines.add(lineNo);
        }
        if (width < 0) throw new FormatException(source + ": an empty CSV file");
        if (header == null) {
            List<String> h = new ArrayList<>();
            for (int i = 0; i < width; i++) h.add("c" + i);
            header = h;
        }
        return new CsvTable(List.copyOf(header), rows, lines.stream().mapToInt(Integer::intValue).toArray(), List.copyOf(skipped));
    }

    /** The index of column {@code name} (a header name or a 0-based index), or an error naming the file. */
    public int column(String name, String source) throws FormatException {
        int i = header.indexOf(name);
        if (i >= 0) return i;
        try {
            int k = Integer.parseInt(name);
            if (k >= 0 && k < header.size()) return k;
        } catch (NumberFormatException ignored) {
            // not an index
        }
        throw new FormatException(source + ": no column '" + name + "' (columns: " + String.join(", ", header) + ")");
    }

    private static boolean isNumber(String f) {
        String s = f.strip();
        if (s.isEmpty()) return false;
        char c = s.charAt(0);
        if (!(Character.isDigit(c) || c == '-' || c == '+' || c == '.' || c == 'N' || c == 'I')) return false;
        try {
            Double.parseDouble(s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static List<String> split(String line, char sep) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                if (quoted && i + 1 < line.length() && line.charAt(i + 1) == '"') { cur.append('"'); i++; }
                else quoted = !quoted;
            } else if (c == sep && !quoted) {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }
}
