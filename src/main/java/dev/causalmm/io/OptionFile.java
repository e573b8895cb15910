package dev.causalmm.io;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * {@code --config FILE.yaml}: the file's keys are long option names without the dashes
 * ({@code epochs: 5}, {@code c3r.eta: 0.2} or nested {@code c3r: {eta: 0.2}}), turned into
 * command-line arguments before the command line is parsed. Options given on the command line win:
 * a key whose option the command line also names is dropped. Expanding before parsing (rather than
 * default values) lets the file hold required options such as {@code out}, and the expanded
 * arguments are what data-parallel workers receive, so they never read the file again. Knows no
 * parser: {@link Shape} is what it needs to know of an option.
 */
public final class OptionFile {
    public static final String OPTION = "--config";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /**
     * What an option looks like to a file: {@code name} (the same for all its spellings), a
     * {@code flag} (no value; {@code negated} is its {@code --no-} spelling, null when it has none),
     * or a value option that takes a list ({@code multiValue}, joined by commas when {@code commaSplit}).
     */
    public record Shape(String name, boolean flag, String negated, boolean multiValue, boolean commaSplit) {}

    private OptionFile() {}

    /**
     * {@code args} with {@code --config FILE} replaced by the file's options; unchanged when there is
     * none. {@code options} finds an option by any of its spellings (null: no such option);
     * {@code command} names the command in messages.
     */
    public static List<String> expand(List<String> args, Function<String, Shape> options, String command) throws IOException {
        Path file = null;
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            String value = null;
            if (a.equals(OPTION)) {
                if (i + 1 >= args.size()) throw new UserInputException(OPTION + " needs a FILE.yaml");
                value = args.get(++i);
            } else if (a.startsWith(OPTION + "=")) {
                value = a.substring(OPTION.length() + 1);
            }
            if (value == null) rest.add(a);
            else if (file != null) throw new UserInputException(OPTION + " given twice (" + file + ", " + value + "): give one file");
            else file = Path.of(value);
        }
        if (file == null) return args;
        Set<String> named = new HashSet<>();
        for (String a : rest) {
            Shape o = a.startsWith("-") ? options.apply(a.indexOf('=') > 0 ? a.substring(0, a.indexOf('=')) : a) : null;
            if (o != null) named.add(o.name());
        }
        List<String> out = fromFile(file, options, command, named);
        out.addAll(rest);
        return out;
    }

    /** The file's options as arguments, leaving out those named in {@code skip}. */
    static List<String> fromFile(Path file, Function<String, Shape> options, String command, Set<String> skip) throws IOException {
        if (!Files.isRegularFile(file)) throw new UserInputException(OPTION + " " + file + ": no such file");
        JsonNode root;
        try {
            root = YAML.readTree(file.toFile());
        } catch (JacksonException e) {
            throw new UserInputException(file + ": not valid YAML: " + e.getOriginalMessage());
        }
        if (root == null || root.isMissingNode() || root.isNull()) return new ArrayList<>();
        if (!root.isObject()) throw new UserInputException(file + ": expected a map of option: value, got " + root.getNodeType());
        Map<String, JsonNode> flat = new LinkedHashMap<>();
        flatten("", root, flat);
        List<String> out = new ArrayList<>();
        for (var e : flat.entrySet()) {
            String key = e.getKey();
            Shape o = key.equals(OPTION.substring(2)) ? null : options.apply("--" + key);
            if (o == null) {
                throw new UserInputException(file + ": unknown key '" + key + "' ('" + command + "' has no option --" + key
                        + "; keys are long option names without the dashes)");
            }
            if (!skip.contains(o.name())) out.addAll(arguments(file, key, o, e.getValue()));
        }
        return out;
    }

    /** Nested maps become dotted keys ({@code c3r: {eta: 0.2}} = {@code c3r.eta: 0.2}). */
    private static void flatten(String prefix, JsonNode node, Map<String, JsonNode> out) {
        node.properties().forEach(e -> {
            String key = prefix + e.getKey();
            if (e.getValue().isObject()) flatten(key + ".", e.getValue(), out);
            else out.put(key, e.getValue());
        });
    }

    /** One key's arguments: a flag, {@code --opt value}, a comma-joined list or the option repeated per element. */
    private static List<String> arguments(Path file, String key, Shape o, JsonNode value) {
        String name = "--" + key;
        if (value.isNull()) throw new UserInputException(file + ": key '" + key + "' has no value");
        if (o.flag()) {
            if (!value.isBoolean()) throw new UserInputException(file + ": key '" + key + "' is a switch: give true or false, got " + value);
            if (value.asBoolean()) return List.of(name);
            return o.negated() != null ? List.of(o.negated()) : List.of();
        }
        if (value.isArray() && !o.multiValue()) throw new UserInputException(file + ": key '" + key + "' takes one value, got a list " + value);
        List<String> values = new ArrayList<>();
        for (JsonNode v : value.isArray() ? value : List.of(value)) {
            if (!v.isValueNode() || v.isNull()) throw new UserInputException(file + ": key '" + key + "' expects plain values, got " + v);
            values.add(v.asText());
        }
        if (values.size() > 1 && o.commaSplit()) return List.of(name, String.join(",", values));
        List<String> out = new ArrayList<>();
        for (String v : values) {
            out.add(name);
            out.add(v);
        }
        return out;
    }
}
