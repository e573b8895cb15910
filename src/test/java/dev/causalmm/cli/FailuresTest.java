package dev.causalmm.cli;

import static org.junit.jupiter.api.Assertions.*;

import dev.causalmm.engine.Tensor;
import dev.causalmm.experiment.Failure;
import dev.causalmm.io.SafeTensors;
import dev.causalmm.io.UserInputException;
import dev.causalmm.seg.SegRecipe;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Issue 23 part 6: bad input exits 2 in one line; a bug inside a model run exits 1 with a summary and, with --debug, its stack. */
class FailuresTest {
    /** A real shape mismatch raised inside the engine, as a model bug would raise it. */
    private static IllegalArgumentException engineShapeBug() {
        try (Tensor a = Tensor.zeros(2, 3); Tensor b = Tensor.zeros(3, 2)) {
            a.copyFrom_(b);
            return fail("a copy between shapes [2, 3] and [3, 2] must fail");
        } catch (IllegalArgumentException e) {
            return e;
        }
    }

    @Test
    void aShapeMismatchInsideTheEngineIsAnInternalErrorWithAOneLineSummary() {
        IllegalArgumentException bug = engineShapeBug();
        StringWriter buf = new StringWriter();
        assertEquals(1, Failures.report(bug, new PrintWriter(buf), false));
        String out = buf.toString();
        assertEquals(1, out.lines().count(), out);
        assertTrue(out.startsWith("causalmm: internal error: IllegalArgumentException: copy of shape [3, 2] into [2, 3]"), out);
        assertTrue(out.contains("Tensor.java") && out.contains("--debug") && out.contains(Failure.REPORT_AT), out);
    }

    @Test
    void debugPrintsTheStackTraceOfAnInternalError() {
        StringWriter buf = new StringWriter();
        assertEquals(1, Failures.report(engineShapeBug(), new PrintWriter(buf), true));
        assertTrue(buf.toString().lines().count() > 3, buf.toString());
        assertTrue(buf.toString().contains("\tat dev.causalmm.engine.Tensor.copyFrom_"), buf.toString());
    }

    @Test
    void theSameExceptionRaisedWhileReadingOptionsIsUserInput() throws Exception {
        IllegalArgumentException bug = engineShapeBug();
        Exception converted = assertThrows(UserInputException.class, () -> Failures.userInput(() -> { throw bug; }));
        StringWriter buf = new StringWriter();
        assertEquals(2, Failures.report(converted, new PrintWriter(buf), false));
        assertEquals("causalmm: copy of shape [3, 2] into [2, 3]", buf.toString().strip());
    }

    private static IllegalArgumentException thrownAt(String cls, String method) {
        var e = new IllegalArgumentException("x");
        e.setStackTrace(new StackTraceElement[] {new StackTraceElement(cls, method, "F.java", 1)});
        return e;
    }

    @Test
    void aResumeCheckInsideTheTrainerIsUserInputButAForwardPassIsNot() {
        assertEquals(2, Failures.exitCode(thrownAt("dev.causalmm.train.Trainer", "checkCompatible")));
        assertEquals(2, Failures.exitCode(thrownAt("dev.causalmm.baselines.Baselines", "requireAvailable")));
        assertEquals(2, Failures.exitCode(thrownAt("dev.causalmm.causal.C3RConfig", "<init>")));
        assertEquals(2, Failures.exitCode(thrownAt("dev.causalmm.data.FeatureFileDatasets", "manifest")));
        assertEquals(1, Failures.exitCode(thrownAt("dev.causalmm.nn.Linear", "forward")));
        assertEquals(1, Failures.exitCode(thrownAt("dev.causalmm.train.Trainer", "runEpoch")));
    }

    @Test
    void aParameterExceptionAndTheLibrarysExplicitRefusalsAreUserInputWhereverTheyAreThrown() {
        assertEquals(2, Failures.exitCode(new CommandLine.ParameterException(new CommandLine(new Main()), "bad option")));
        UserInputException recipe = assertThrows(UserInputException.class, () -> SegRecipe.defaults().withSteps(0));
        recipe.setStackTrace(new StackTraceElement[] {new StackTraceElement("dev.causalmm.train.Trainer", "runEpoch", "F.java", 1)});
        assertEquals(2, Failures.exitCode(recipe), "the type decides, not the throwing frame");
        assertThrows(UserInputException.class, () -> SafeTensors.DType.ofExportName("int8"));
    }

    @Test
    void aRefusalOutsideTheModelRunIsUserInputAndAnUnexpectedExceptionIsABug() {
        assertEquals(2, Failures.exitCode(new IllegalArgumentException("--out must name a folder"))); // thrown here, in a test class
        assertEquals(2, Failures.exitCode(new java.nio.file.NoSuchFileException("x.mat")));
        assertEquals(1, Failures.exitCode(new NullPointerException()));
        assertEquals(1, Failures.exitCode(new IllegalStateException("unreachable")));
    }
}
