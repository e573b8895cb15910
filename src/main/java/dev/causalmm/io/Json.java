package dev.causalmm.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The one Jackson mapper of the project (pretty-printed, NaN written as JSON null). */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Json() {}

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** A finite double, or null for NaN/infinity (JSON has no NaN). */
    public static void putNumber(ObjectNode node, String field, double v) {
        if (Double.isFinite(v)) node.put(field, v); else node.putNull(field);
    }
}
