package dev.causalmm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
        RecordOptions.add(spec, "knobs", new Knobs(0.5, 3, true));
        new CommandLine(spec).parseArgs(args);
        return RecordOptions.read(spec, "knobs", new Knobs(0.5, 3, true));
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
}
