package dev.causalmm.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What identifies a run or a model: the kind of output and its identity fields (a training
 * configuration, a checkpoint's path and SHA-256, a grid's name). Every resume and ownership check
 * compares two of these through {@link #differences} and refuses with {@link #refusal}, so they
 * share one message form; this class alone writes and reads its JSON ({@value #SCHEMA}).
 *
 * @param kind     which command wrote (or writes) the output
 * @param identity the identity fields, or null when unknown (a folder written before owner files)
 * @param derived  recognised from an older folder's or checkpoint's files rather than read from a
 *                 record: only the fields both sides have are compared
 */
public record Provenance(Kind kind, ObjectNode identity, boolean derived) {
    public static final String SCHEMA = "causalmm.provenance/1";

    /** The identity as written and read back, so a record compares equal to its own file (int vs long, NaN as text). */
    public Provenance {
        if (identity != null) {
            try {
                identity = (ObjectNode) Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(identity));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** The commands that write outputs. A resumable kind accepts an unknown identity (its own resume check decides). */
    public enum Kind {
        TRAIN(true), EXPERIMENT(true), EVAL(false), SEG_TRAIN(true), SEG_EVAL(false), SEG_PREDICT(false), EXPORT(false), OTHER(false);

        private final boolean resumable;

        Kind(boolean resumable) {
            this.resumable = resumable;
        }

        /** The command's name, e.g. {@code seg-eval}. */
        public String command() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /** The kind of a command name, {@link #OTHER} for anything else. */
        public static Kind ofCommand(String command) {
            for (Kind k : values()) if (k.command().equals(command)) return k;
            return OTHER;
        }
    }

    /** A record with known identity fields, as written by this build. */
    public static Provenance of(Kind kind, ObjectNode identity) {
        return new Provenance(kind, identity, false);
    }

    /** The identity of an output computed from one input: its absolute path and the SHA-256 of {@code hashed} (null: not known yet). */
    public static Provenance ofInput(Kind kind, Path input, Path hashed) throws IOException {
        ObjectNode id = Json.object();
        id.put("checkpoint", input.toAbsolutePath().normalize().toString());
        if (hashed != null) id.put("sha256", sha256(hashed));
        return new Provenance(kind, id, hashed == null); // without the file's hash: compared on the path alone
    }

    /**
     * The names of the fields in which this record and {@code other} differ: {@code kind}, or the
     * top-level identity fields. An unknown identity matches a resumable kind and differs as
     * {@code identity} otherwise.
     */
    public List<String> differences(Provenance other) {
        if (kind != other.kind) return List.of("kind");
        if (identity == null || other.identity == null) return kind.resumable ? List.of() : List.of("identity");
        Set<String> keys = new LinkedHashSet<>();
        identity.fieldNames().forEachRemaining(keys::add);
        other.identity.fieldNames().forEachRemaining(keys::add);
        List<String> differ = new ArrayList<>();
        for (String k : keys) {
            JsonNode a = identity.get(k), b = other.identity.get(k);
            if ((a == null || b == null) && (derived || other.derived)) continue;
            if (a == null || !a.equals(b)) differ.add(k);
        }
        return differ;
    }

    /** How an owner is named in messages: its command and its most telling identity field. */
    public String describe() {
        String what = kind == Kind.OTHER ? "another program" : "'" + kind.command() + "'";
        if (identity == null) return what + " (written before owner files)";
        for (String k : List.of("name", "checkpoint", "model")) {
            if (identity.hasNonNull(k)) return what + " of " + k + " " + identity.get(k).asText();
        }
        return what;
    }

    /** The one message form: "{@code where} holds …; it differs in a, b; use a fresh --out (or --overwrite)". */
    public static UserInputException refusal(Object where, String holds, String differences) {
        return new UserInputException(where + " holds " + holds + "; it differs in " + differences + "; use a fresh --out (or --overwrite)");
    }

    /** The fields {@code names}, each with both values where they are short: "a (theirs, this run mine)". */
    public String explain(Provenance found, List<String> names) {
        List<String> parts = new ArrayList<>();
        for (String k : names) {
            JsonNode mine = k.equals("kind") ? Json.MAPPER.getNodeFactory().textNode(kind.command()) : identity == null ? null : identity.get(k);
            JsonNode theirs = k.equals("kind") ? Json.MAPPER.getNodeFactory().textNode(found.kind.command())
                    : found.identity == null ? null : found.identity.get(k);
            String a = text(theirs), b = text(mine);
            parts.add(a != null && b != null && a.length() <= 40 && b.length() <= 40 ? k + " (" + a + ", this run " + b + ")" : k);
        }
        return String.join(", ", parts);
    }

    private static String text(JsonNode n) {
        return n == null ? null : n.isValueNode() ? n.asText() : n.toString();
    }

    /** Refuses when {@code found} (what {@code where} holds) differs from this record. */
    public void checkSameAs(Provenance found, Object where) {
        List<String> d = differences(found);
        if (!d.isEmpty()) throw refusal(where, found.describe(), explain(found, d));
    }

    public ObjectNode toJson() {
        ObjectNode n = Json.object();
        n.put("schema", SCHEMA);
        n.put("kind", kind.command());
        if (identity != null) n.set("identity", identity);
        return n;
    }

    /** Reads a record written by {@link #toJson}; refuses another schema, naming {@code source}. */
    public static Provenance fromJson(JsonNode n, Object source) {
        if (n == null || !SCHEMA.equals(n.path("schema").asText())) {
            throw new UserInputException(source + " is not a provenance record (schema " + SCHEMA + ")");
        }
        JsonNode id = n.get("identity");
        return new Provenance(Kind.ofCommand(n.path("kind").asText()), id instanceof ObjectNode o ? o : null, false);
    }

    /** Writes the record atomically to {@code file}. */
    public void write(Path file) throws IOException {
        AtomicFiles.writeString(file, Json.MAPPER.writeValueAsString(toJson()));
    }

    /** Reads {@code file}; a corrupt one is refused naming it. */
    public static Provenance read(Path file) throws IOException {
        try {
            return fromJson(Json.MAPPER.readTree(file.toFile()), file);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UserInputException(file + " is not valid JSON (" + e.getOriginalMessage() + "); move it away or use a fresh --out", e);
        }
    }

    /** The SHA-256 of {@code file}, streamed. */
    static String sha256(Path file) throws IOException {
        try (var in = Files.newInputStream(file)) {
            var md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
