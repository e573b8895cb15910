package dev.causalmm.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The one seeded stratified train/val/test split of labelled rows. Per class, in class order: a
 * {@link Collections#shuffle(List, Random)} of the class's row indices with the shared {@code rnd},
 * then the first {@code round(n × test share)} rows go to test, the next {@code round(n × val share)}
 * to validation (fewer when the two exceed the class) and the rest to train. Each part's indices are
 * returned sorted, so rows keep their file order.
 *
 * <p>Feature files have split with exactly this rule (and {@code new Random(seed)}) since they were
 * first read, so published results on them stay reproducible; image+text manifests use it too.
 */
public final class StratifiedSplit {
    private StratifiedSplit() {}

    /**
     * The parts of rows {@code 0 … y.length-1}.
     *
     * @param y       each row's class, {@code 0 ≤ y[i] < classes}
     * @param ratios  train, val and test shares (train takes what val and test leave)
     * @param rnd     the shuffle's generator, advanced class by class
     * @return {@code {train, val, test}}, each sorted ascending
     */
    public static int[][] split(int[] y, int classes, double[] ratios, Random rnd) {
        List<List<Integer>> byClass = new ArrayList<>();
        for (int c = 0; c < classes; c++) byClass.add(new ArrayList<>());
        for (int i = 0; i < y.length; i++) byClass.get(y[i]).add(i);
        List<Integer> tr = new ArrayList<>(), va = new ArrayList<>(), te = new ArrayList<>();
        for (List<Integer> idx : byClass) {
            Collections.shuffle(idx, rnd);
            int m = idx.size();
            int nTe = (int) Math.round(m * ratios[2]);
            int nVa = (int) Math.round(m * ratios[1]);
            if (nTe + nVa > m) nVa = Math.max(0, m - nTe);
            for (int i = 0; i < m; i++) (i < nTe ? te : i < nTe + nVa ? va : tr).add(idx.get(i));
        }
        return new int[][] {sorted(tr), sorted(va), sorted(te)};
    }

    /** {@link #split(int[], int, double[], Random)} with {@code new Random(seed)}. */
    public static int[][] split(int[] y, int classes, double[] ratios, long seed) {
        return split(y, classes, ratios, new Random(seed));
    }

    private static int[] sorted(List<Integer> l) {
        return l.stream().mapToInt(Integer::intValue).sorted().toArray();
    }
}
