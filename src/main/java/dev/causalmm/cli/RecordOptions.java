package dev.causalmm.cli;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.Locale;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * One {@code --NAME.<component>} option per component of a settings record (a regulariser's config):
 * {@code lambdaInv} is {@code --NAME.lambda-inv}, the record's {@code defaults()} give the initial
 * values, Help.properties the help (key {@code NAME.<component>}), and the record's constructor
 * checks the values. A boolean component that is on by default becomes the flag
 * {@code --NAME.no-<component>}. So a regulariser whose config is such a record needs no option class.
 */
final class RecordOptions {
    private RecordOptions() {}

    /** Adds the options of {@code defaults}' components to {@code command}. */
    static void add(CommandSpec command, String name, Record defaults) {
        for (RecordComponent c : defaults.getClass().getRecordComponents()) {
            boolean negated = onByDefault(c, defaults);
            command.addOption(OptionSpec.builder(option(name, c, negated)).type(negated ? boolean.class : c.getType())
                    .initialValue(negated ? false : value(c, defaults)).hasInitialValue(true).paramLabel("<" + c.getName() + ">").build());
        }
    }

    /** The record that {@code command}'s options spell; refused (IllegalArgumentException) by its constructor's checks. */
    @SuppressWarnings("unchecked")
    static <R extends Record> R read(CommandSpec command, String name, R defaults) {
        RecordComponent[] components = defaults.getClass().getRecordComponents();
        Object[] values = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            boolean negated = onByDefault(components[i], defaults);
            Object given = command.findOption(option(name, components[i], negated)).getValue();
            values[i] = negated ? !(Boolean) given : given;
        }
        try {
            Class<?>[] types = Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new);
            return (R) defaults.getClass().getDeclaredConstructor(types).newInstance(values);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException refused) throw refused;
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String option(String name, RecordComponent c, boolean negated) {
        return "--" + name + "." + (negated ? "no-" : "") + c.getName().replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT);
    }

    private static boolean onByDefault(RecordComponent c, Record defaults) {
        return Boolean.TRUE.equals(value(c, defaults));
    }

    private static Object value(RecordComponent c, Record r) {
        try {
            return c.getAccessor().invoke(r);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
