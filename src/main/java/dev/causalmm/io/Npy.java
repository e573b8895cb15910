package dev.causalmm.io;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * A small, strict reader of NumPy {@code .npy} arrays (format versions 1–3, C or Fortran order,
 * little or big endian; dtypes bool, int8…int64, uint8…uint64, float16/32/64) and {@code .npz}
 * archives (a zip of {@code .npy} entries, stored or deflated). Object, string, structured and
 * complex arrays are refused. Sizes are checked against the bytes present before anything is
 * allocated; every error is a {@link FormatException} naming the file, the entry and what was
 * expected.
 */
public final class Npy {
    /** The most bytes one {@code .npz} entry may inflate to. */
    public static final long MAX_ENTRY = Integer.MAX_VALUE - 64;
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

    private Npy() {}

    /** Reads one {@code .npy} file. */
    public static ArrayValue.Numeric read(Path file) throws IOException {
        long size = Files.size(file);
        if (size > Integer.MAX_VALUE - 8) throw new FormatException(file + ": " + size + " bytes; .npy files over 2 GiB are not supported");
        return read(Files.readAllBytes(file), file.toString());
    }

    /** True when {@code head} starts with the {@code .npy} magic string. */
    public static boolean looksLikeNpy(byte[] head) {
        if (head.length < MAGIC.length) return false;
        for (int i = 0; i < MAGIC.length; i++) if (head[i] != MAGIC[i]) return false;
        return true;
    }

    /** Parses the {@code .npy} bytes; {@code source} names them in messages. */
    public static ArrayValue.Numeric read(byte[] bytes, String source) throws FormatException {
        if (!looksLikeNpy(bytes)) throw new FormatException(source + ": not a .npy file (no \\x93NUMPY magic)");
        if (bytes.length < 10) throw new FormatException(source + ": truncated .npy header (" + bytes.length + " bytes)");
        int major = bytes[6] & 0xff;
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long hlen;
        int hstart;
        if (major == 1) {
            hlen = b.getShort(8) & 0xffff;
            hstart = 10;
        } else if (major == 2 || major == 3) {
            if (bytes.length < 12) throw new FormatException(source + ": truncated .npy header (" + bytes.length + " bytes)");
            hlen = b.getInt(8) & 0xffffffffL;
            hstart = 12;
        } else {
            throw new FormatException(source + ": unsupported .npy format version " + major + " (expected 1, 2 or 3)");
        }
        if (hlen > bytes.length - hstart) {
            throw new FormatException(source + ": .npy header declares " + hlen + " bytes but only " + (bytes.length - hstart) + " remain");
        }
        String header = new String(bytes, hstart, (int) hlen, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Header h = parseHeader(header, source);
        int dataStart = hstart + (int) hlen;
        long count = Shapes.count(h.shape);
        if (count < 0) throw new FormatException(source + ": shape " + Shapes.text(h.shape) + " overflows");
        long need = count * h.size;
        long have = bytes.length - dataStart;
        if (need != have) {
            throw new FormatException(source + ": shape " + Shapes.text(h.shape) + " of '" + h.descr + "' needs " + need
                    + " data bytes but the file holds " + have + (need > have ? " (truncated?)" : " (trailing bytes)"));
        }
        ByteBuffer d = ByteBuffer.wrap(bytes, dataStart, (int) need).slice().order(h.order);
        double[] v = new double[(int) count];
        switch (h.kind + h.size) {
            case "b1" -> { for (int i = 0; i < v.length; i++) { byte x = d.get(); if (x != 0 && x != 1) throw new FormatException(source + ": bool value " + x + " at element " + i + " (expected 0 or 1)"); v[i] = x; } }
            case "i1" -> { for (int i = 0; i < v.length; i++) v[i] = d.get(); }
            case "u1" -> { for (int i = 0; i < v.length; i++) v[i] = d.get() & 0xff; }
            case "i2" -> { for (int i = 0; i < v.length; i++) v[i] = d.getShort(); }
            case "u2" -> { for (int i = 0; i < v.length; i++) v[i] = d.getShort() & 0xffff; }
            case "i4" -> { for (int i = 0; i < v.length; i++) v[i] = d.getInt(); }
            case "u4" -> { for (int i = 0; i < v.length; i++) v[i] = d.getInt() & 0xffffffffL; }
            case "i8" -> { for (int i = 0; i < v.length; i++) v[i] = d.getLong(); }
            case "u8" -> {
                for (int i = 0; i < v.length; i++) {
                    long x = d.getLong();
                    v[i] = x >= 0 ? x : (double) (x >>> 1) * 2.0 + (x & 1);
                }
            }
            case "f2" -> { for (int i = 0; i < v.length; i++) v[i] = Float.float16ToFloat(d.getShort()); }
            case "f4" -> { for (int i = 0; i < v.length; i++) v[i] = d.getFloat(); }
            case "f8" -> d.asDoubleBuffer().get(v);
            default -> throw new FormatException(source + ": unsupported dtype '" + h.descr + "'");
        }
        if (h.fortran) v = Shapes.fortranToC(v, h.shape);
        String type = switch (h.kind) {
            case "b" -> "bool";
            case "i" -> "int" + 8 * h.size;
            case "u" -> "uint" + 8 * h.size;
            default -> "float" + 8 * h.size;
        };
        return new ArrayValue.Numeric(h.shape, v, type);
    }

    private record Header(String descr, String kind, int size, ByteOrder order, boolean fortran, int[] shape) {}

    /** Parses the Python dict literal of a {@code .npy} header, strictly. */
    static Header parseHeader(String header, String source) throws FormatException {
        String s = header.strip();
        if (!s.startsWith("{") || !s.endsWith("}")) throw new FormatException(source + ": .npy header is not a dict: " + clip(s));
        Map<String, String> f = fields(s, source);
        for (String k : List.of("descr", "fortran_order", "shape")) {
            if (!f.containsKey(k)) throw new FormatException(source + ": .npy header lacks '" + k + "': " + clip(s));
        }
        String descr = f.get("descr");
        if (descr.length() < 2 || (descr.charAt(0) != '\'' && descr.charAt(0) != '"')) {
            throw new FormatException(source + ": .npy descr " + clip(descr) + " is not a simple dtype string (structured dtypes are not supported)");
        }
        descr = descr.substring(1, descr.length() - 1);
        if (!descr.matches("[<>|=]?[biuf][0-9]+")) {
            throw new FormatException(source + ": unsupported dtype '" + descr + "' (expected bool, int, uint or float: e.g. '<f8', '|u1')");
        }
        char o = descr.charAt(0);
        String rest = Character.isLetter(o) ? descr : descr.substring(1);
        ByteOrder order = o == '>' ? ByteOrder.BIG_ENDIAN : o == '=' ? ByteOrder.nativeOrder() : ByteOrder.LITTLE_ENDIAN;
        String kind = rest.substring(0, 1);
        int size;
        try {
            size = Integer.parseInt(rest.substring(1));
        } catch (NumberFormatException e) {
            throw new FormatException(source + ": unsupported dtype '" + descr + "'");
        }
        boolean ok = switch (kind) {
            case "b" -> size == 1;
            case "f" -> size == 2 || size == 4 || size == 8;
            default -> size == 1 || size == 2 || size == 4 || size == 8;
        };
        if (!ok) throw new FormatException(source + ": unsupported dtype '" + descr + "'");
        boolean fortran = switch (f.get("fortran_order")) {
            case "True" -> true;
            case "False" -> false;
            default -> throw new FormatException(source + ": .npy fortran_order is '" + clip(f.get("fortran_order")) + "', expected True or False");
        };
        int[] shape = shape(f.get("shape"), source);
        if (size > 1 && o == '|') throw new FormatException(source + ": dtype '" + descr + "' needs a byte order");
        return new Header(descr, kind, size, order, fortran, shape);
    }

    /** The header dict's entries, key to the value's source text (quoted strings keep their quotes). */
    private static Map<String, String> fields(String s, String source) throws FormatException {
        String body = s.substring(1, s.length() - 1);
        Map<String, String> f = new LinkedHashMap<>();
        int i = 0;
        while (true) {
            while (i < body.length() && (Character.isWhitespace(body.charAt(i)) || body.charAt(i) == ',')) i++;
            if (i >= body.length()) break;
            char q = body.charAt(i);
            if (q != '\'' && q != '"') throw new FormatException(source + ": .npy header: expected a quoted key at " + clip(body.substring(i)));
            int e = body.indexOf(q, i + 1);
            if (e < 0) throw new FormatException(source + ": .npy header: unterminated key");
            String key = body.substring(i + 1, e);
            i = e + 1;
            while (i < body.length() && Character.isWhitespace(body.charAt(i))) i++;
            if (i >= body.length() || body.charAt(i) != ':') throw new FormatException(source + ": .npy header: expected ':' after '" + key + "'");
            i++;
            while (i < body.length() && Character.isWhitespace(body.charAt(i))) i++;
            int vs = i;
            if (i < body.length() && (body.charAt(i) == '\'' || body.charAt(i) == '"')) {
                char vq = body.charAt(i);
                int ve = body.indexOf(vq, i + 1);
                if (ve < 0) throw new FormatException(source + ": .npy header: unterminated value of '" + key + "'");
                i = ve + 1;
            } else if (i < body.length() && body.charAt(i) == '(') {
                int ve = body.indexOf(')', i);
                if (ve < 0) throw new FormatException(source + ": .npy header: unterminated shape tuple");
                i = ve + 1;
            } else if (i < body.length() && body.charAt(i) == '[') {
                throw new FormatException(source + ": structured dtypes are not supported (field '" + key + "' is a list)");
            } else {
                while (i < body.length() && body.charAt(i) != ',') i++;
            }
            if (f.put(key, body.substring(vs, i).strip()) != null) throw new FormatException(source + ": .npy header: key '" + key + "' twice");
        }
        return f;
    }

    /** The dimensions of a shape tuple such as {@code (3, 4)}, {@code (5,)} or {@code ()}. */
    private static int[] shape(String sh, String source) throws FormatException {
        if (!sh.startsWith("(") || !sh.endsWith(")")) throw new FormatException(source + ": .npy shape " + clip(sh) + " is not a tuple");
        String inner = sh.substring(1, sh.length() - 1).strip();
        List<Integer> dims = new ArrayList<>();
        if (!inner.isEmpty()) {
            String[] parts = inner.split(",", -1);
            for (int k = 0; k < parts.length; k++) {
                String p = parts[k].strip();
                if (p.isEmpty() && k == parts.length - 1 && k > 0) break;
                if (dims.size() > 32) throw new FormatException(source + ": .npy shape has more than 32 dimensions");
                try {
                    String digits = p.endsWith("L") ? p.substring(0, p.length() - 1) : p;
                    long d = Long.parseLong(digits);
                    if (d < 0 || d > Integer.MAX_VALUE) throw new NumberFormatException();
                    dims.add((int) d);
                } catch (NumberFormatException e) {
                    throw new FormatException(source + ": .npy shape " + clip(sh) + ": '" + clip(p) + "' is not a dimension");
                }
            }
        }
        return dims.stream().mapToInt(Integer::intValue).toArray();
    }

    private static String clip(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "…" : s;
    }

    /** Reads every array of an {@code .npz} archive, by entry name without {@code .npy}. */
    public static Map<String, ArrayValue> readNpz(Path file) throws IOException {
        long size = Files.size(file);
        if (size > Integer.MAX_VALUE - 8) throw new FormatException(file + ": " + size + " bytes; .npz files over 2 GiB are not supported");
        return readNpz(Files.readAllBytes(file), file.toString(), MAX_ENTRY);
    }

    /** Parses the {@code .npz} bytes, inflating no entry beyond {@code maxEntry} bytes. */
    public static Map<String, ArrayValue> readNpz(byte[] bytes, String source, long maxEntry) throws FormatException {
        Map<String, ArrayValue> out = new LinkedHashMap<>();
        String entry = null;
        try (ZipInputStream z = new ZipInputStream(new ByteArrayInputStream(bytes))) {
            ZipEntry e;
            while ((e = z.getNextEntry()) != null) {
                entry = e.getName();
                if (e.isDirectory()) continue;
                String name = entry.endsWith(".npy") ? entry.substring(0, entry.length() - 4) : entry;
                byte[] data = readCapped(z, Math.min(maxEntry, bytes.length == 0 ? 0 : maxEntry), source, entry);
                if (out.containsKey(name)) throw new FormatException(source + ": entry '" + entry + "' appears twice");
                out.put(name, read(data, source + " entry '" + entry + "'"));
                entry = null;
            }
        } catch (FormatException ex) {
            throw ex;
        } catch (IOException | RuntimeException ex) { // java.util.zip reports corrupt archives with either
            throw new FormatException(source + (entry == null ? "" : " entry '" + entry + "'") + ": corrupt .npz (zip) archive: "
                    + ex.getMessage(), ex);
        }
        if (out.isEmpty()) throw new FormatException(source + ": an .npz archive without .npy entries (is it a zip file?)");
        return out;
    }

    private static byte[] readCapped(InputStream in, long cap, String source, String entry) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[1 << 16];
        int k;
        while ((k = in.read(buf)) > 0) {
            if ((long) out.size() + k > cap) throw new FormatException(source + ": entry '" + entry + "' inflates to more than " + cap + " bytes");
            out.write(buf, 0, k);
        }
        return out.toByteArray();
    }
}
