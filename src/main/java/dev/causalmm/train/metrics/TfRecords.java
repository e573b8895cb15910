package dev.causalmm.train.metrics;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * TFRecord framing, the container of TensorBoard event files: per record a little-endian uint64
 * length, the masked CRC32C of those 8 bytes, the data, and the masked CRC32C of the data.
 */
final class TfRecords {
    private TfRecords() {}

    /** TensorFlow's CRC mask (rotate right by 15, add a constant), so CRCs of CRCs stay well distributed. */
    static int maskedCrc(byte[] b, int off, int len) {
        CRC32C crc = new CRC32C();
        crc.update(b, off, len);
        int c = (int) crc.getValue();
        return ((c >>> 15) | (c << 17)) + 0xa282ead8;
    }

    /** One framed record holding {@code data}. */
    static byte[] frame(byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(data.length + 16).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(data.length);
        b.putInt(maskedCrc(b.array(), 0, 8));
        b.put(data);
        b.putInt(maskedCrc(data, 0, data.length));
        return b.array();
    }

    /** What {@link #read} found: the records' data, and how many leading bytes of the file they span. */
    record Contents(List<byte[]> records, long validLength) {}

    /**
     * The records of {@code file}'s bytes up to the first torn or corrupt one (a run that crashed
     * mid-write leaves at most one), so a resumed run can keep the intact prefix.
     */
    static Contents read(byte[] file) {
        List<byte[]> records = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        while (b.remaining() >= 12) {
            int start = b.position();
            long len = b.getLong();
            if (b.getInt() != maskedCrc(file, start, 8) || len < 0 || len > b.remaining() - 4) {
                return new Contents(records, start);
            }
            byte[] data = new byte[(int) len];
            b.get(data);
            if (b.getInt() != maskedCrc(data, 0, data.length)) return new Contents(records, start);
            records.add(data);
        }
        return new Contents(records, b.position());
    }
}
