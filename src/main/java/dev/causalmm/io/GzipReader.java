package dev.causalmm.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ReadableByteChannel;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A gzip (RFC 1952) decoder that inflates straight into the caller's buffer, which may be a view of
 * off-heap memory: no intermediate copy, no {@code InputStream}. Multi-member files (concatenated
 * gzip, as bgzip writes) are followed; each member's CRC-32 and length are checked when its end is
 * reached. Every failure is a {@link FormatException} naming the source.
 */
final class GzipReader implements AutoCloseable {
    private static final int FTEXT = 1, FHCRC = 2, FEXTRA = 4, FNAME = 8, FCOMMENT = 16;

    private final ReadableByteChannel in;
    private final String source;
    private final ByteBuffer input;
    private final Inflater inflater = new Inflater(true);
    private final CRC32 crc = new CRC32();
    private long memberBytes;
    private boolean memberDone;
    private boolean eof;

    /** Reads the first member's header; {@code bufferSize} is the compressed read size. */
    GzipReader(ReadableByteChannel in, String source, int bufferSize) throws IOException {
        this.in = in;
        this.source = source;
        this.input = ByteBuffer.allocate(Math.max(64, bufferSize));
        input.flip();
        try {
            if (!readMemberHeader()) throw new FormatException(source + ": empty gzip stream");
        } catch (IOException | RuntimeException e) {
            inflater.end();
            throw e;
        }
    }

    /** Whether {@code head} starts with the gzip magic bytes. */
    static boolean isGzip(byte[] head, int n) {
        return n >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b;
    }

    /**
     * Fills {@code dst} with decompressed bytes.
     *
     * @return false when the stream ended before {@code dst} was full (dst then holds what there was)
     */
    boolean read(ByteBuffer dst) throws IOException {
        int stalls = 0;
        while (dst.hasRemaining()) {
            if (memberDone) {
                if (!readMemberHeader()) return false;
            }
            if (inflater.needsInput()) {
                if (!refill()) throw new FormatException(source + ": gzip stream truncated (compressed data ends inside a deflate block)");
                inflater.setInput(input);
            }
            int start = dst.position();
            int n;
            try {
                n = inflater.inflate(dst);
            } catch (DataFormatException e) {
                throw new FormatException(source + ": corrupt gzip data (" + e.getMessage() + ")", e);
            }
            if (n > 0) {
                crc.update(dst.slice(start, n));
                memberBytes += n;
                stalls = 0;
            } else if (!inflater.finished() && !inflater.needsInput() && ++stalls > 4) {
                throw new FormatException(source + ": corrupt gzip data (the inflater makes no progress)");
            }
            if (inflater.finished()) finishMember();
        }
        return true;
    }

    /**
     * Checks the end of the current member when it lies within {@code maxBytes} of decompressed
     * data, so a CRC error right after the last byte wanted is still found; more data is left unread.
     */
    void checkEnd(int maxBytes) throws IOException {
        ByteBuffer scratch = ByteBuffer.allocate(Math.min(maxBytes, 1 << 16));
        long left = maxBytes;
        while (!memberDone && left > 0) {
            scratch.clear().limit((int) Math.min(scratch.capacity(), left));
            int before = scratch.position();
            if (!read(scratch)) return;
            left -= scratch.position() - before;
        }
    }

    private void finishMember() throws IOException {
        byte[] t = new byte[8];
        for (int i = 0; i < 8; i++) {
            int b = rawByte();
            if (b < 0) throw new FormatException(source + ": gzip stream truncated (no CRC/length trailer)");
            t[i] = (byte) b;
        }
        ByteBuffer tb = ByteBuffer.wrap(t).order(ByteOrder.LITTLE_ENDIAN);
        long wantCrc = tb.getInt(0) & 0xffffffffL, wantSize = tb.getInt(4) & 0xffffffffL;
        if (wantCrc != crc.getValue()) {
            throw new FormatException(source + ": gzip CRC-32 mismatch (stored " + Long.toHexString(wantCrc) + ", data "
                    + Long.toHexString(crc.getValue()) + "): the file is corrupt");
        }
        if (wantSize != (memberBytes & 0xffffffffL)) {
            throw new FormatException(source + ": gzip length mismatch (stored " + wantSize + ", data " + memberBytes + ")");
        }
        memberDone = true;
    }

    /** Parses a member header; false at a clean end of input. */
    private boolean readMemberHeader() throws IOException {
        int id1 = rawByte();
        if (id1 < 0) return false;
        int id2 = rawByte();
        if (id1 != 0x1f || id2 != 0x8b) {
            throw new FormatException(source + ": not gzip data (bytes " + id1 + ", " + id2 + " where 31, 139 was expected)");
        }
        int cm = need(), flg = need();
        if (cm != 8) throw new FormatException(source + ": gzip compression method " + cm + ", only 8 (deflate) exists");
        if ((flg & 0xe0) != 0) throw new FormatException(source + ": gzip header has reserved flag bits set (" + flg + ")");
        for (int i = 0; i < 6; i++) need(); // mtime, xfl, os
        if ((flg & FEXTRA) != 0) {
            int xlen = need() | need() << 8;
            for (int i = 0; i < xlen; i++) need();
        }
        if ((flg & FNAME) != 0) while (need() != 0) { /* file name */ }
        if ((flg & FCOMMENT) != 0) while (need() != 0) { /* comment */ }
        if ((flg & FHCRC) != 0) {
            need();
            need();
        }
        assert FTEXT == 1; // FTEXT is a hint only
        inflater.reset();
        crc.reset();
        memberBytes = 0;
        memberDone = false;
        return true;
    }

    private int need() throws IOException {
        int b = rawByte();
        if (b < 0) throw new FormatException(source + ": gzip stream truncated inside a member header");
        return b;
    }

    private int rawByte() throws IOException {
        if (!input.hasRemaining() && !refill()) return -1;
        return input.get() & 0xff;
    }

    /** Moves unread input to the front and reads more; false at end of input with nothing unread. */
    private boolean refill() throws IOException {
        if (input.hasRemaining()) return true;
        if (eof) return false;
        input.clear();
        int n;
        do {
            n = in.read(input);
        } while (n == 0);
        input.flip();
        if (n < 0) {
            eof = true;
            return false;
        }
        return true;
    }

    @Override
    public void close() {
        inflater.end();
    }
}
