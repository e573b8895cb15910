package dev.causalmm.seg;

import dev.causalmm.io.AtomicFiles;
import dev.causalmm.io.Json;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Writes an evaluation's {@code results.json}, {@code report.md} (the subset × region Dice table in
 * the papers' row order, mean over subsets, HD95) and {@code dice-heatmap.png}, all atomically.
 */
public final class SegReport {
    public static final String RESULTS = "results.json";
    public static final String REPORT = "report.md";
    public static final String HEATMAP = "dice-heatmap.png";

    private SegReport() {}

    public static void write(Path out, SegEvaluation.Result result, String title) throws IOException {
        byte[] heatmap = heatmap(result, title);
        // one set: a run killed half-way leaves a marker, and the next run removes the partial set
        dev.causalmm.io.OutputFolder.writeSet(out, java.util.List.of(RESULTS, REPORT, HEATMAP), () -> {
            AtomicFiles.write(out.resolve(RESULTS), Json.MAPPER.writeValueAsBytes(result.toJson()));
            AtomicFiles.writeString(out.resolve(REPORT), markdown(result, title));
            AtomicFiles.write(out.resolve(HEATMAP), heatmap);
        });
    }

    /** The markdown report: Dice in %, the papers' ●/○ columns over {@code universe}. */
    public static String markdown(SegEvaluation.Result r, String title) {
        StringBuilder b = new StringBuilder();
        b.append("# ").append(title).append("\n\n");
        b.append("Dice (%) per modality subset, mean over the cases that have the subset's modalities; ")
                .append("rows in the order of the C3R/LCKD/mmFormer tables (").append(String.join(", ", r.universe()))
                .append("). Model trained on: ").append(String.join(", ", r.modelModalities())).append(".\n\n");
        boolean hd = r.rows().stream().anyMatch(x -> x.hd95() != null);
        b.append("| # | ").append(String.join(" | ", r.universe())).append(" | cases | WT | TC | ET |");
        if (hd) {
            String u = " (" + r.hd95Unit().label() + ")";
            b.append(" HD95 WT").append(u).append(" | HD95 TC").append(u).append(" | HD95 ET").append(u).append(" |");
        }
        b.append('\n').append("|---".repeat(r.universe().size() + 5 + (hd ? 3 : 0))).append("|\n");
        for (SegEvaluation.Row row : r.rows()) {
            b.append("| ").append(row.index()).append(" | ");
            for (int i = 0; i < r.universe().size(); i++) b.append(row.dots().charAt(i)).append(" | ");
            b.append(row.cases()).append(" | ");
            if (row.dice() == null) {
                b.append("n/a | n/a | n/a |");
                if (hd) b.append(" | | |");
            } else {
                for (double d : row.dice()) b.append(pct(d)).append(" | ");
                if (hd) for (double h : row.hd95()) b.append(String.format(Locale.ROOT, "%.2f", h)).append(" | ");
            }
            b.append('\n');
        }
        if (r.meanDice() != null) {
            b.append("| mean | ").append(" | ".repeat(r.universe().size())).append(" | ");
            for (double d : r.meanDice()) b.append(pct(d)).append(" | ");
            if (hd && r.meanHd95() != null) for (double h : r.meanHd95()) b.append(String.format(Locale.ROOT, "%.2f", h)).append(" | ");
            b.append('\n');
        }
        long unavailable = r.rows().stream().filter(x -> x.dice() == null).count();
        b.append("\nMean over the ").append(r.rows().size() - unavailable).append(" subsets that could be evaluated; ")
                .append(unavailable).append(" subset(s) unavailable (a modality the model or every case lacks).\n");
        b.append("Dice = 1 when prediction and ground truth are both empty (BraTS convention). HD95 in ")
                .append(r.hd95Unit() == SegEvaluation.DistanceUnit.MM ? "mm (each case's voxel spacing from its NIfTI header)" : "voxels")
                .append(", ").append(RegionMetrics.HD95_ONE_EMPTY).append(" when exactly one of them is empty.\n\n");
        b.append("![Dice heat map](").append(HEATMAP).append(")\n\n## Per case\n\n| case | subset | WT | TC | ET |\n|---|---|---|---|---|\n");
        for (SegEvaluation.CaseScore s : r.scores()) {
            if (!s.available()) continue;
            b.append("| ").append(s.caseId()).append(" | ").append(ModalitySubsets.name(s.subset(), r.universe())).append(" | ");
            for (double d : s.dice()) b.append(pct(d)).append(" | ");
            b.append('\n');
        }
        return b.toString();
    }

    private static String pct(double d) {
        return String.format(Locale.ROOT, "%.2f", 100 * d);
    }

    /** A subsets × regions heat map of Dice (white = 0 … dark green = 1, grey = unavailable) as PNG bytes. */
    static byte[] heatmap(SegEvaluation.Result r, String title) throws IOException {
        int rows = r.rows().size();
        int cell = 44;
        int rowH = 24;
        int left = 40 + 22 * r.universe().size();
        int top = 56;
        int w = left + 3 * cell * 2 + 20;
        int h = top + rowH * (rows + 1) + 30;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, w, h);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
            g.drawString(title.length() > 60 ? title.substring(0, 60) : title, 8, 18);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            for (int i = 0; i < r.universe().size(); i++) g.drawString(abbrev(r.universe().get(i)), 34 + 22 * i, top - 6);
            int cw = cell * 2;
            for (int c = 0; c < 3; c++) g.drawString("Dice " + SegEvaluation.REGIONS[c], left + c * cw + 20, top - 6);
            for (int i = 0; i <= rows; i++) {
                SegEvaluation.Row row = i < rows ? r.rows().get(i) : null;
                double[] dice = row == null ? r.meanDice() : row.dice();
                int y = top + i * rowH;
                g.setColor(Color.BLACK);
                g.drawString(row == null ? "mean" : String.valueOf(row.index()), 6, y + 16);
                if (row != null) {
                    for (int k = 0; k < r.universe().size(); k++) g.drawString(String.valueOf(row.dots().charAt(k)), 38 + 22 * k, y + 16);
                }
                for (int c = 0; c < 3; c++) {
                    int x = left + c * cw;
                    g.setColor(dice == null ? new Color(200, 200, 200) : shade(dice[c]));
                    g.fillRect(x, y, cw, rowH);
                    g.setColor(Color.GRAY);
                    g.setStroke(new BasicStroke(1));
                    g.drawRect(x, y, cw, rowH);
                    g.setColor(dice != null && dice[c] > 0.6 ? Color.WHITE : Color.BLACK);
                    g.drawString(dice == null ? "n/a" : pct(dice[c]), x + 28, y + 16);
                }
            }
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageIO.write(img, "png", bytes);
        return bytes.toByteArray();
    }

    private static String abbrev(String m) {
        return m.length() > 3 ? m.substring(0, 3) : m;
    }

    private static Color shade(double v) {
        double t = Math.max(0, Math.min(1, v));
        return new Color((int) (255 - 235 * t), (int) (255 - 135 * t), (int) (255 - 215 * t));
    }
}
