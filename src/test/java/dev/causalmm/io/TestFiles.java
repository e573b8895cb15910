package dev.causalmm.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Writers of small MAT v5, .npy and .npz files for the reader tests (not part of the library). */
public final class TestFiles {
    private TestFiles() {}

    public static final int MI_INT8 = 1, MI_UINT8 = 2, MI_INT16 = 3, MI_UINT16 = 4, MI_INT32 = 5, MI_UINT32 = 6, MI_SINGLE = 7,
            MI_DOUBLE = 9, MI_INT64 = 12, MI_UINT64 = 13, MI_MATRIX = 14, MI_COMPRESSED = 15, MI_UTF16 = 17;
    public static final int CELL = 1, CHAR = 4, SPARSE = 5, DOUBLE = 6, SINGLE = 7, INT8 = 8, UINT8 = 9, INT16 = 10, UINT16 = 11,
            INT32 = 12, UINT32 = 13, INT64 = 14, UINT64 = 15;

    /** A data element: tag, data, padding to 8 bytes. */
    public static byte[] elem(ByteOrder o, int type, byte[] data) {
        int pad = (8 - data.length % 8) % 8;
        ByteBuffer b = ByteBuffer.allocate(8 + data.length + pad).order(o);
        b.putInt(type).putInt(data.length).put(data);
        return b.array();
    }

    /** Values encoded as MAT data type {@code type}. */
    public static byte[] data(ByteOrder o, int type, double... v) {
        int size = switch (type) {
            case MI_INT8, MI_UINT8 -> 1;
            case MI_INT16, MI_UINT16 -> 2;
            case MI_INT32, MI_UINT32, MI_SINGLE -> 4;
            default -> 8;
        };
        ByteBuffer b = ByteBuffer.allocate(v.length * size).order(o);
        for (double x : v) {
            switch (type) {
                case MI_INT8, MI_UINT8 -> b.put((byte) (long) x);
                case MI_INT16, MI_UINT16 -> b.putShort((short) (long) x);
                case MI_INT32, MI_UINT32 -> b.putInt((int) (long) x);
                case MI_SINGLE -> b.putFloat((float) x);
                case MI_INT64, MI_UINT64 -> b.putLong((long) x);
                default -> b.putDouble(x);
            }
        }
        return elem(o, type, b.array());
    }

    /** An miMATRIX element: flags, dims, name, then the given sub-elements. */
    public static byte[] matrix(ByteOrder o, String name, int cls, int flags, int nzmax, int[] dims, byte[]... sub) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        ByteBuffer f = ByteBuffer.allocate(8).order(o).putInt(cls | flags).putInt(nzmax);
        body.writeBytes(elem(o, MI_UINT32, f.array()));
        ByteBuffer d = ByteBuffer.allocate(4 * dims.length).order(o);
        for (int x : dims) d.putInt(x);
        body.writeBytes(elem(o, MI_INT32, d.array()));
        body.writeBytes(elem(o, MI_INT8, name.getBytes(StandardCharsets.UTF_8)));
        for (byte[] s : sub) body.writeBytes(s);
        return elem(o, MI_MATRIX, body.toByteArray());
    }

    /** A numeric matrix of class {@code cls} holding column-major {@code colMajor} stored as data type {@code type}. */
    public static byte[] numeric(ByteOrder o, String name, int cls, int type, int[] dims, double... colMajor) {
        return matrix(o, name, cls, 0, 0, dims, data(o, type, colMajor));
    }

    /** A whole MAT-file of the given top-level miMATRIX elements, each compressed when asked. */
    public static byte[] mat(ByteOrder o, boolean compress, byte[]... vars) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] text = new byte[116];
        java.util.Arrays.fill(text, (byte) ' ');
        byte[] t = "MATLAB 5.0 MAT-file, written by causalmm tests".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(t, 0, text, 0, t.length);
        out.writeBytes(text);
        out.writeBytes(new byte[8]);
        ByteBuffer v = ByteBuffer.allocate(4).order(o).putShort((short) 0x0100);
        v.put(o == ByteOrder.LITTLE_ENDIAN ? new byte[] {'I', 'M'} : new byte[] {'M', 'I'});
        out.writeBytes(v.array());
        for (byte[] var : vars) {
            if (!compress) {
                out.writeBytes(var);
                continue;
            }
            Deflater def = new Deflater();
            def.setInput(var);
            def.finish();
            ByteArrayOutputStream z = new ByteArrayOutputStream();
            byte[] buf = new byte[4096];
            while (!def.finished()) z.write(buf, 0, def.deflate(buf));
            def.end();
            byte[] zb = z.toByteArray();
            ByteBuffer tag = ByteBuffer.allocate(8).order(o).putInt(MI_COMPRESSED).putInt(zb.length);
            out.writeBytes(tag.array());
            out.writeBytes(zb);
        }
        return out.toByteArray();
    }

    /** A .npy file: {@code descr} like {@code <f8}, values given in the file's order (C or Fortran as {@code fortran} says). */
    public static byte[] npy(String descr, boolean fortran, int[] shape, double... values) {
        StringBuilder sh = new StringBuilder("(");
        for (int s : shape) sh.append(s).append(", ");
        if (shape.length > 1) sh.setLength(sh.length() - 2);
        else if (shape.length == 0) sh.setLength(1);
        sh.append(')');
        String h = "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': " + sh + ", }";
        int total = 10 + h.length() + 1;
        int pad = (64 - total % 64) % 64;
        h = h + " ".repeat(pad) + "\n";
        ByteOrder o = descr.charAt(0) == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        char kind = descr.charAt(descr.length() - 2);
        int size = descr.charAt(descr.length() - 1) - '0';
        ByteBuffer b = ByteBuffer.allocate(10 + h.length() + values.length * size).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) h.length()).put(h.getBytes(StandardCharsets.ISO_8859_1));
        b.order(o);
        for (double x : values) {
            switch (kind + "" + size) {
                case "f8" -> b.putDouble(x);
                case "f4" -> b.putFloat((float) x);
                case "f2" -> b.putShort(Float.floatToFloat16((float) x));
                case "i8", "u8" -> b.putLong((long) x);
                case "i4", "u4" -> b.putInt((int) (long) x);
                case "i2", "u2" -> b.putShort((short) (long) x);
                default -> b.put((byte) (long) x);
            }
        }
        return b.array();
    }

    /** A .npz archive of {@code name → npy bytes} pairs, deflated or stored. */
    public static byte[] npz(boolean deflate, Object... namesAndBytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            for (int i = 0; i < namesAndBytes.length; i += 2) {
                byte[] data = (byte[]) namesAndBytes[i + 1];
                ZipEntry e = new ZipEntry(namesAndBytes[i] + ".npy");
                if (!deflate) {
                    e.setMethod(ZipEntry.STORED);
                    e.setSize(data.length);
                    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
                    crc.update(data);
                    e.setCrc(crc.getValue());
                }
                z.putNextEntry(e);
                z.write(data);
                z.closeEntry();
            }
        }
        return out.toByteArray();
    }
}
