package dev.causalmm.seg;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The non-empty modality subsets of the missing-modality protocol (spec §6.2) in the papers' row
 * order: by size, then lexicographically by modality index; with the modalities ordered FLAIR, T1,
 * T1c, T2 this is exactly the order of the C3R/LCKD/mmFormer tables (1 ●○○○ … 15 ●●●●).
 */
final class ModalitySubsets {
    /** The papers' modality order. */
    public static final List<String> BRATS = List.of("flair", "t1", "t1c", "t2");

    private ModalitySubsets() {}

    /** All 2^K − 1 non-empty subsets of {@code K} modalities as bit masks (bit i = modality i), in table order. */
    public static List<Integer> ordered(int k) {
        if (k <= 0 || k > 16) throw new IllegalArgumentException("need 1..16 modalities, got " + k);
        List<Integer> out = new ArrayList<>();
        for (int size = 1; size <= k; size++) combinations(k, size, 0, 0, out);
        return out;
    }

    private static void combinations(int k, int left, int from, int acc, List<Integer> out) {
        if (left == 0) {
            out.add(acc);
            return;
        }
        for (int i = from; i <= k - left; i++) combinations(k, left - 1, i + 1, acc | (1 << i), out);
    }

    /**
     * The universe the table is drawn over: the four BraTS modalities when every dataset modality
     * is one of them (so a FLAIR+T1c dataset still gets the 15-row table, with the rows it cannot
     * fill marked unavailable), else the dataset's own modalities in their order.
     */
    public static List<String> universe(List<String> datasetModalities) {
        for (String m : datasetModalities) {
            if (!BRATS.contains(canonical(m))) return List.copyOf(datasetModalities);
        }
        return BRATS;
    }

    /** {@code t1ce}, {@code T1Gd}, {@code t1gd} and {@code t1c} name the same modality; otherwise lower case. */
    public static String canonical(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return switch (n) {
            case "t1ce", "t1gd", "t1-ce", "t1post" -> "t1c";
            default -> n;
        };
    }

    /** "●○●○"-style dots of a subset over {@code k} modalities. */
    public static String dots(int subset, int k) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < k; i++) b.append((subset >> i & 1) != 0 ? '●' : '○');
        return b.toString();
    }

    /** "flair+t1c"-style name of a subset of {@code names}. */
    public static String name(int subset, List<String> names) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < names.size(); i++) {
            if ((subset >> i & 1) != 0) {
                if (!b.isEmpty()) b.append('+');
                b.append(names.get(i));
            }
        }
        return b.toString();
    }

    /**
     * Maps a subset over {@code universe} to the model's channel mask over {@code modelModalities};
     * -1 when the subset uses a modality the model was not trained with.
     */
    public static int toModelMask(int subset, List<String> universe, List<String> modelModalities) {
        int mask = 0;
        for (int i = 0; i < universe.size(); i++) {
            if ((subset >> i & 1) == 0) continue;
            int j = indexOf(modelModalities, universe.get(i));
            if (j < 0) return -1;
            mask |= 1 << j;
        }
        return mask;
    }

    /** Index of {@code name} in {@code names} up to {@link #canonical} spelling, or -1. */
    public static int indexOf(List<String> names, String name) {
        String c = canonical(name);
        for (int i = 0; i < names.size(); i++) if (canonical(names.get(i)).equals(c)) return i;
        return -1;
    }
}
