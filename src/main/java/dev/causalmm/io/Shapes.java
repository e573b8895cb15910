package dev.causalmm.io;

/** Small helpers for array shapes. */
final class Shapes {
    private Shapes() {}

    /** The product of the dimensions, or -1 when it overflows a long or a dimension is negative. */
    static long count(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) return -1;
            if (d != 0 && n > Long.MAX_VALUE / d) return -1;
            n *= d;
        }
        return n;
    }

    static String text(int[] shape) {
        if (shape.length == 0) return "scalar";
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) b.append('×');
            b.append(shape[i]);
        }
        return b.toString();
    }

    /** Converts column-major (Fortran) data of {@code shape} into row-major (C) order. */
    static double[] fortranToC(double[] f, int[] shape) {
        int nd = shape.length;
        if (nd <= 1) return f;
        if (nd == 2) {
            int r = shape[0], c = shape[1];
            double[] out = new double[f.length];
            for (int j = 0; j < c; j++) {
                int base = j * r;
                for (int i = 0; i < r; i++) out[i * c + j] = f[base + i];
            }
            return out;
        }
        double[] out = new double[f.length];
        int[] idx = new int[nd];
        long[] cStride = new long[nd];
        long s = 1;
        for (int k = nd - 1; k >= 0; k--) { cStride[k] = s; s *= shape[k]; }
        for (int p = 0; p < f.length; p++) {
            long c = 0;
            for (int k = 0; k < nd; k++) c += idx[k] * cStride[k];
            out[(int) c] = f[p];
            for (int k = 0; k < nd; k++) { // Fortran order: first index fastest
                if (++idx[k] < shape[k]) break;
                idx[k] = 0;
            }
        }
        return out;
    }
}
