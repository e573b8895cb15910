package dev.causalmm.io;

import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The one CSV record reader (RFC 4180): fields separated by one character, double-quoted fields
 * with {@code ""} escapes and line breaks inside, LF, CRLF or CR line ends, a UTF-8 byte-order mark
 * skipped. Records stream from the file, each with the line it starts on. Input that is not UTF-8
 * text (a binary file given by mistake) is an error naming the file and line, not a decoder's
 * "Input length = 1".
 */
public final class CsvReader implements Closeable {
    private final Reader in;
    private final Utf8Lines lines;
    private final String source;
    private char sep;
    private String pending = "";
    private int pendingPos;
    private int peeked = -2;
    private long line = 1;
    private long recordLine;
    private boolean started;
    private String problem;
    private long problemLine;

    /**
     * @param sep the field separator, or {@code 0} to take {@code ,} — or {@code ;} or a tab when the
     *            first non-blank line has those and no comma
     */
    public CsvReader(Reader in, String source, char sep) {
        this(in, null, source, sep);
    }

    private CsvReader(Reader in, Utf8Lines lines, String source, char sep) {
        this.in = in;
        this.lines = lines;
        this.source = source;
        this.sep = sep;
    }

    /** A file read as strict UTF-8, a line at a time ({@link Utf8Lines}). */
    public static CsvReader open(Path file, char sep) throws IOException {
        return new CsvReader(null, Utf8Lines.open(file), file.toString(), sep);
    }

    /** The line the last record returned by {@link #next()} starts on (1-based). */
    public long line() {
        return recordLine;
    }

    /** Why the last {@link #next()} failed (without the file and line), or null. */
    public String problem() {
        return problem;
    }

    /** The line {@link #problem()} is about. */
    public long problemLine() {
        return problemLine;
    }

    /** The separator in use (known once the first record was read). */
    public char separator() {
        return sep;
    }

    /** The next record's fields, or null at the end. A blank line is a record of one blank field. */
    public List<String> next() throws IOException {
        if (!started) start();
        if (peek() < 0) return null;
        recordLine = line;
        List<String> out = new ArrayList<>();
        StringBuilder f = new StringBuilder();
        boolean quoted = false;
        int c;
        while ((c = read()) >= 0) {
            if (quoted) {
                if (c == '"') {
                    if (peek() == '"') f.append((char) read());
                    else quoted = false;
                } else {
                    if (c == '\n' || (c == '\r' && peek() != '\n')) line++;
                    f.append((char) c);
                }
            } else if (c == '"' && f.isEmpty()) {
                quoted = true;
            } else if (c == sep) {
                out.add(f.toString());
                f.setLength(0);
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && peek() == '\n') read();
                line++;
                out.add(f.toString());
                return out;
            } else {
                f.append((char) c);
            }
        }
        if (quoted) throw malformed(recordLine, "a quoted field is not closed (expected a closing \")", null);
        out.add(f.toString());
        return out;
    }

    /** Skips the byte-order mark and, when asked to, picks the separator from the first non-blank line. */
    private void start() throws IOException {
        started = true;
        if (peek() == '\uFEFF') read();
        if (sep != 0) return;
        StringBuilder head = new StringBuilder();
        int c;
        while ((c = read()) >= 0) {
            head.append((char) c);
            if (c == '\n' && !head.toString().isBlank()) break;
        }
        String s = head.toString();
        sep = s.indexOf(',') >= 0 ? ',' : s.indexOf(';') >= 0 ? ';' : s.indexOf('\t') >= 0 ? '\t' : ',';
        pending = s;
        pendingPos = 0;
    }

    private int peek() throws IOException {
        if (peeked == -2) peeked = readRaw();
        return peeked;
    }

    private int read() throws IOException {
        int c = peek();
        peeked = -2;
        return c;
    }

    private int readRaw() throws IOException {
        int c;
        if (pendingPos < pending.length()) {
            c = pending.charAt(pendingPos++);
        } else if (lines != null) {
            String next;
            try {
                next = lines.next();
            } catch (FormatException e) {
                throw malformed(lines.line(), "not UTF-8 text (a binary file?)", e);
            }
            if (next == null) return -1;
            pending = next;
            pendingPos = 0;
            return readRaw();
        } else {
            c = in.read();
        }
        if (c == 0) throw malformed(line, "holds a NUL byte: a binary file, not CSV text", null);
        return c;
    }

    private FormatException malformed(long at, String reason, Throwable cause) {
        problem = reason;
        problemLine = at;
        return new FormatException(source + ": line " + at + ": " + reason, cause);
    }

    @Override
    public void close() throws IOException {
        if (lines != null) lines.close();
        else in.close();
    }
}
