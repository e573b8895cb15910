package dev.causalmm.io;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A text file's lines, each decoded as strict UTF-8 only when asked for, so bytes that are not
 * UTF-8 (a binary file given by mistake) fail on their own line with the file's name, not with a
 * decoder's "Input length = 1" a buffer ahead. A {@code \n} byte never occurs inside a UTF-8
 * sequence, which is what makes splitting the bytes first safe.
 */
public final class Utf8Lines implements Closeable {
    private final InputStream in;
    private final String source;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    private final byte[] buf = new byte[1 << 16];
    private int pos, limit;
    private byte[] lineBytes = new byte[256];
    private long line;

    private Utf8Lines(InputStream in, String source) {
        this.in = in;
        this.source = source;
    }

    public static Utf8Lines open(Path file) throws IOException {
        return new Utf8Lines(Files.newInputStream(file), file.toString());
    }

    /** The number of the line {@link #next} returned last (1-based). */
    public long line() {
        return line;
    }

    /** The next line with its {@code \n} (none on a last line without one), or null at the end. */
    public String next() throws IOException {
        int n = 0;
        while (true) {
            if (pos == limit) {
                limit = in.read(buf, 0, buf.length);
                pos = 0;
                if (limit <= 0) {
                    limit = 0;
                    break;
                }
            }
            int end = pos;
            while (end < limit && buf[end] != '\n') end++;
            boolean found = end < limit;
            int take = (found ? end + 1 : end) - pos;
            if (n + take > lineBytes.length) lineBytes = Arrays.copyOf(lineBytes, Math.max(2 * lineBytes.length, n + take));
            System.arraycopy(buf, pos, lineBytes, n, take);
            n += take;
            pos += take;
            if (found) break;
        }
        if (n == 0) return null;
        line++;
        try {
            return utf8.decode(ByteBuffer.wrap(lineBytes, 0, n)).toString();
        } catch (CharacterCodingException e) {
            throw new FormatException(source + ": line " + line + ": not UTF-8 text (a binary file?)", e);
        }
    }

    /** {@link #next} without the line end ({@code \n} or {@code \r\n}), like {@code BufferedReader.readLine}. */
    public String nextLine() throws IOException {
        String s = next();
        if (s == null) return null;
        if (s.endsWith("\n")) s = s.substring(0, s.length() - 1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
