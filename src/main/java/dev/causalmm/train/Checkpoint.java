package dev.causalmm.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.causalmm.engine.Tensor;
import dev.causalmm.io.AtomicFiles;
import dev.causalmm.io.FormatException;
import dev.causalmm.io.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * A training checkpoint: parameters (model and regulariser), optimizer state, and the trainer's
 * state as JSON (epoch, seeds, LR scheduler, early stopping, history).
 *
 * <p>File layout: {@code "CMMCKPT1"}, header length (int64 LE), header JSON (UTF-8), parameter
 * values (float32 LE, in header order), optimizer state (LibTorch archive bytes), CRC-32 of
 * everything before it (int64 LE). Files are replaced atomically; a torn or altered file fails the
 * CRC check with a message that names it.
 */
public final class Checkpoint {
    private static final byte[] MAGIC = "CMMCKPT1".getBytes(StandardCharsets.US_ASCII);
    private static final com.fasterxml.jackson.databind.ObjectReader HEADER_READER = Json.MAPPER.reader()
            .with(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final ObjectNode state;
    private final Map<String, float[]> values;
    private final Map<String, long[]> shapes;
    private final byte[] optimizerState;

    private Checkpoint(ObjectNode state, Map<String, float[]> values, Map<String, long[]> shapes, byte[] optimizerState) {
        this.state = state;
        this.values = values;
        this.shapes = shapes;
        this.optimizerState = optimizerState;
    }

    /** Captures the given parameters (copied to host) with trainer state and optimizer bytes. */
    public static Checkpoint capture(Map<String, Tensor> params, byte[] optimizerState, ObjectNode state) {
        Map<String, float[]> v = new LinkedHashMap<>();
        Map<String, long[]> s = new LinkedHashMap<>();
        params.forEach((name, t) -> {
            v.put(name, t.toFloatArray());
            s.put(name, t.shape());
        });
        return new Checkpoint(state.deepCopy(), v, s, optimizerState == null ? new byte[0] : optimizerState);
    }

    public ObjectNode state() {
        return state;
    }

    public byte[] optimizerState() {
        return optimizerState;
    }

    public Map<String, long[]> shapes() {
        return shapes;
    }

    /** The saved parameter values by name (not copied: the caller must not change them). */
    Map<String, float[]> values() {
        return values;
    }

    /** Copies the saved values into {@code params}, checking that names and shapes match. */
    public void restoreInto(Map<String, Tensor> params, String source) {
        for (var e : params.entrySet()) {
            float[] v = values.get(e.getKey());
            if (v == null) {
                throw new IllegalArgumentException(source + ": no parameter '" + e.getKey() + "' (it holds " + values.keySet() + ")");
            }
            long[] want = e.getValue().shape();
            if (!Arrays.equals(want, shapes.get(e.getKey()))) {
                throw new IllegalArgumentException(source + ": parameter '" + e.getKey() + "' has shape "
                        + Arrays.toString(shapes.get(e.getKey())) + ", the model expects " + Arrays.toString(want));
            }
            try (Tensor src = Tensor.of(v, want); var ng = dev.causalmm.engine.NoGrad.enter()) {
                e.getValue().copyFrom_(src);
            }
        }
    }

    public void write(Path file) throws IOException {
        ObjectNode header = Json.object();
        header.set("state", state);
        ArrayNode ps = header.putArray("parameters");
        long payload = 0;
        for (var e : values.entrySet()) {
            ObjectNode p = ps.addObject();
            p.put("name", e.getKey());
            ArrayNode sh = p.putArray("shape");
            for (long d : shapes.get(e.getKey())) sh.add(d);
            payload += (long) e.getValue().length * Float.BYTES;
        }
        header.put("optimizerBytes", optimizerState.length);
        byte[] h = Json.MAPPER.writeValueAsBytes(header);
        long total = MAGIC.length + 8 + h.length + payload + optimizerState.length + 8;
        if (total > Integer.MAX_VALUE - 16) throw new IOException("checkpoint of " + total + " bytes is too large for one file");
        ByteBuffer buf = ByteBuffer.allocate((int) total).order(ByteOrder.LITTLE_ENDIAN);
        buf.put(MAGIC).putLong(h.length).put(h);
        for (float[] v : values.values()) {
            buf.asFloatBuffer().put(v);
            buf.position(buf.position() + v.length * Float.BYTES);
        }
        buf.put(optimizerState);
        CRC32 crc = new CRC32();
        crc.update(buf.array(), 0, buf.position());
        buf.putLong(crc.getValue());
        AtomicFiles.write(file, buf.array());
    }

    /**
     * Reads and validates a checkpoint. Every malformed file (truncated, altered, not a checkpoint,
     * a header that promises more than the file holds) fails with a {@link FormatException} naming
     * the file; nothing larger than the file is allocated.
     */
    public static Checkpoint read(Path file) throws IOException {
        byte[] all;
        try {
            long size = Files.size(file);
            if (size > Integer.MAX_VALUE - 16) {
                throw new FormatException(file + ": " + size + " bytes is larger than a CMMCKPT1 checkpoint can be (< 2 GiB);"
                        + " not a causalmm checkpoint");
            }
            all = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "checkpoint file does not exist");
        }
        return parse(all, file.toString());
    }

    /** Fails unless {@code file} exists and starts like a checkpoint: a cheap look before any output is made. */
    public static void requireHeader(Path file) throws IOException {
        if (!Files.exists(file)) throw new NoSuchFileException(file.toString(), null, "checkpoint file does not exist");
        byte[] head;
        try (var in = Files.newInputStream(file)) {
            head = in.readNBytes(MAGIC.length);
        }
        if (!Arrays.equals(head, MAGIC)) throw new FormatException(file + " is not a causalmm checkpoint (bad magic or too short)");
    }

    /** {@link #read} on bytes already in memory; {@code source} names them in errors. */
    public static Checkpoint parse(byte[] all, String source) throws FormatException {
        if (all.length < MAGIC.length + 16 || !Arrays.equals(Arrays.copyOf(all, MAGIC.length), MAGIC)) {
            throw new FormatException(source + " is not a causalmm checkpoint (bad magic or too short)");
        }
        ByteBuffer buf = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        CRC32 crc = new CRC32();
        crc.update(all, 0, all.length - 8);
        if (crc.getValue() != buf.getLong(all.length - 8)) {
            throw new FormatException(source + " is corrupt (CRC mismatch): the file was truncated or altered");
        }
        buf.limit(all.length - 8); // the CRC is not payload
        buf.position(MAGIC.length);
        long hl = buf.getLong();
        if (hl <= 0 || hl > buf.remaining()) {
            throw new FormatException(source + ": header length " + hl + " does not fit the file (" + buf.remaining() + " bytes follow it)");
        }
        byte[] h = new byte[(int) hl];
        buf.get(h);
        JsonNode header;
        try {
            header = HEADER_READER.readTree(h);
        } catch (IOException e) {
            throw new FormatException(source + ": the header is not valid JSON: "
                    + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()), e);
        }
        if (header == null || !header.isObject()) throw new FormatException(source + ": the header is not a JSON object");
        if (!header.path("state").isObject()) throw new FormatException(source + ": the header has no \"state\" object");
        if (!header.path("parameters").isArray()) throw new FormatException(source + ": the header has no \"parameters\" array");
        JsonNode ob = header.path("optimizerBytes");
        if (!ob.isIntegralNumber() || !ob.canConvertToInt() || ob.asInt() < 0) {
            throw new FormatException(source + ": \"optimizerBytes\" must be an integer >= 0, got " + ob);
        }
        Map<String, float[]> values = new LinkedHashMap<>();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (JsonNode p : header.get("parameters")) {
            JsonNode nameNode = p.path("name");
            if (!nameNode.isTextual()) throw new FormatException(source + ": a parameter without a string \"name\": " + p);
            String name = nameNode.asText();
            if (values.containsKey(name)) throw new FormatException(source + ": parameter '" + name + "' appears twice");
            JsonNode sh = p.path("shape");
            if (!sh.isArray() || sh.size() > 64) throw new FormatException(source + ": parameter '" + name + "' has no valid \"shape\" array");
            long[] shape = new long[sh.size()];
            long n = 1;
            for (int i = 0; i < shape.length; i++) {
                JsonNode d = sh.get(i);
                if (!d.isIntegralNumber() || !d.canConvertToLong() || d.asLong() < 0) {
                    throw new FormatException(source + ": parameter '" + name + "' shape[" + i + "] must be an integer >= 0, got " + d);
                }
                shape[i] = d.asLong();
                n = shape[i] == 0 || n == 0 ? 0 : (n > buf.remaining() / shape[i] ? Long.MAX_VALUE / 8 : n * shape[i]);
            }
            if (n > buf.remaining() / Float.BYTES) {
                throw new FormatException(source + ": parameter '" + name + "' of shape " + Arrays.toString(shape) + " runs past the end of the file");
            }
            float[] v = new float[(int) n];
            buf.asFloatBuffer().get(v);
            buf.position(buf.position() + (int) n * Float.BYTES);
            values.put(name, v);
            shapes.put(name, shape);
        }
        int optBytes = ob.asInt();
        if (optBytes != buf.remaining()) {
            throw new FormatException(source + ": " + buf.remaining() + " bytes follow the parameters, but the header promises "
                    + optBytes + " bytes of optimizer state");
        }
        byte[] opt = new byte[optBytes];
        buf.get(opt);
        return new Checkpoint((ObjectNode) header.get("state"), values, shapes, opt);
    }
}
