package dev.causalmm.data;

import java.util.Locale;

/**
 * Refuses, before anything is allocated, data that cannot fit: more elements than a Java array
 * holds, or more bytes than half the Java heap (the rest is for the model, batches and copies).
 * A size option off by a few digits then fails in a line naming it, not after gigabytes of work.
 */
public final class HeapBudget {
    /** The largest Java array. */
    public static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    private HeapBudget() {}

    /**
     * Fails when {@code elements} values of {@code bytesPerElement} bytes need one array longer than
     * {@link #MAX_ARRAY} ({@code largestArray}) or more than half of the heap; {@code what} names the options to lower.
     */
    public static void require(String what, long largestArray, long elements, int bytesPerElement) {
        long heap = Runtime.getRuntime().maxMemory();
        double bytes = (double) elements * bytesPerElement;
        if (largestArray > MAX_ARRAY || bytes > heap / 2.0) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%s needs about %.1f GiB, more than half of the %.1f GiB Java heap; lower it (or raise -Xmx)",
                    what, bytes / (1L << 30), heap / (double) (1L << 30)));
        }
    }
}
