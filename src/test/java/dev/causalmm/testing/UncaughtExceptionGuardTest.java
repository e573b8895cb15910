package dev.causalmm.testing;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedSuccessfully;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.opentest4j.AssertionFailedError;

/** A test body's exception lost on another thread fails the test (issue 9, item 6). */
class UncaughtExceptionGuardTest {
    static final String SELF_TEST = "causalmm.guard.selftest";
    static final String AUTODETECT = "junit.jupiter.extensions.autodetection.enabled";

    @Test
    void theGuardIsRegisteredForTheWholeSuite() {
        // this class does not name the guard: it got here through junit-platform.properties
        assertTrue(UncaughtExceptionGuard.installed(), "UncaughtExceptionGuard is not active in this test run");
    }

    private static EngineExecutionResults runSamples(boolean guard) {
        return EngineTestKit.engine("junit-jupiter")
                .configurationParameter(AUTODETECT, Boolean.toString(guard))
                .configurationParameter(SELF_TEST, "true")
                .selectors(selectClass(Samples.class))
                .execute();
    }

    @Test
    void aTestWhoseVirtualThreadThrowsIsReportedAsFailed() {
        EngineExecutionResults results = runSamples(true);
        results.testEvents().assertStatistics(s -> s.started(3).succeeded(1).failed(2));
        results.testEvents().assertThatEvents()
                .haveExactly(1, event(test("assertionFailsInAVirtualThread"), finishedWithFailure(instanceOf(AssertionFailedError.class),
                        message(m -> m.contains("virtual thread") && m.contains("expected: <1> but was: <2>")))))
                .haveExactly(1, event(test("platformThreadThrows"), finishedWithFailure(instanceOf(AssertionFailedError.class),
                        message(m -> m.contains("thread sample-worker") && m.contains("boom")))))
                .haveExactly(1, event(test("threadsThatFinishNormally"), finishedSuccessfully()));
        assertEquals(List.of(), UncaughtExceptionGuard.drain(), "the guard reported every lost exception to its own test");
    }

    @Test
    void withoutTheGuardTheSameTestsWouldPass() {
        EngineExecutionResults results = runSamples(false);
        try {
            results.testEvents().assertStatistics(s -> s.started(3).succeeded(3).failed(0));
        } finally {
            // the handler of this run saw both lost exceptions; they belong to the samples, not to this test
            List<UncaughtExceptionGuard.Lost> lost = UncaughtExceptionGuard.drain();
            assertEquals(2, lost.size(), lost.toString());
        }
    }

    /** Runs only inside the test kit above (never as part of the suite itself). */
    static final class OnlyInSelfTest implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return context.getConfigurationParameter(SELF_TEST).isPresent()
                    ? ConditionEvaluationResult.enabled("self-test")
                    : ConditionEvaluationResult.disabled("runs only inside UncaughtExceptionGuardTest");
        }
    }

    @ExtendWith(OnlyInSelfTest.class)
    static class Samples {
        @Test
        void assertionFailsInAVirtualThread() throws InterruptedException {
            Thread.ofVirtual().start(() -> assertEquals(1, 2)).join();
        }

        @Test
        void platformThreadThrows() throws InterruptedException {
            Thread t = Thread.ofPlatform().name("sample-worker").start(() -> {
                throw new IllegalStateException("boom");
            });
            t.join();
        }

        @Test
        void threadsThatFinishNormally() throws InterruptedException {
            // the control sample: a virtual thread that ends without an exception must not fail the test
            java.util.concurrent.atomic.AtomicBoolean ran = new java.util.concurrent.atomic.AtomicBoolean();
            Thread.ofVirtual().start(() -> ran.set(true)).join();
            assertTrue(ran.get());
        }
    }
}
