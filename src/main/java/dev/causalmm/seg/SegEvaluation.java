package dev.causalmm.seg;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.causalmm.io.Json;
import dev.causalmm.nn.UNet3d;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The missing-modality protocol (spec §6.2): for each non-empty subset of the modalities (in the
 * papers' row order over FLAIR, T1, T1c, T2), every case that has those modalities is segmented
 * with exactly them present (the rest zero-filled / masked), thresholded, and scored per region
 * (Dice with empty/empty = 1, HD95). Rows the model or a case cannot fill are reported unavailable.
 */
public final class SegEvaluation {
    private static final Logger LOG = LoggerFactory.getLogger(SegEvaluation.class);
    static final String[] REGIONS = {"WT", "TC", "ET"};
    private static final int[] BITS = {SegVolume.WT, SegVolume.TC, SegVolume.ET};

    /** The unit HD95 is reported in. */
    public enum DistanceUnit {
        /** Millimetres: offsets scaled by each case's voxel spacing ({@link VolumeGeometry#spacing()}), as the BraTS evaluators do. */
        MM,
        /** Voxel steps, ignoring the spacing (equal to mm on BraTS's 1 mm grid). */
        VOXELS;

        /** {@code mm} or {@code voxels}. */
        public static DistanceUnit parse(String s) {
            return switch (s.strip().toLowerCase(Locale.ROOT)) {
                case "mm" -> MM;
                case "voxels", "voxel", "vox" -> VOXELS;
                default -> throw new IllegalArgumentException("HD95 unit must be mm or voxels, got '" + s + "'");
            };
        }

        /** How results.json and report.md name it. */
        public String label() {
            return this == MM ? "mm" : "voxels";
        }
    }

    /**
     * @param window      sliding-window settings
     * @param thresholds  sigmoid thresholds for WT, TC, ET
     * @param etMinVoxels ET post-processing (0 = off)
     * @param hd95        also compute HD95 (slower)
     * @param hd95Unit    millimetres (default) or voxels
     */
    public record Settings(SlidingWindow.Settings window, double[] thresholds, int etMinVoxels, boolean hd95, DistanceUnit hd95Unit) {
        public Settings {
            if (thresholds.length != 3) throw new IllegalArgumentException("need three thresholds (WT, TC, ET)");
            thresholds = thresholds.clone();
            for (double t : thresholds) {
                if (!(t > 0 && t < 1)) throw new IllegalArgumentException("--threshold must be a number in (0, 1), got " + t);
            }
            if (etMinVoxels < 0) throw new IllegalArgumentException("ET minimum volume must be >= 0, got " + etMinVoxels);
            Objects.requireNonNull(hd95Unit, "hd95Unit");
        }

        /** HD95 in millimetres. */
        public Settings(SlidingWindow.Settings window, double[] thresholds, int etMinVoxels, boolean hd95) {
            this(window, thresholds, etMinVoxels, hd95, DistanceUnit.MM);
        }

        @Override
        public double[] thresholds() {
            return thresholds.clone();
        }

        /** The same settings with windows on the grid of a model trained {@code factor} times coarser. */
        public Settings withDownsample(int factor) {
            return new Settings(window.withDownsample(factor), thresholds, etMinVoxels, hd95, hd95Unit);
        }
    }

    /** One case under one subset; {@code dice}/{@code hd95} are null when the subset is unavailable for it. */
    public record CaseScore(String caseId, int subset, double[] dice, double[] hd95) {
        public boolean available() {
            return dice != null;
        }
    }

    /** One table row: the mean over the cases that could be scored (null when none). */
    public record Row(int index, int subset, String name, String dots, int cases, double[] dice, double[] hd95) {}

    /** Everything an evaluation produced. */
    public record Result(List<String> universe, List<String> modelModalities, List<Row> rows, double[] meanDice,
                         double[] meanHd95, List<CaseScore> scores, DistanceUnit hd95Unit) {
        /** A result with HD95 in millimetres. */
        public Result(List<String> universe, List<String> modelModalities, List<Row> rows, double[] meanDice, double[] meanHd95,
                      List<CaseScore> scores) {
            this(universe, modelModalities, rows, meanDice, meanHd95, scores, DistanceUnit.MM);
        }

        /** The line seg-eval prints: the mean Dice per region over the subsets, and where the report is; empty without one. */
        public Optional<String> summary(Path report) {
            return Optional.ofNullable(meanDice).map(d -> String.format(Locale.ROOT,
                    "seg-eval: mean Dice over subsets WT %.4f TC %.4f ET %.4f -> %s", d[0], d[1], d[2], report));
        }

        public ObjectNode toJson() {
            ObjectNode o = Json.object();
            o.put("hd95Unit", hd95Unit.label());
            ArrayNode u = o.putArray("modalities");
            universe.forEach(u::add);
            ArrayNode mm = o.putArray("modelModalities");
            modelModalities.forEach(mm::add);
            ArrayNode rs = o.putArray("subsets");
            for (Row r : rows) {
                ObjectNode n = rs.addObject();
                n.put("row", r.index());
                n.put("subset", r.name());
                n.put("dots", r.dots());
                n.put("cases", r.cases());
                n.put("available", r.dice() != null);
                if (r.dice() != null) {
                    n.set("dice", regions(r.dice()));
                    if (r.hd95() != null) n.set("hd95", regions(r.hd95()));
                }
            }
            ObjectNode mean = o.putObject("meanOverSubsets");
            if (meanDice != null) mean.set("dice", regions(meanDice));
            if (meanHd95 != null) mean.set("hd95", regions(meanHd95));
            ArrayNode cs = o.putArray("cases");
            for (CaseScore s : scores) {
                ObjectNode n = cs.addObject();
                n.put("case", s.caseId());
                n.put("subset", ModalitySubsets.name(s.subset(), universe));
                n.put("available", s.available());
                if (s.available()) {
                    n.set("dice", regions(s.dice()));
                    if (s.hd95() != null) n.set("hd95", regions(s.hd95()));
                }
            }
            return o;
        }

        private static ObjectNode regions(double[] v) {
            ObjectNode n = Json.object();
            for (int r = 0; r < 3; r++) Json.putNumber(n, REGIONS[r], v[r]);
            return n;
        }

        /** The full-modality row's Dice (the last available row), for summaries. */
        public Row fullest() {
            for (int i = rows.size() - 1; i >= 0; i--) if (rows.get(i).dice() != null) return rows.get(i);
            return null;
        }
    }

    private SegEvaluation() {}

    /** Scores every case under every subset. {@code progress} receives the number of predictions done. */
    public static Result run(UNet3d model, List<String> modelModalities, List<SegVolume> cases, Settings settings, IntConsumer progress) {
        List<String> universe = ModalitySubsets.universe(modelModalities);
        List<Integer> subsets = ModalitySubsets.ordered(universe.size());
        List<CaseScore> scores = new ArrayList<>();
        int done = 0;
        for (SegVolume v : cases) {
            if (v.regions() == null) throw new IllegalArgumentException("case " + v.id() + " has no label: evaluation needs labelled cases");
            int caseMask = PatchSampler.availability(v);
            for (int subset : subsets) {
                int modelMask = ModalitySubsets.toModelMask(subset, universe, modelModalities);
                if (modelMask < 0 || (modelMask & caseMask) != modelMask) {
                    scores.add(new CaseScore(v.id(), subset, null, null));
                    continue;
                }
                float[][] probs = SlidingWindow.predict(model, v, modelMask, settings.window());
                byte[] pred = SlidingWindow.regions(probs, settings.thresholds(), settings.etMinVoxels());
                double[] dice = new double[3];
                double[] hd = settings.hd95() ? new double[3] : null;
                double[] spacing = settings.hd95Unit() == DistanceUnit.MM ? v.geometry().spacing() : VolumeGeometry.UNIT_SPACING;
                for (int r = 0; r < 3; r++) {
                    dice[r] = RegionMetrics.dice(pred, v.regions(), BITS[r]);
                    if (hd != null) hd[r] = RegionMetrics.hd95(pred, v.regions(), BITS[r], v.shape(), spacing);
                }
                LOG.info("{} [{}]: Dice WT {} TC {} ET {}", v.id(), ModalitySubsets.name(subset, universe), f(dice[0]), f(dice[1]), f(dice[2]));
                scores.add(new CaseScore(v.id(), subset, dice, hd));
                if (progress != null) progress.accept(++done);
            }
        }
        return summarise(universe, modelModalities, subsets, scores, settings.hd95(), settings.hd95Unit());
    }

    /** Number of predictions {@link #run} makes (for a progress bar). */
    public static int predictionCount(List<String> modelModalities, List<SegVolume> cases) {
        List<String> universe = ModalitySubsets.universe(modelModalities);
        int n = 0;
        for (SegVolume v : cases) {
            int caseMask = PatchSampler.availability(v);
            for (int subset : ModalitySubsets.ordered(universe.size())) {
                int m = ModalitySubsets.toModelMask(subset, universe, modelModalities);
                if (m >= 0 && (m & caseMask) == m) n++;
            }
        }
        return n;
    }

    static Result summarise(List<String> universe, List<String> modelModalities, List<Integer> subsets, List<CaseScore> scores, boolean hd95) {
        return summarise(universe, modelModalities, subsets, scores, hd95, DistanceUnit.MM);
    }

    static Result summarise(List<String> universe, List<String> modelModalities, List<Integer> subsets, List<CaseScore> scores, boolean hd95,
                            DistanceUnit unit) {
        List<Row> rows = new ArrayList<>();
        double[] meanDice = new double[3];
        double[] meanHd = new double[3];
        int filled = 0;
        for (int i = 0; i < subsets.size(); i++) {
            int subset = subsets.get(i);
            double[] dice = new double[3];
            double[] hd = new double[3];
            int n = 0;
            for (CaseScore s : scores) {
                if (s.subset() != subset || !s.available()) continue;
                n++;
                for (int r = 0; r < 3; r++) {
                    dice[r] += s.dice()[r];
                    if (hd95) hd[r] += s.hd95()[r];
                }
            }
            if (n > 0) {
                for (int r = 0; r < 3; r++) {
                    dice[r] /= n;
                    hd[r] /= n;
                    meanDice[r] += dice[r];
                    meanHd[r] += hd[r];
                }
                filled++;
            }
            rows.add(new Row(i + 1, subset, ModalitySubsets.name(subset, universe), ModalitySubsets.dots(subset, universe.size()), n,
                    n > 0 ? dice : null, n > 0 && hd95 ? hd : null));
        }
        if (filled > 0) {
            for (int r = 0; r < 3; r++) {
                meanDice[r] /= filled;
                meanHd[r] /= filled;
            }
        }
        return new Result(universe, modelModalities, rows, filled > 0 ? meanDice : null, filled > 0 && hd95 ? meanHd : null, scores, unit);
    }

    private static String f(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }
}
