package dev.causalmm.io;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The one CSV record reader (RFC 4180): fields separated by one character, double-quoted fields
 * with {@code ""} escapes and line breaks inside, LF, CRLF or CR line ends, a UTF-8 byte-order mark
 * skipped. Records stream from the file, each with the line it starts on. Input that is not UTF-8
 * text (a binary file given by mistake; also a U+FFFD replacement character, the mark of text
 * that was already mis-decoded) is an error naming the file and line, not a decoder's
 * "Input length = 1".
 */
public final class CsvReader implements Closeable {
    private final Reader in;
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
        this.in = in;
        this.source = source;
        this.sep = sep;
    }

    /**
     * A file read as UTF-8. Bytes that are not UTF-8 decode to U+FFFD, which {@link #next()} reports
     * on its line (a strict decoder fails a whole buffer ahead, at no useful line).
     */
    public static CsvReader open(Path file, char sep) throws IOException {
        var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        return new CsvReader(new BufferedReader(new InputStreamReader(Files.newInputStream(file), decoder), 1 << 16), file.toString(), sep);
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
        if (pendingPos < pending.length()) return pending.charAt(pendingPos++);
        int c = in.read();
        if (c == '\uFFFD') throw malformed(line, "not UTF-8 text (a binary file?)", null);
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
        in.close();
    }
}
