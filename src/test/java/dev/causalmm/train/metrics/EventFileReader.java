package dev.causalmm.train.metrics;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * A reader of TensorBoard event files written for the tests from the format's description alone
 * (TFRecord framing with masked CRC32C, protobuf wire format of {@code Event}), sharing no code
 * with the writer. It fails on anything unexpected: a bad CRC, trailing bytes, an unknown field.
 */
public final class EventFileReader {
    private EventFileReader() {}

    /** One event: wall time, step (null if absent), file_version (null if absent), scalars tag → value in order. */
    public record Event(double wallTime, Long step, String fileVersion, Map<String, Float> scalars) {}

    public static int mask(int crc) {
        return Integer.rotateRight(crc, 15) + 0xa282ead8;
    }

    static int crc32c(byte[] b, int off, int len) {
        CRC32C c = new CRC32C();
        c.update(b, off, len);
        return (int) c.getValue();
    }

    public static List<Event> read(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        List<Event> events = new ArrayList<>();
        while (b.hasRemaining()) {
            int at = b.position();
            if (b.remaining() < 16) throw new AssertionError(file + ": torn record at byte " + at);
            long len = b.getLong();
            int lenCrc = b.getInt();
            if (lenCrc != mask(crc32c(all, at, 8))) throw new AssertionError(file + ": bad length CRC at byte " + at);
            if (len > b.remaining() - 4) throw new AssertionError(file + ": record at byte " + at + " runs past the end");
            byte[] data = new byte[(int) len];
            b.get(data);
            if (b.getInt() != mask(crc32c(data, 0, data.length))) throw new AssertionError(file + ": bad data CRC at byte " + at);
            events.add(parseEvent(data));
        }
        return events;
    }

    static Event parseEvent(byte[] data) {
        Wire w = new Wire(data);
        double wall = Double.NaN;
        Long step = null;
        String version = null;
        Map<String, Float> scalars = new LinkedHashMap<>();
        while (w.more()) {
            long key = w.varint();
            switch ((int) key) {
                case (1 << 3) | 1 -> wall = Double.longBitsToDouble(w.fixed64());
                case (2 << 3) -> step = w.varint();
                case (3 << 3) | 2 -> version = new String(w.bytes(), StandardCharsets.UTF_8);
                case (5 << 3) | 2 -> parseSummary(w.bytes(), scalars);
                default -> throw new AssertionError("unexpected Event field key " + key);
            }
        }
        return new Event(wall, step, version, scalars);
    }

    static void parseSummary(byte[] data, Map<String, Float> into) {
        Wire w = new Wire(data);
        while (w.more()) {
            if (w.varint() != ((1 << 3) | 2)) throw new AssertionError("Summary holds only values");
            Wire v = new Wire(w.bytes());
            String tag = null;
            Float value = null;
            while (v.more()) {
                long key = v.varint();
                if (key == ((1 << 3) | 2)) tag = new String(v.bytes(), StandardCharsets.UTF_8);
                else if (key == ((2 << 3) | 5)) value = Float.intBitsToFloat(v.fixed32());
                else throw new AssertionError("unexpected Summary.Value field key " + key);
            }
            if (tag == null || value == null) throw new AssertionError("a value without tag or simple_value");
            if (into.put(tag, value) != null) throw new AssertionError("tag " + tag + " twice in one event");
        }
    }

    /** A cursor over protobuf wire-format bytes. */
    static final class Wire {
        private final ByteBuffer b;

        Wire(byte[] data) {
            b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        }

        boolean more() {
            return b.hasRemaining();
        }

        long varint() {
            long v = 0;
            for (int shift = 0; ; shift += 7) {
                byte x = b.get();
                v |= (long) (x & 0x7F) << shift;
                if (x >= 0) return v;
            }
        }

        long fixed64() {
            return b.getLong();
        }

        int fixed32() {
            return b.getInt();
        }

        byte[] bytes() {
            byte[] out = new byte[(int) varint()];
            b.get(out);
            return out;
        }
    }
}
