package dev.causalmm.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Checks of option combinations that no single option can make, run before any work starts:
 * an output folder that is a folder, and options that the run would silently ignore (settings of a
 * regulariser or a dataset the run does not use).
 */
final class CliChecks {
    private CliChecks() {}

    /** A window side in [1, {@link dev.causalmm.seg.SlidingWindow.Settings#MAX_SIDE}]. */
    static final class WindowSide implements picocli.CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            int v = Integer.parseInt(value.trim());
            int max = dev.causalmm.seg.SlidingWindow.Settings.MAX_SIDE;
            if (v < 1 || v > max) throw new picocli.CommandLine.TypeConversionException("must be in [1, " + max + "] voxels, got " + value);
            return v;
        }
    }

    /** A probability threshold strictly between 0 and 1. */
    static final class OpenUnit implements picocli.CommandLine.ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            double v = Double.parseDouble(value.trim());
            if (!(v > 0 && v < 1)) throw new picocli.CommandLine.TypeConversionException("must be a number in (0, 1), got " + value);
            return v;
        }
    }

    /** A whole number > 0, for options whose 0 would otherwise read as "the default" downstream. */
    static final class Positive implements picocli.CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            int v = Integer.parseInt(value.trim());
            if (v <= 0) throw new picocli.CommandLine.TypeConversionException("must be a whole number > 0, got " + value);
            return v;
        }
    }

    /** {@code out} as an output folder: not empty, and not an existing file. */
    static Path outFolder(String option, Path out) {
        if (out == null || out.toString().isBlank()) {
            throw new IllegalArgumentException(option + " must name a folder; got an empty path (use " + option + " . for the current folder)");
        }
        for (Path p = out.toAbsolutePath().normalize(); p != null; p = p.getParent()) {
            if (Files.exists(p)) {
                if (!Files.isDirectory(p)) {
                    throw new IllegalArgumentException(option + " " + out + ": " + (p.equals(out.toAbsolutePath().normalize()) ? "it" : p)
                            + " is a file, not a folder");
                }
                break;
            }
        }
        if (Files.isDirectory(out.resolve("results.json"))) {
            throw new IllegalArgumentException("cannot write results to " + out.resolve("results.json") + ": it is a directory");
        }
        return out;
    }

    /** Creates the output folder once every check passed, so a folder that cannot be made fails before any work. */
    static Path create(Path out) throws java.io.IOException {
        Files.createDirectories(out);
        if (!Files.isWritable(out)) throw new IllegalArgumentException("cannot write results to " + out + ": the folder is not writable");
        return out;
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
        onlyWith(spec, given(spec).stream().filter(n -> n.startsWith(prefix)).toList(), used, usedBy, actual);
    }

    /** Fails when one of the options named exactly in {@code names} was given although {@code used} is false. */
    static void onlyWith(CommandSpec spec, java.util.Set<String> names, boolean used, String usedBy, String actual) {
        onlyWith(spec, given(spec).stream().filter(names::contains).toList(), used, usedBy, actual);
    }

    private static void onlyWith(CommandSpec spec, List<String> given, boolean used, String usedBy, String actual) {
        if (used) return;
        if (!given.isEmpty()) {
            throw new IllegalArgumentException(String.join(", ", given) + (given.size() == 1 ? " applies" : " apply") + " only with " + usedBy
                    + ", but this run uses " + actual + "; drop " + (given.size() == 1 ? "it" : "them") + " or change " + usedBy.split(" ")[0]);
        }
    }

    /** Fails when {@code option} was given but {@code needed} (naming what it needs) was not. */
    static void needs(CommandSpec spec, String option, boolean present, String needed) {
        if (!present && given(spec).contains(option)) {
            throw new IllegalArgumentException(option + " has no effect without " + needed + "; give " + needed + " too, or drop " + option);
        }
    }
}
