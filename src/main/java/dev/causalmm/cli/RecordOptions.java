package dev.causalmm.cli;

import dev.causalmm.io.Records;
import java.lang.reflect.RecordComponent;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * One option per component of a settings record (a regulariser's config, the segmentation recipe):
 * in a group {@code --NAME.}, {@code lambdaInv} is {@code --NAME.lambda-inv}; the record's
 * {@code defaults()} give the initial values, Help.properties the help (key {@code NAME.<component>},
 * or {@code causalmm.<command>.<option>}), and the record's constructor checks the values. A boolean
 * component that is on by default becomes the flag {@code --NAME.no-<component>}; a type with a
 * static {@code parse(String)} (an enum, a device) is given as text and parsed by it, so its refusal
 * reads as before (so is a component with its own {@link Text}). A component that is a record without such a parser (an optional sub-config) has
 * options of its own and keeps its default here. So such a record needs no option class.
 */
final class RecordOptions {
    private RecordOptions() {}

    /**
     * How components become options: {@code prefix} before the kebab-case name ({@code --} or
     * {@code --NAME.}), {@code renamed} components spelt as the help shows them ({@code --lr=<lr>}),
     * {@code skipped} components kept at their default, and {@code texts} for components the command
     * line writes as words (CmIR's boolean {@code assigned} as {@code paired}/{@code assigned}).
     */
    record Naming(String prefix, Map<String, String> renamed, Set<String> skipped, Map<String, Text> texts) {
        /** The group {@code --NAME.<component>}, every component under its own name. */
        static Naming group(String name) {
            return new Naming("--" + name + ".", Map.of(), Set.of(), Map.of());
        }

        /** {@code c} as an option, or null when it has none. */
        private Binding bind(RecordComponent c, Record defaults) {
            Text text = texts.containsKey(c.getName()) ? texts.get(c.getName()) : Text.of(Records.parser(c.getType()));
            if (skipped.contains(c.getName()) || c.getType().isRecord() && text == null) return null;
            boolean negated = text == null && Boolean.TRUE.equals(Records.value(c, defaults));
            String kebab = c.getName().replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT);
            String[] spelt = renamed.getOrDefault(c.getName(), prefix + (negated ? "no-" : "") + kebab + "=<" + c.getName() + ">").split("=", 2);
            return new Binding(spelt[0], spelt[1], negated, text);
        }
    }

    /** A component the command line gives as text: read by {@code parse}, its default shown by {@code format}. */
    record Text(Function<String, Object> parse, Function<Object, String> format) {
        /** A type's own parser; an enum's default is shown as its lower-case name. */
        static Text of(Function<String, Object> parse) {
            return parse == null ? null : new Text(parse, v -> v instanceof Enum<?> e ? e.name().toLowerCase(Locale.ROOT) : String.valueOf(v));
        }
    }

    /** A component as an option: its name and value label, whether it is a no-flag, and how it reads as text (or null). */
    private record Binding(String option, String label, boolean negated, Text text) {
        Object read(Object given) {
            return negated ? !(Boolean) given : text == null ? given : text.parse().apply((String) given);
        }
    }

    /** Adds the options of {@code defaults}' components to {@code command}. */
    static void add(CommandSpec command, Naming naming, Record defaults) {
        for (RecordComponent c : defaults.getClass().getRecordComponents()) {
            Binding b = naming.bind(c, defaults);
            if (b == null) continue;
            Object initial = Records.value(c, defaults);
            command.addOption(OptionSpec.builder(b.option()).type(b.negated() ? boolean.class : b.text() == null ? c.getType() : String.class)
                    .initialValue(b.negated() ? false : b.text() == null ? initial : b.text().format().apply(initial)).hasInitialValue(true)
                    .paramLabel(b.label()).build());
        }
    }

    /** The record that {@code command}'s options spell; refused (IllegalArgumentException) by its constructor's or a parser's checks. */
    @SuppressWarnings("unchecked")
    static <R extends Record> R read(CommandSpec command, Naming naming, R defaults) {
        RecordComponent[] components = defaults.getClass().getRecordComponents();
        Object[] values = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            Binding b = naming.bind(components[i], defaults);
            values[i] = b == null ? Records.value(components[i], defaults) : b.read(command.findOption(b.option()).getValue());
        }
        return Records.construct((Class<R>) defaults.getClass(), values);
    }
}
