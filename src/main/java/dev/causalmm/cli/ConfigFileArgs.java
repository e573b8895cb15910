package dev.causalmm.cli;

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
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code train --config FILE.yaml}: the file's keys are long option names without the dashes
 * ({@code epochs: 5}, {@code c3r.eta: 0.2} or nested {@code c3r: {eta: 0.2}}), turned into
 * command-line arguments before picocli parses them. Options given on the command line win: a key
 * whose option the command line also names is dropped. Expanding before parsing (rather than a
 * picocli default provider) lets the file hold required options such as {@code out}, and the
 * expanded arguments are what {@code --nproc} workers receive, so they never read the file again.
 */
final class ConfigFileArgs {
    static final String OPTION = "--config";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private ConfigFileArgs() {}

    /**
     * {@code args} (a subcommand's own arguments, after its name) with {@code --config FILE} replaced by
     * the file's options; unchanged when there is no {@code --config}.
     */
    static List<String> expand(CommandSpec command, List<String> args) throws IOException {
        Path file = null;
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            String value = null;
            if (a.equals(OPTION)) {
                if (i + 1 >= args.size()) throw new IllegalArgumentException(OPTION + " needs a FILE.yaml");
                value = args.get(++i);
            } else if (a.startsWith(OPTION + "=")) {
                value = a.substring(OPTION.length() + 1);
            }
            if (value == null) {
                rest.add(a);
            } else if (file != null) {
                throw new IllegalArgumentException(OPTION + " given twice (" + file + ", " + value + "): give one file");
            } else {
                file = Path.of(value);
            }
        }
        if (file == null) return args;
        List<String> out = fromFile(command, file, namedOptions(command, rest));
        out.addAll(rest);
        return out;
    }

    /** The options the command line names itself (by any of their names, {@code --opt=value} and {@code --no-opt} included). */
    static Set<OptionSpec> namedOptions(CommandSpec command, List<String> args) {
        Set<OptionSpec> named = new HashSet<>();
        for (String a : args) {
            if (!a.startsWith("-")) continue;
            int eq = a.indexOf('=');
            OptionSpec o = option(command, eq > 0 ? a.substring(0, eq) : a);
            if (o != null) named.add(o);
        }
        return named;
    }

    /** The file's options as arguments, leaving out those in {@code skip}. */
    static List<String> fromFile(CommandSpec command, Path file, Set<OptionSpec> skip) throws IOException {
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException(OPTION + " " + file + ": no such file");
        JsonNode root;
        try {
            root = YAML.readTree(file.toFile());
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IllegalArgumentException(file + ": not valid YAML: " + e.getOriginalMessage());
        }
        if (root == null || root.isMissingNode() || root.isNull()) return new ArrayList<>();
        if (!root.isObject()) throw new IllegalArgumentException(file + ": expected a map of option: value, got " + root.getNodeType());
        Map<String, JsonNode> flat = new LinkedHashMap<>();
        flatten("", root, flat);
        List<String> out = new ArrayList<>();
        for (var e : flat.entrySet()) {
            String key = e.getKey();
            OptionSpec o = key.equals(OPTION.substring(2)) ? null : option(command, "--" + key);
            if (o == null || o.usageHelp() || o.versionHelp()) {
                throw new IllegalArgumentException(file + ": unknown key '" + key + "' ('" + command.qualifiedName() + "' has no option --"
                        + key + "; keys are long option names without the dashes)");
            }
            if (!skip.contains(o)) out.addAll(arguments(file, key, o, e.getValue(), command));
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
    private static List<String> arguments(Path file, String key, OptionSpec o, JsonNode value, CommandSpec command) {
        String name = "--" + key;
        if (value.isNull()) throw new IllegalArgumentException(file + ": key '" + key + "' has no value");
        boolean flag = o.arity().max() == 0 || o.typeInfo().isBoolean() && !o.typeInfo().isMultiValue();
        if (flag) {
            if (!value.isBoolean()) throw new IllegalArgumentException(file + ": key '" + key + "' is a switch: give true or false, got " + value);
            if (value.asBoolean()) return List.of(name);
            return o.negatable() ? List.of(command.negatableOptionTransformer().makeNegative(name, command)) : List.of();
        }
        List<String> values = new ArrayList<>();
        if (value.isArray()) {
            for (JsonNode v : value) values.add(scalar(file, key, v));
        } else {
            values.add(scalar(file, key, value));
        }
        if (value.isArray() && !o.typeInfo().isMultiValue()) {
            throw new IllegalArgumentException(file + ": key '" + key + "' takes one value, got a list " + value);
        }
        if (values.size() > 1 && ",".equals(o.splitRegex())) return List.of(name, String.join(",", values));
        List<String> out = new ArrayList<>();
        for (String v : values) {
            out.add(name);
            out.add(v);
        }
        return out;
    }

    private static String scalar(Path file, String key, JsonNode v) {
        if (!v.isValueNode() || v.isNull()) throw new IllegalArgumentException(file + ": key '" + key + "' expects plain values, got " + v);
        return v.asText();
    }

    private static OptionSpec option(CommandSpec command, String name) {
        OptionSpec o = command.findOption(name);
        if (o != null || !name.startsWith("--no-")) return o;
        OptionSpec positive = command.findOption("--" + name.substring(5));
        return positive != null && positive.negatable() ? positive : null;
    }
}
