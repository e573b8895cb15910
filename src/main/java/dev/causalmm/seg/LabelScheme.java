package dev.causalmm.seg;

import dev.causalmm.io.FormatException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.TreeMap;

/**
 * How a dataset numbers its tumour labels, as the set of labels inside each BraTS region: whole
 * tumour (WT), tumour core (TC) and enhancing tumour (ET). Label 0 is background in every scheme.
 * Maps label volumes to the region bits of {@link SegVolume#regions()} and back, for writing
 * predictions in the dataset's own numbering.
 *
 * <ul>
 *   <li>{@code brats2015}: 1 necrosis, 2 oedema, 3 non-enhancing, 4 enhancing; WT = {1,2,3,4},
 *       TC = {1,3,4}, ET = {4}
 *   <li>{@code brats2018} (2017–2021): 1 NCR/NET, 2 ED, 4 ET; WT = {1,2,4}, TC = {1,4}, ET = {4}
 *   <li>{@code brats2023}: 1 NCR, 2 ED, 3 ET; WT = {1,2,3}, TC = {1,3}, ET = {3}
 *   <li>explicit: {@code wt=1,2,4;tc=1,4;et=4} (any order, labels 1–255)
 * </ul>
 *
 * @param name the preset's name, or the explicit map's canonical text
 * @param wt labels in the whole tumour (sorted)
 * @param tc labels in the tumour core
 * @param et labels in the enhancing tumour
 */
public record LabelScheme(String name, int[] wt, int[] tc, int[] et) {
    public static final LabelScheme BRATS2015 = new LabelScheme("brats2015", new int[] {1, 2, 3, 4}, new int[] {1, 3, 4}, new int[] {4});
    public static final LabelScheme BRATS2018 = new LabelScheme("brats2018", new int[] {1, 2, 4}, new int[] {1, 4}, new int[] {4});
    public static final LabelScheme BRATS2023 = new LabelScheme("brats2023", new int[] {1, 2, 3}, new int[] {1, 3}, new int[] {3});

    public LabelScheme {
        Objects.requireNonNull(name, "name");
        wt = check("wt", wt);
        tc = check("tc", tc);
        et = check("et", et);
    }

    private static int[] check(String region, int[] labels) {
        int[] s = labels.clone();
        Arrays.sort(s);
        for (int i = 0; i < s.length; i++) {
            if (s[i] < 1 || s[i] > 255) throw new IllegalArgumentException(region + " label " + s[i] + " out of range 1..255 (0 is background)");
            if (i > 0 && s[i] == s[i - 1]) throw new IllegalArgumentException(region + " lists label " + s[i] + " twice");
        }
        return s;
    }

    /**
     * A preset name ({@code brats2015}, {@code brats2018}, {@code brats2023}; {@code brats2017}
     * to {@code brats2021} are aliases of {@code brats2018}) or an explicit map
     * {@code wt=1,2,4;tc=1,4;et=4}. Every region must be given in an explicit map (it may be empty:
     * {@code et=}).
     */
    public static LabelScheme parse(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        switch (t) {
            case "brats2015": return BRATS2015;
            case "brats2017", "brats2018", "brats2019", "brats2020", "brats2021": return BRATS2018;
            case "brats2023": return BRATS2023;
            default: break;
        }
        if (!t.contains("=")) {
            throw new IllegalArgumentException("unknown label scheme '" + text + "': expected brats2015, brats2018, brats2023 or a region map "
                    + "like wt=1,2,4;tc=1,4;et=4");
        }
        TreeMap<String, int[]> m = new TreeMap<>();
        for (String part : t.split(";")) {
            if (part.isBlank()) continue;
            int eq = part.indexOf('=');
            if (eq < 0) throw new IllegalArgumentException("label scheme '" + text + "': '" + part + "' is not region=labels");
            String region = part.substring(0, eq).strip();
            if (!region.equals("wt") && !region.equals("tc") && !region.equals("et")) {
                throw new IllegalArgumentException("label scheme '" + text + "': unknown region '" + region + "' (expected wt, tc, et)");
            }
            if (m.containsKey(region)) throw new IllegalArgumentException("label scheme '" + text + "': region " + region + " given twice");
            String list = part.substring(eq + 1).strip();
            int[] labels;
            try {
                labels = list.isEmpty() ? new int[0] : Arrays.stream(list.split(",")).map(String::strip).mapToInt(Integer::parseInt).toArray();
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("label scheme '" + text + "': region " + region + " has a label that is not a number: " + list);
            }
            m.put(region, labels);
        }
        for (String r : new String[] {"wt", "tc", "et"}) {
            if (!m.containsKey(r)) throw new IllegalArgumentException("label scheme '" + text + "': region " + r + " is missing");
        }
        LabelScheme s = new LabelScheme("", m.get("wt"), m.get("tc"), m.get("et"));
        return new LabelScheme(s.mapText(), s.wt, s.tc, s.et);
    }

    /** The explicit-map form, e.g. {@code wt=1,2,4;tc=1,4;et=4}. */
    public String mapText() {
        return "wt=" + join(wt) + ";tc=" + join(tc) + ";et=" + join(et);
    }

    private static String join(int[] a) {
        return String.join(",", Arrays.stream(a).mapToObj(Integer::toString).toList());
    }

    /** The region bits of one label, or -1 when the scheme does not know the label. */
    public int regionsOf(int label) {
        if (label == 0) return 0;
        int bits = (contains(wt, label) ? SegVolume.WT : 0) | (contains(tc, label) ? SegVolume.TC : 0) | (contains(et, label) ? SegVolume.ET : 0);
        return bits == 0 ? -1 : bits;
    }

    private static boolean contains(int[] sorted, int v) {
        return Arrays.binarySearch(sorted, v) >= 0;
    }

    /**
     * Region bits for a label volume read as floats.
     *
     * @throws FormatException naming {@code file}, the value and how many voxels hold it, for a
     *     value that is not a whole number or not a label of this scheme
     */
    public byte[] toRegions(float[] labels, String file) throws FormatException {
        int[] table = new int[256];
        for (int l = 0; l < 256; l++) table[l] = regionsOf(l);
        byte[] out = new byte[labels.length];
        for (int i = 0; i < labels.length; i++) {
            float v = labels[i];
            int l = (int) v;
            if (l != v || l < 0 || l > 255 || table[l] < 0) {
                long count = 0;
                for (float w : labels) if (Float.compare(w, v) == 0) count++;
                throw new FormatException(file + ": label value " + v + " (" + count + " voxels) is not a label of scheme " + name
                        + " (" + mapText() + "; 0 = background)");
            }
            out[i] = (byte) table[l];
        }
        return out;
    }

    /**
     * The label for predicted region bits, in this scheme's numbering. Regions are nested
     * (ET ⊂ TC ⊂ WT), so the innermost predicted region decides: ET → the label with ET (the
     * lowest such label), else TC → a TC label that is not ET, else WT → a WT-only label; a label
     * whose region bits equal the prediction exactly is preferred. Where the scheme has two labels
     * for one region set (2015: necrosis 1 and non-enhancing 3 are both TC-not-ET) the lower one is
     * written.
     */
    public int labelFor(int bits) {
        int top = (bits & SegVolume.ET) != 0 ? SegVolume.ET : (bits & SegVolume.TC) != 0 ? SegVolume.TC : (bits & SegVolume.WT) != 0 ? SegVolume.WT : 0;
        if (top == 0) return 0;
        int inner = top == SegVolume.ET ? 0 : top == SegVolume.TC ? SegVolume.ET : SegVolume.TC | SegVolume.ET;
        int best = 0;
        for (int l = 1; l < 256; l++) {
            int r = regionsOf(l);
            if (r < 0 || (r & top) == 0 || (r & inner) != 0) continue;
            if (r == bits) return l;
            if (best == 0) best = l;
        }
        if (best != 0) return best;
        for (int l = 1; l < 256; l++) if (regionsOf(l) > 0 && (regionsOf(l) & top) != 0) return l;
        return 0;
    }

    /** A label volume (uint8) for region bits, see {@link #labelFor}. */
    public byte[] toLabels(byte[] regions) {
        byte[] table = new byte[8];
        for (int b = 0; b < 8; b++) table[b] = (byte) labelFor(b);
        byte[] out = new byte[regions.length];
        for (int i = 0; i < regions.length; i++) out[i] = table[regions[i] & 7];
        return out;
    }

    @Override
    public int[] wt() {
        return wt.clone();
    }

    @Override
    public int[] tc() {
        return tc.clone();
    }

    @Override
    public int[] et() {
        return et.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LabelScheme s && Arrays.equals(wt, s.wt) && Arrays.equals(tc, s.tc) && Arrays.equals(et, s.et);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(wt), Arrays.hashCode(tc), Arrays.hashCode(et));
    }

    @Override
    public String toString() {
        return name.equals(mapText()) ? name : name + " (" + mapText() + ")";
    }
}
