package dev.causalmm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** A settings record gets one option per component, without an option class of its own. */
class RecordOptionsTest {
    record Knobs(double stepSize, int warmupEpochs, boolean noise) {
        Knobs {
            if (warmupEpochs < 0) throw new IllegalArgumentException("--knobs.warmup-epochs must be >= 0, got " + warmupEpochs);
        }
    }

    private static Knobs parse(String... args) {
        CommandSpec spec = CommandSpec.create();
        RecordOptions.add(spec, RecordOptions.Naming.group("knobs"), new Knobs(0.5, 3, true));
        new CommandLine(spec).parseArgs(args);
        return RecordOptions.read(spec, RecordOptions.Naming.group("knobs"), new Knobs(0.5, 3, true));
    }

    @Test
    void eachComponentIsAKebabCaseOptionThatStartsAtTheDefault() {
        assertEquals(new Knobs(0.5, 3, true), parse());
        assertEquals(new Knobs(0.25, 7, true), parse("--knobs.step-size", "0.25", "--knobs.warmup-epochs", "7"));
    }

    @Test
    void aSwitchThatIsOnByDefaultIsANoFlag() {
        assertEquals(new Knobs(0.5, 3, false), parse("--knobs.no-noise"));
        assertThrows(CommandLine.UnmatchedArgumentException.class, () -> parse("--knobs.noise"));
    }

    @Test
    void theRecordsOwnCheckRefusesABadValue() {
        var e = assertThrows(IllegalArgumentException.class, () -> parse("--knobs.warmup-epochs", "-1"));
        assertEquals("--knobs.warmup-epochs must be >= 0, got -1", e.getMessage());
    }

    enum Mode {
        FAST, SLOW;

        public static Mode parse(String name) {
            return switch (name) {
                case "fast" -> FAST;
                case "slow" -> SLOW;
                default -> throw new IllegalArgumentException("--mode must be fast or slow, got '" + name + "'");
            };
        }
    }

    record Recipe(int batchSize, Mode mode, Knobs knobs, int logEvery) {}

    private static final RecordOptions.Naming RECIPE = new RecordOptions.Naming("--", Map.of("batchSize", "--batch=<n>"), Set.of("logEvery"),
            Map.of());
    private static final Recipe DEFAULTS = new Recipe(2, Mode.FAST, new Knobs(0.5, 3, true), 7);

    private static CommandSpec recipeSpec(String... args) {
        CommandSpec spec = CommandSpec.create();
        RecordOptions.add(spec, RECIPE, DEFAULTS);
        new CommandLine(spec).parseArgs(args);
        return spec;
    }

    @Test
    void renamedSkippedAndSubRecordComponentsFollowTheNaming() {
        CommandSpec spec = recipeSpec("--batch", "4");
        assertEquals(List.of("--batch", "--mode"), spec.options().stream().map(o -> o.longestName()).toList());
        assertEquals("<n>", spec.findOption("--batch").paramLabel());
        assertEquals(new Recipe(4, Mode.FAST, DEFAULTS.knobs(), 7), RecordOptions.read(spec, RECIPE, DEFAULTS));
    }

    @Test
    void aTypeThatParsesItselfIsGivenAsTextAndItsRefusalIsKept() {
        assertEquals("fast", recipeSpec().findOption("--mode").initialValue());
        assertEquals(Mode.SLOW, RecordOptions.read(recipeSpec("--mode", "slow"), RECIPE, DEFAULTS).mode());
        var e = assertThrows(IllegalArgumentException.class, () -> RecordOptions.read(recipeSpec("--mode", "warp"), RECIPE, DEFAULTS));
        assertEquals("--mode must be fast or slow, got 'warp'", e.getMessage());
    }
}
