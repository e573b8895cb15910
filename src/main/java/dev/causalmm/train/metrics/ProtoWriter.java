package dev.causalmm.train.metrics;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The few protobuf wire-format encodings a TensorBoard {@code Event} needs: varints,
 * length-delimited fields, fixed64 doubles and fixed32 floats. Written by hand so that event files
 * need no protobuf-java dependency (and no generated classes) for five fields.
 */
final class ProtoWriter {
    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LENGTH_DELIMITED = 2;
    static final int FIXED32 = 5;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    ProtoWriter doubleField(int field, double v) {
        tag(field, FIXED64);
        long bits = Double.doubleToRawLongBits(v);
        for (int i = 0; i < 8; i++) out.write((int) (bits >>> (8 * i)));
        return this;
    }

    ProtoWriter floatField(int field, float v) {
        tag(field, FIXED32);
        int bits = Float.floatToRawIntBits(v);
        for (int i = 0; i < 4; i++) out.write(bits >>> (8 * i));
        return this;
    }

    ProtoWriter int64Field(int field, long v) {
        tag(field, VARINT);
        varint(v);
        return this;
    }

    ProtoWriter stringField(int field, String s) {
        return bytesField(field, s.getBytes(StandardCharsets.UTF_8));
    }

    /** A length-delimited field: a string, bytes, or an embedded message's encoding. */
    ProtoWriter bytesField(int field, byte[] b) {
        tag(field, LENGTH_DELIMITED);
        varint(b.length);
        out.writeBytes(b);
        return this;
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }

    private void tag(int field, int wireType) {
        varint(((long) field << 3) | wireType);
    }

    /** Base-128 varint, low groups first; negative int64 values take ten bytes, as protobuf writes them. */
    private void varint(long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }
}
