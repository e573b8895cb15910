package dev.causalmm.experiment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Draws learning curves (mean over seeds per epoch) to a PNG with XChart. */
public final class LearningCurveChart {
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
        Path tmp = Files.createTempFile(png.toAbsolutePath().getParent(), ".chart", "");
        try {
            BitmapEncoder.saveBitmap(chart, tmp.toString(), BitmapEncoder.BitmapFormat.PNG);
            Path written = Path.of(tmp + ".png");
            Files.move(written, png, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
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
