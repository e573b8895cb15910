package dev.causalmm.cli;

import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.TypeConversionException;

/**
 * Checks of option combinations that no single option can make, run before any work starts:
 * options that the run would silently ignore (settings of a regulariser or a dataset the run does
 * not use), and converters for values that the library reads differently (0 as "the default").
 */
final class CliChecks {
    private CliChecks() {}

    /** A whole number > 0, for options whose 0 would otherwise read as "the default" downstream. */
    static final class Positive implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            int v = Integer.parseInt(value.trim());
            if (v <= 0) throw new TypeConversionException("must be a whole number > 0, got " + value);
            return v;
        }
    }

    /** The long names of the options given on the command line. */
    static List<String> given(CommandSpec spec) {
        return spec.commandLine().getParseResult().matchedOptions().stream().map(OptionSpec::longestName).toList();
    }

    /**
     * Fails when an option whose name starts with {@code prefix} (e.g. {@code --cmir.}) was given
     * although {@code used} is false.
     */
    static void onlyWith(CommandSpec spec, String prefix, boolean used, String usedBy, String actual) {
        onlyWith(spec, n -> n.startsWith(prefix), used, usedBy, actual);
    }

    /** Fails when one of the options named exactly in {@code names} was given although {@code used} is false. */
    static void onlyWith(CommandSpec spec, Set<String> names, boolean used, String usedBy, String actual) {
        onlyWith(spec, names::contains, used, usedBy, actual);
    }

    private static void onlyWith(CommandSpec spec, Predicate<String> applies, boolean used, String usedBy, String actual) {
        List<String> given = given(spec).stream().filter(applies).toList();
        if (used || given.isEmpty()) return;
        throw new IllegalArgumentException(String.join(", ", given) + (given.size() == 1 ? " applies" : " apply") + " only with " + usedBy
                + ", but this run uses " + actual + "; drop " + (given.size() == 1 ? "it" : "them") + " or change " + usedBy.split(" ")[0]);
    }

    /** Fails when {@code option} was given but {@code needed} (naming what it needs) was not. */
    static void needs(CommandSpec spec, String option, boolean present, String needed) {
        if (!present && given(spec).contains(option)) {
            throw new IllegalArgumentException(option + " has no effect without " + needed + "; give " + needed + " too, or drop " + option);
        }
    }
}
