package dev.causalmm.testing;

import java.io.PrintStream;
import java.util.function.Consumer;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Prints the {@link SkipSummary} line when a test run ends, so a run without data, CUDA or a compiler
 * says what it did not test. Registered for every JUnit Platform launch (surefire's included) by
 * {@code META-INF/services/org.junit.platform.launcher.TestExecutionListener}. Counts tests skipped
 * by a condition (a skipped class counts its tests) and tests aborted by an assumption.
 */
public final class SkipSummaryListener implements TestExecutionListener {
    private final Consumer<String> out;
    private SkipSummary summary = new SkipSummary();
    private TestPlan plan;

    /** Prints to stderr, which surefire shows on the console for a forked JVM. */
    public SkipSummaryListener() {
        this(line -> printTo(System.err, line));
    }

    public SkipSummaryListener(Consumer<String> out) {
        this.out = out;
    }

    private static void printTo(PrintStream s, String line) {
        s.println(line);
        s.flush();
    }

    @Override
    public void testPlanExecutionStarted(TestPlan testPlan) {
        plan = testPlan;
        summary = new SkipSummary();
    }

    @Override
    public void executionSkipped(TestIdentifier id, String reason) {
        summary.add(reason, testsUnder(id));
    }

    @Override
    public void executionFinished(TestIdentifier id, TestExecutionResult result) {
        if (result.getStatus() != TestExecutionResult.Status.ABORTED) return;
        String reason = result.getThrowable().map(Throwable::getMessage).orElse(null);
        summary.add(reason, testsUnder(id));
    }

    @Override
    public void testPlanExecutionFinished(TestPlan testPlan) {
        out.accept(summary.line());
    }

    /**
     * The tests a skipped or aborted node stands for: itself, or the leaves below a container (a
     * parameterized test not yet expanded counts once), at least one.
     */
    private int testsUnder(TestIdentifier id) {
        if (id.isTest() || plan == null) return 1;
        long n = plan.getDescendants(id).stream().filter(d -> d.isTest() || plan.getChildren(d).isEmpty()).count();
        return (int) Math.max(1, n);
    }
}
