package dev.causalmm.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Random hostile values for every option of every command that trains, evaluates or writes: each
 * run must end as a user error (exit 2, one line) and never as an internal error (exit 1) or a raw
 * stack trace. A base argument that cannot run ({@code --epochs -1}, {@code --steps 0}, a missing
 * checkpoint) keeps every case quick should an option value itself be valid.
 */
class OptionFuzzTest {
    private static final List<String> VALUES = List.of("-1", "0", "-8", "NaN", "Infinity", "1e300", "-2147483649", "99999999999", "abc", "",
            "a=b", "../x", "1,1", "0.5");
    private static final Set<String> SKIP = Set.of("--out", "--data", "--checkpoint", "--config", "--help", "--version", "--cache", "--debug",
            "--quiet", "--verbose", "--nproc", "--epochs", "--steps");

    @TempDir static Path dir;

    static Stream<Arguments> cases() {
        Random r = new Random(24);
        List<Arguments> out = new ArrayList<>();
        CommandLine cl = new CommandLine(new Main());
        for (String command : List.of("train", "eval", "export", "experiment", "seg-train", "seg-eval", "seg-predict", "demo")) {
            for (OptionSpec o : cl.getSubcommands().get(command).getCommandSpec().options()) {
                if (SKIP.contains(o.longestName()) || o.arity().max() == 0) continue;
                for (int i = 0; i < 2; i++) out.add(Arguments.of(command, o.longestName(), VALUES.get(r.nextInt(VALUES.size()))));
            }
        }
        return out.stream();
    }

    private static List<String> base(String command) {
        Path none = dir.resolve("none");
        return switch (command) {
            case "train" -> List.of("train", "--epochs", "-1", "--no-progress"); // refused whatever else is given: nothing trains
            case "demo" -> List.of("demo", "--epochs", "-1", "--no-progress");
            case "seg-train" -> List.of("seg-train", "--steps", "0", "--data", none.toString());
            case "experiment" -> List.of("experiment", "--config", none + ".yaml");
            case "seg-eval", "seg-predict" -> List.of(command, "--checkpoint", none.toString(), "--data", none.toString());
            default -> List.of(command, "--checkpoint", none + ".ckpt");
        };
    }

    @ParameterizedTest(name = "{0} {1} ''{2}''")
    @MethodSource("cases")
    void hostileValuesAreUserErrors(String command, String option, String value) {
        List<String> args = new ArrayList<>(base(command));
        args.addAll(List.of(option, value, "--out", dir.resolve("out").toString()));
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int code;
        try (PrintStream ps = new PrintStream(buf, true)) {
            System.setOut(ps);
            System.setErr(ps);
            code = Main.execute(args.toArray(String[]::new));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        String o = buf.toString();
        assertEquals(2, code, args + ": " + o);
        assertTrue(o.startsWith("causalmm: "), o);
        assertFalse(o.contains("\tat ") || o.contains("internal error"), "no stack trace: " + o);
        assertFalse(Files.exists(dir.resolve("out").resolve("results.json")), "nothing written");
    }
}
