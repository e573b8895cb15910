package dev.causalmm.train.metrics;

import static org.junit.jupiter.api.Assertions.*;

import dev.causalmm.io.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsLogTest {
    static final MetricsLoggers BOTH = MetricsLoggers.parse("--logger", "csv,tensorboard");

    static MetricsRow row(long step, double loss) {
        Map<String, Double> v = new LinkedHashMap<>();
        v.put("train/loss", loss);
        v.put("val/acc", Double.NaN);
        v.put("lr", 1e-4);
        return new MetricsRow(step, OptionalInt.of((int) step - 1), new LinkedHashMap<>(v), 1_765_000_000.25 + step);
    }

    static void write(Path dir, long resumeStep, long... steps) throws IOException {
        try (MetricsLog log = MetricsLog.open(dir, BOTH, Json.object().put("model", "late-fusion"), resumeStep)) {
            for (long s : steps) log.log(row(s, 1.0 / s));
        }
    }

    @Test
    void crc32cMatchesTheKnownVectorAndTheMaskIsTensorFlows() {
        byte[] v = "123456789".getBytes(StandardCharsets.US_ASCII);
        CRC32C c = new CRC32C();
        c.update(v);
        assertEquals(0xE3069283L, c.getValue());
        assertEquals(EventFileReader.mask(0xE3069283), TfRecords.maskedCrc(v, 0, v.length));
        // TensorFlow's masked_crc32c: ((crc >> 15) | (crc << 17)) + 0xa282ead8, in uint32 arithmetic
        long crc = 0xE3069283L;
        long masked = (((crc >>> 15) | (crc << 17)) + 0xa282ead8L) & 0xFFFFFFFFL;
        assertEquals(masked, Integer.toUnsignedLong(TfRecords.maskedCrc(v, 0, v.length)));
    }

    @Test
    void csvHasOneRowPerLogWithEmptyCellsForUnmeasuredValues(@TempDir Path dir) throws IOException {
        write(dir, -1, 10, 20);
        MetricsFiles.Csv csv = MetricsFiles.csv(dir);
        assertEquals(List.of("step", "epoch", "train/loss", "val/acc", "lr", "wall_time"), csv.columns());
        assertEquals(List.of(10L, 20L), csv.steps());
        assertEquals("9", csv.cell(0, "epoch"));
        assertEquals(0.05, Double.parseDouble(csv.cell(1, "train/loss")));
        assertEquals("", csv.cell(0, "val/acc"), "NaN is an empty cell");
        assertEquals(1e-4, Double.parseDouble(csv.cell(0, "lr")));
        assertEquals(1_765_000_010.25, Double.parseDouble(csv.cell(0, "wall_time")), 1e-3);
        String hp = Files.readString(dir.resolve("hparams.yaml"));
        assertTrue(hp.contains("model: \"late-fusion\"") || hp.contains("model: late-fusion"), hp);
    }

    @Test
    void eventFileHoldsTheVersionHeaderThenOneEventPerRowReadBackIndependently(@TempDir Path dir) throws IOException {
        write(dir, -1, 10, 20);
        Path file = MetricsFiles.eventFiles(dir).getFirst();
        assertTrue(file.getFileName().toString().matches("events\\.out\\.tfevents\\.\\d{10}\\.[A-Za-z0-9._-]+"), file.toString());
        List<EventFileReader.Event> ev = EventFileReader.read(file);
        assertEquals(3, ev.size());
        assertEquals("brain.Event:2", ev.get(0).fileVersion());
        assertNull(ev.get(0).step());
        assertEquals(10L, ev.get(1).step());
        assertEquals(1_765_000_010.25, ev.get(1).wallTime());
        assertEquals(Map.of("epoch", 9f, "train/loss", 0.1f, "lr", 1e-4f), ev.get(1).scalars(), "NaN values are left out");
        assertEquals(List.of("epoch", "train/loss", "lr"), List.copyOf(ev.get(2).scalars().keySet()));
        assertEquals(0.05f, ev.get(2).scalars().get("train/loss"));
    }

    @Test
    void resumingDropsRowsPastTheResumedStepAndTornTails(@TempDir Path dir) throws IOException {
        write(dir, -1, 1, 2, 3, 4);
        Path events = MetricsFiles.eventFiles(dir).getFirst();
        Files.write(events, new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND); // a record torn by a crash
        Files.writeString(dir.resolve("metrics.csv"), "5,4,0.2", java.nio.file.StandardOpenOption.APPEND);
        write(dir, 2, 3, 4, 5);
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), MetricsFiles.csv(dir).steps());
        List<EventFileReader.Event> ev = MetricsFiles.events(dir);
        assertEquals("brain.Event:2", ev.getFirst().fileVersion());
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), ev.stream().skip(1).map(EventFileReader.Event::step).toList());
        assertEquals(1f / 3, ev.get(3).scalars().get("train/loss"));
    }

    @Test
    void resumingWithNothingToDropAppendsToTheSameFiles(@TempDir Path dir) throws IOException {
        write(dir, -1, 1, 2);
        Path events = MetricsFiles.eventFiles(dir).getFirst();
        long size = Files.size(events);
        write(dir, 2);
        assertEquals(List.of(events), MetricsFiles.eventFiles(dir));
        assertEquals(size, Files.size(events), "a re-run with nothing left to train adds nothing");
        assertEquals(List.of(1L, 2L), MetricsFiles.csv(dir).steps());
    }

    @Test
    void aFreshStartReplacesEarlierFiles(@TempDir Path dir) throws IOException {
        write(dir, -1, 1, 2, 3);
        Files.writeString(dir.resolve("events.out.tfevents.1.otherhost"), "stale");
        write(dir, -1, 1);
        assertEquals(List.of(1L), MetricsFiles.csv(dir).steps());
        assertEquals(2, MetricsFiles.events(dir).size(), "header + one row, earlier event files deleted");
    }

    @Test
    void loggerNoneWritesNothingAndBadNamesAreRefused(@TempDir Path dir) throws IOException {
        try (MetricsLog log = MetricsLog.open(dir.resolve("run"), MetricsLoggers.parse("--logger", "none"), Json.object(), -1)) {
            log.log(row(1, 1));
        }
        assertFalse(Files.exists(dir.resolve("run")));
        assertEquals(MetricsLoggers.DEFAULT, MetricsLoggers.parse("--logger", "csv"));
        assertEquals("csv,tensorboard", MetricsLoggers.parse("--logger", " TensorBoard ,csv").toString());
        var e = assertThrows(IllegalArgumentException.class, () -> MetricsLoggers.parse("--logger", "csv,wandb"));
        assertEquals("--logger: unknown logger 'wandb' (csv, tensorboard, or none)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> MetricsLoggers.parse("--logger", "none,csv"));
        assertThrows(IllegalArgumentException.class, () -> MetricsLoggers.parse("--logger", ""));
    }
}
