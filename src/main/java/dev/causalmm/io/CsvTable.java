package dev.causalmm.io;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A numeric CSV table: an optional header line (detected when a field of the first line is not a
 * number), then one row of numbers per line, read by {@link CsvReader}. Fields are separated by
 * {@code ,} (or {@code ;} or a tab when the first line has those and no comma); double quotes around
 * a field are removed; blank lines are ignored. Rows with the wrong number of fields or a field that is not a number are
 * errors naming the line, or, with {@code skipBad}, skipped and listed in {@link #skipped()}.
 *
 * @param header  column names (from the header, or {@code c0, c1, …})
 * @param rows    the rows' values
 * @param lines   the 1-based file line of each row
 * @param skipped the bad lines skipped, as {@code "line N: reason"}
 */
public record CsvTable(List<String> header, List<double[]> rows, int[] lines, List<String> skipped) {

    public static CsvTable read(Path file, boolean skipBad) throws IOException {
        try (CsvReader r = CsvReader.open(file, (char) 0)) {
            return parse(r, file.toString(), skipBad);
        }
    }

    public static CsvTable parse(BufferedReader r, String source, boolean skipBad) throws IOException {
        return parse(new CsvReader(r, source, (char) 0), source, skipBad);
    }

    private static CsvTable parse(CsvReader csv, String source, boolean skipBad) throws IOException {
        List<String> header = null;
        List<double[]> rows = new ArrayList<>();
        List<Integer> lines = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        int width = -1;
        List<String> fields;
        while ((fields = csv.next()) != null) {
            if (fields.size() == 1 && fields.getFirst().isBlank()) continue;
            long lineNo = csv.line();
            if (width < 0) {
                width = fields.size();
                if (!fields.stream().allMatch(CsvTable::isNumber)) {
                    header = fields.stream().map(String::strip).toList();
                    continue;
                }
            }
            double[] v = new double[width];
            String problem = values(fields, width, header, v);
            if (problem != null) {
                if (!skipBad) throw new FormatException(source + ": line " + lineNo + ": " + problem + " (--skip-bad skips such rows)");
                skipped.add("line " + lineNo + ": " + problem);
                continue;
            }
            rows.add(v);
            lines.add((int) lineNo);
        }
        if (width < 0) throw new FormatException(source + ": an empty CSV file");
        if (header == null) {
            List<String> h = new ArrayList<>();
            for (int i = 0; i < width; i++) h.add("c" + i);
            header = h;
        }
        return new CsvTable(List.copyOf(header), rows, lines.stream().mapToInt(Integer::intValue).toArray(), List.copyOf(skipped));
    }

    /** Parses a row into {@code v}; what is wrong with it, or null. */
    private static String values(List<String> fields, int width, List<String> header, double[] v) {
        if (fields.size() != width) return fields.size() + " fields, expected " + width;
        for (int i = 0; i < width; i++) {
            String f = fields.get(i).strip();
            if (!isNumber(f)) {
                return "field " + (i + 1) + (header != null ? " ('" + header.get(i) + "')" : "") + " is '"
                        + (f.length() > 40 ? f.substring(0, 40) + "…" : f) + "', expected a number";
            }
            v[i] = Double.parseDouble(f);
        }
        return null;
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
}
