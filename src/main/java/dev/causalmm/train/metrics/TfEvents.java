package dev.causalmm.train.metrics;

import java.util.Map;
import java.util.OptionalLong;

/**
 * The two kinds of TensorBoard {@code Event} protobuf messages an event file needs
 * ({@code tensorflow/core/util/event.proto}): the file-version header and a step's scalars.
 * <pre>
 * Event   { double wall_time = 1; int64 step = 2; string file_version = 3; Summary summary = 5; }
 * Summary { repeated Value value = 1; }
 * Value   { string tag = 1; float simple_value = 2; }
 * </pre>
 */
final class TfEvents {
    static final String FILE_VERSION = "brain.Event:2";

    private TfEvents() {}

    /** The first event of every file: TensorBoard reads a file only after this header. */
    static byte[] fileVersion(double wallTime) {
        return new ProtoWriter().doubleField(1, wallTime).stringField(3, FILE_VERSION).toByteArray();
    }

    /** One event holding every scalar of a step, tag → value. */
    static byte[] scalars(double wallTime, long step, Map<String, Float> values) {
        ProtoWriter summary = new ProtoWriter();
        values.forEach((tag, v) -> summary.bytesField(1, new ProtoWriter().stringField(1, tag).floatField(2, v).toByteArray()));
        return new ProtoWriter().doubleField(1, wallTime).int64Field(2, step).bytesField(5, summary.toByteArray()).toByteArray();
    }

    /** The event's step field, if it has one (the file-version header has none). */
    static OptionalLong step(byte[] event) {
        int i = 0;
        while (i < event.length) {
            long[] tag = varint(event, i);
            i = (int) tag[1];
            int field = (int) (tag[0] >>> 3);
            switch ((int) (tag[0] & 7)) {
                case ProtoWriter.VARINT -> {
                    long[] v = varint(event, i);
                    if (field == 2) return OptionalLong.of(v[0]);
                    i = (int) v[1];
                }
                case ProtoWriter.FIXED64 -> i += 8;
                case ProtoWriter.FIXED32 -> i += 4;
                case ProtoWriter.LENGTH_DELIMITED -> {
                    long[] len = varint(event, i);
                    i = (int) (len[1] + len[0]);
                }
                default -> throw new IllegalArgumentException("not a protobuf message: wire type " + (tag[0] & 7));
            }
        }
        return OptionalLong.empty();
    }

    /** {value, index after it} of the varint at {@code i}. */
    private static long[] varint(byte[] b, int i) {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (i >= b.length) throw new IllegalArgumentException("not a protobuf message: truncated varint");
            int x = b[i++];
            v |= (long) (x & 0x7F) << shift;
            if ((x & 0x80) == 0) return new long[] {v, i};
        }
        throw new IllegalArgumentException("not a protobuf message: varint longer than 10 bytes");
    }
}
