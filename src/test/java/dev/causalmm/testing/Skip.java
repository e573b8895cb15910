package dev.causalmm.testing;

import java.util.function.Supplier;
import org.opentest4j.TestAbortedException;

/**
 * Skips from inside a test, for what only the test itself can find out (a compiler that must be
 * probed, a script that reports a missing tool). What can be known before the test starts goes in
 * {@link Requires} or {@link RequiresData} instead.
 */
public final class Skip {
    private Skip() {}

    /** Aborts the running test, in {@code group}, unless {@code ok}. */
    public static void unless(boolean ok, SkipGroup group, Supplier<String> detail) {
        if (!ok) throw because(group, detail.get());
    }

    /** The exception that skips the running test in {@code group}. */
    public static TestAbortedException because(SkipGroup group, String detail) {
        return new TestAbortedException(group.reason(detail));
    }
}
