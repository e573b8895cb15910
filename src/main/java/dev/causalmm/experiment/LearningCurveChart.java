package dev.causalmm.experiment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Draws learning curves (mean over seeds per epoch) and bar charts to PNG files with XChart, written atomically. */
final class LearningCurveChart {
    private LearningCurveChart() {}

    /**
     * @param seriesByName per model, its runs; each run a list of per-epoch values
     */
    public static void write(Path png, String title, String yLabel, Map<String, List<double[]>> seriesByName) throws IOException {
        XYChart chart = new XYChartBuilder().width(800).height(480).title(title).xAxisTitle("epoch").yAxisTitle(yLabel).build();
        chart.getStyler().setLegendVisible(true);
        for (var e : seriesByName.entrySet()) {
            double[] mean = meanOverRuns(e.getValue());
            double[] x = new double[mean.length];
            for (int i = 0; i < x.length; i++) x[i] = i + 1;
            chart.addSeries(e.getKey(), x, mean).setMarker(SeriesMarkers.CIRCLE);
        }
        save(chart, png);
    }

    /** One line per series over shared x values (e.g. accuracy against noise level). */
    public static void writeLines(Path png, String title, String xLabel, String yLabel, double[] x, Map<String, double[]> series) throws IOException {
        XYChart chart = new XYChartBuilder().width(800).height(480).title(title).xAxisTitle(xLabel).yAxisTitle(yLabel).build();
        chart.getStyler().setLegendVisible(true);
        for (var e : series.entrySet()) chart.addSeries(e.getKey(), x, e.getValue()).setMarker(SeriesMarkers.CIRCLE);
        save(chart, png);
    }

    /** A grouped bar chart: one group per category, one bar per series (e.g. dCor per factor per model). */
    public static void writeBars(Path png, String title, String yLabel, List<String> categories, Map<String, double[]> series) throws IOException {
        org.knowm.xchart.CategoryChart chart = new org.knowm.xchart.CategoryChartBuilder().width(800).height(480).title(title)
                .xAxisTitle("").yAxisTitle(yLabel).build();
        chart.getStyler().setLegendVisible(true);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(1.0);
        for (var e : series.entrySet()) {
            List<Double> ys = new ArrayList<>();
            for (double v : e.getValue()) ys.add(v);
            chart.addSeries(e.getKey(), categories, ys);
        }
        save(chart, png);
    }

    private static void save(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart, Path png) throws IOException {
        Path tmp = Files.createTempFile(png.toAbsolutePath().getParent(), ".chart", "");
        try {
            BitmapEncoder.saveBitmap(chart, tmp.toString(), BitmapEncoder.BitmapFormat.PNG);
            Files.move(Path.of(tmp + ".png"), png, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
            Files.deleteIfExists(Path.of(tmp + ".png"));
        }
    }

    static double[] meanOverRuns(List<double[]> runs) {
        int n = runs.stream().mapToInt(r -> r.length).min().orElse(0);
        double[] m = new double[n];
        for (double[] r : runs) for (int i = 0; i < n; i++) m[i] += r[i] / runs.size();
        return m;
    }
}
