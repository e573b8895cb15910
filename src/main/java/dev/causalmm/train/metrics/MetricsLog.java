package dev.causalmm.train.metrics;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.causalmm.io.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A run's metric files in one folder, as Lightning's loggers write them: {@code hparams.yaml} (the
 * run's configuration, written when the log opens) and, per {@link MetricsLoggers}, {@code metrics.csv}
 * and a TensorBoard event file, each flushed after every row so they grow while the run goes on and
 * a crash keeps the rows so far. With {@link MetricsLoggers#NONE} nothing is written.
 *
 * <p>Resuming: {@code resumeStep} is the last step of the checkpoint the run continues from; rows
 * after it (written after that checkpoint, before the crash) are dropped, so the files hold each
 * step once. A fresh start ({@code resumeStep < 0}) replaces earlier files.
 */
public final class MetricsLog implements AutoCloseable {
    public static final String CSV_FILE = CsvMetricsWriter.FILE;
    public static final String HPARAMS_FILE = "hparams.yaml";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));
    private final List<MetricsSink> sinks;

    private MetricsLog(List<MetricsSink> sinks) {
        this.sinks = sinks;
    }

    public static MetricsLog open(Path dir, MetricsLoggers loggers, ObjectNode hparams, long resumeStep) throws IOException {
        if (loggers.isEmpty()) return new MetricsLog(List.of());
        Files.createDirectories(dir);
        String yaml = YAML.writeValueAsString(hparams);
        Path hp = dir.resolve(HPARAMS_FILE);
        if (!Files.exists(hp) || !Files.readString(hp, StandardCharsets.UTF_8).equals(yaml)) AtomicFiles.writeString(hp, yaml);
        List<MetricsSink> sinks = new ArrayList<>();
        try {
            if (loggers.has(MetricsLoggers.Kind.CSV)) sinks.add(CsvMetricsWriter.open(dir, resumeStep));
            if (loggers.has(MetricsLoggers.Kind.TENSORBOARD)) sinks.add(TensorBoardWriter.open(dir, resumeStep));
        } catch (IOException | RuntimeException e) {
            for (MetricsSink s : sinks) s.close();
            throw e;
        }
        return new MetricsLog(List.copyOf(sinks));
    }

    /** Appends {@code row} to every file and flushes it. */
    public void log(MetricsRow row) {
        for (MetricsSink s : sinks) {
            try {
                s.write(row);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write metrics to " + s + ": " + AtomicFiles.describe(e), e);
            }
        }
    }

    @Override
    public void close() {
        IOException first = null;
        for (MetricsSink s : sinks) {
            try {
                s.close();
            } catch (IOException e) {
                if (first == null) first = e;
            }
        }
        if (first != null) throw new UncheckedIOException("cannot close the metric files: " + first.getMessage(), first);
    }
}
