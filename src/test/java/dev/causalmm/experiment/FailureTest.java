package dev.causalmm.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.causalmm.io.UserInputException;
import dev.causalmm.train.NonFiniteLossException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;

/** A library caller tells a bug from bad input the way the command line does. */
class FailureTest {
    private static IllegalArgumentException thrownAt(String cls, String method) {
        var e = new IllegalArgumentException("x");
        e.setStackTrace(new StackTraceElement[] {new StackTraceElement(cls, method, "F.java", 1)});
        return e;
    }

    @Test
    void eachKindOfFailureHasItsOwnExitStatus() {
        assertEquals(Failure.DIVERGED, Failure.of(new NonFiniteLossException(0, 1, 10, Double.NaN, 1e-3, 1)));
        assertEquals(Failure.USER_INPUT, Failure.of(new UserInputException("bad")));
        assertEquals(Failure.USER_INPUT, Failure.of(new NoSuchFileException("x.mat")));
        assertEquals(Failure.INTERNAL, Failure.of(new IllegalStateException("unreachable")));
        assertEquals(java.util.List.of(1, 2, 3, 4), java.util.Arrays.stream(Failure.values()).map(f -> f.exitCode).toList());
    }

    @Test
    void anIllegalArgumentIsABugOnlyWhenModelCodeOutsideASettingsCheckThrewIt() {
        assertEquals(Failure.INTERNAL, Failure.of(thrownAt("dev.causalmm.nn.Linear", "forward")));
        assertEquals(Failure.USER_INPUT, Failure.of(thrownAt("dev.causalmm.train.Trainer", "checkCompatible")));
        assertEquals(Failure.USER_INPUT, Failure.of(thrownAt("dev.causalmm.causal.C3RConfig", "<init>")));
        assertEquals(Failure.USER_INPUT, Failure.of(thrownAt("dev.causalmm.data.FeatureFileDatasets", "manifest")));
    }

    @Test
    void anUncheckedIoFailureNamesTheFileItCouldNotRead() {
        var e = new UncheckedIOException(new NoSuchFileException("missing.csv"));
        assertEquals(Failure.USER_INPUT, Failure.of(e));
        assertTrue(Failure.message(e).contains("missing.csv"), Failure.message(e));
    }
}
