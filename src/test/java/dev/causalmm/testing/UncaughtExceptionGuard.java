package dev.causalmm.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.opentest4j.AssertionFailedError;

/**
 * Fails a test when any thread — platform or virtual — dies with an uncaught throwable while it
 * runs. An assertion inside {@code Thread.ofVirtual().start(...)} throws on that thread, which
 * then dies; JUnit never sees it, and the test passed. This extension installs a default uncaught
 * exception handler (it also prints the stack trace, as the JVM's own would) and, after each test,
 * fails the test with the lost throwable as its cause. Exceptions seen outside a test (a thread
 * still running after its test ended, {@code @BeforeAll}) fail the next test or the class.
 *
 * <p>Registered for the whole suite by {@code junit-platform.properties}
 * ({@code junit.jupiter.extensions.autodetection.enabled}) and
 * {@code META-INF/services/org.junit.jupiter.api.extension.Extension}; no test class needs to name it.
 */
public final class UncaughtExceptionGuard implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, AfterAllCallback {

    /** A throwable that ended a thread. */
    public record Lost(String thread, Throwable error) {}

    private static final Queue<Lost> LOST = new ConcurrentLinkedQueue<>();

    private static final class Handler implements Thread.UncaughtExceptionHandler {
        private final Thread.UncaughtExceptionHandler previous;

        Handler(Thread.UncaughtExceptionHandler previous) {
            this.previous = previous;
        }

        @Override
        public void uncaughtException(Thread t, Throwable e) {
            LOST.add(new Lost(t.isVirtual() ? "virtual thread " + t : "thread " + t.getName(), e));
            if (previous != null) {
                previous.uncaughtException(t, e);
            } else {
                System.err.print("Exception in thread \"" + t.getName() + "\" ");
                e.printStackTrace(System.err);
            }
        }
    }

    /** Installs the handler (once per JVM). */
    public static synchronized void install() {
        Thread.UncaughtExceptionHandler current = Thread.getDefaultUncaughtExceptionHandler();
        if (!(current instanceof Handler)) Thread.setDefaultUncaughtExceptionHandler(new Handler(current));
    }

    /** Whether the handler is in place (the extension ran in this JVM). */
    public static boolean installed() {
        return Thread.getDefaultUncaughtExceptionHandler() instanceof Handler;
    }

    /** Takes every throwable recorded so far. */
    public static List<Lost> drain() {
        List<Lost> out = new ArrayList<>();
        for (Lost l; (l = LOST.poll()) != null; ) out.add(l);
        return out;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        install();
        check("before " + context.getDisplayName() + " started (a thread left running by an earlier test class?)");
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        check("before this test started (a thread left running by an earlier test?)");
    }

    @Override
    public void afterEach(ExtensionContext context) {
        check("during this test");
    }

    @Override
    public void afterAll(ExtensionContext context) {
        check("in " + context.getDisplayName() + " outside its tests");
    }

    private static void check(String when) {
        List<Lost> lost = drain();
        if (lost.isEmpty()) return;
        Lost first = lost.getFirst();
        AssertionFailedError failure = new AssertionFailedError(lost.size() + " thread(s) died with an uncaught exception " + when
                + "; the first, on " + first.thread() + ": " + first.error(), first.error());
        for (Lost l : lost.subList(1, lost.size())) failure.addSuppressed(l.error());
        throw failure;
    }
}
