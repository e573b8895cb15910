package dev.causalmm.train.metrics;

import java.io.Closeable;
import java.io.IOException;

/** One output format of a {@link MetricsLog}; every write reaches the file before it returns (flushed). */
sealed interface MetricsSink extends Closeable permits CsvMetricsWriter, TensorBoardWriter {
    void write(MetricsRow row) throws IOException;
}
