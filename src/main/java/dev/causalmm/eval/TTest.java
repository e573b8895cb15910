package dev.causalmm.eval;

/**
 * Two-sample t-tests between per-run scores (IMML Table III uses Student's, p < 0.05), two-sided
 * p-values from the regularised incomplete beta function.
 */
public final class TTest {
    private TTest() {}

    /** @param t the statistic, {@code df} degrees of freedom, {@code p} two-sided p-value */
    public record Result(double t, double df, double p) {}

    /** Student's test with pooled variance. */
    public static Result student(double[] a, double[] b) {
        int na = a.length, nb = b.length;
        if (na < 2 || nb < 2) throw new IllegalArgumentException("t-test needs at least 2 values per group, got " + na + " and " + nb);
        double ma = mean(a), mb = mean(b);
        double pooled = ((na - 1) * var(a, ma) + (nb - 1) * var(b, mb)) / (na + nb - 2);
        double se = Math.sqrt(pooled * (1.0 / na + 1.0 / nb));
        double df = na + nb - 2;
        return result(ma - mb, se, df);
    }

    /** Welch's test (unequal variances, Welch–Satterthwaite degrees of freedom). */
    public static Result welch(double[] a, double[] b) {
        int na = a.length, nb = b.length;
        if (na < 2 || nb < 2) throw new IllegalArgumentException("t-test needs at least 2 values per group, got " + na + " and " + nb);
        double ma = mean(a), mb = mean(b);
        double va = var(a, ma) / na, vb = var(b, mb) / nb;
        double df = (va + vb) * (va + vb) / (va * va / (na - 1) + vb * vb / (nb - 1));
        return result(ma - mb, Math.sqrt(va + vb), df);
    }

    private static Result result(double diff, double se, double df) {
        if (se == 0) return new Result(diff == 0 ? 0 : Math.copySign(Double.POSITIVE_INFINITY, diff), df, diff == 0 ? 1 : 0);
        double t = diff / se;
        double p = regularizedBeta(df / (df + t * t), df / 2, 0.5);
        return new Result(t, df, Math.min(1, Math.max(0, p)));
    }

    private static double mean(double[] x) {
        double s = 0;
        for (double v : x) s += v;
        return s / x.length;
    }

    private static double var(double[] x, double m) {
        double s = 0;
        for (double v : x) s += (v - m) * (v - m);
        return s / (x.length - 1);
    }

    /** I_x(a, b) by Lentz's continued fraction (Numerical Recipes' betacf). */
    static double regularizedBeta(double x, double a, double b) {
        if (x <= 0) return 0;
        if (x >= 1) return 1;
        double lnFront = lgamma(a + b) - lgamma(a) - lgamma(b) + a * Math.log(x) + b * Math.log(1 - x);
        if (x < (a + 1) / (a + b + 2)) return Math.exp(lnFront) * betacf(x, a, b) / a;
        return 1 - Math.exp(lnFront) * betacf(1 - x, b, a) / b;
    }

    private static double betacf(double x, double a, double b) {
        double tiny = 1e-300;
        double qab = a + b, qap = a + 1, qam = a - 1;
        double c = 1, d = 1 - qab * x / qap;
        if (Math.abs(d) < tiny) d = tiny;
        d = 1 / d;
        double h = d;
        for (int m = 1; m <= 300; m++) {
            int m2 = 2 * m;
            double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
            d = 1 + aa * d;
            if (Math.abs(d) < tiny) d = tiny;
            c = 1 + aa / c;
            if (Math.abs(c) < tiny) c = tiny;
            d = 1 / d;
            h *= d * c;
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
            d = 1 + aa * d;
            if (Math.abs(d) < tiny) d = tiny;
            c = 1 + aa / c;
            if (Math.abs(c) < tiny) c = tiny;
            d = 1 / d;
            double del = d * c;
            h *= del;
            if (Math.abs(del - 1) < 1e-15) break;
        }
        return h;
    }

    /** log Γ(x) by the Lanczos approximation (g = 7, n = 9), accurate to ~1e-15. */
    static double lgamma(double x) {
        double[] g = {0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
            -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7};
        if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgamma(1 - x);
        x -= 1;
        double a = g[0];
        double t = x + 7.5;
        for (int i = 1; i < 9; i++) a += g[i] / (x + i);
        return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
    }
}
