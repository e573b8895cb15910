package dev.causalmm.eval;

/** Test access to the package-private log-gamma of {@link TTest}. */
public final class TTestAccess {
    private TTestAccess() {}

    public static double lgamma(double x) {
        return TTest.lgamma(x);
    }
}
