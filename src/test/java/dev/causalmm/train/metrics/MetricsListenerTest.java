package dev.causalmm.train.metrics;

import static org.junit.jupiter.api.Assertions.*;

import dev.causalmm.baselines.LateFusion;
import dev.causalmm.causal.C3R;
import dev.causalmm.causal.C3RConfig;
import dev.causalmm.data.MMLSynConfig;
import dev.causalmm.data.MMLSynData;
import dev.causalmm.io.Json;
import dev.causalmm.nn.EncoderConfig;
import dev.causalmm.nn.MultimodalModel;
import dev.causalmm.train.EpochMetrics;
import dev.causalmm.train.TrainConfig;
import dev.causalmm.train.TrainResult;
import dev.causalmm.train.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real {@link Trainer} run writes metrics.csv, hparams.yaml and an event file that read back to its history. */
class MetricsListenerTest {
    static final MMLSynData.Splits DATA = MMLSynData.generate(MMLSynConfig.defaults(3).withSizes(600, 100, 100));
    static final MetricsLoggers BOTH = MetricsLoggers.parse("--logger", "csv,tensorboard");

    static TrainResult fit(Path dir, int epochs) {
        TrainConfig cfg = TrainConfig.defaults(epochs, 2).withBatchSize(100).withCheckpoints(dir, true);
        try (MultimodalModel m = new LateFusion(new int[] {20, 20}, 2, EncoderConfig.c3rPaper(), false, 2);
             C3R c3r = new C3R(C3RConfig.defaults());
             MetricsListener metrics = new MetricsListener(dir, BOTH, Json.object().put("model", "late-fusion"))) {
            return new Trainer(cfg).addListener(metrics).fit(m, c3r, DATA.train().dataset(), DATA.val().dataset());
        }
    }

    @Test
    void aTwoEpochRunWritesOneRowAndOneEventPerEpochWithItsHistory(@TempDir Path dir) throws Exception {
        TrainResult r = fit(dir, 2);
        MetricsFiles.Csv csv = MetricsFiles.csv(dir);
        List<String> terms = r.last().terms().keySet().stream().sorted().map(t -> "reg/" + t).toList();
        assertFalse(terms.isEmpty(), "C3R reports terms");
        assertEquals(List.of("step", "epoch", "train/loss", "train/acc", "val/loss", "val/acc", "lr"), csv.columns().subList(0, 7));
        assertEquals(terms, csv.columns().subList(7, 7 + terms.size()));
        assertEquals(List.of("samples_per_sec", "wall_time"), csv.columns().subList(7 + terms.size(), csv.columns().size()));
        assertEquals(List.of(6L, 12L), csv.steps(), "step = optimizer steps so far: 600 rows / batch 100 per epoch");
        List<EventFileReader.Event> events = MetricsFiles.events(dir);
        assertEquals(3, events.size());
        assertEquals("brain.Event:2", events.getFirst().fileVersion());
        for (int e = 0; e < 2; e++) {
            EpochMetrics m = r.history().get(e);
            assertEquals(String.valueOf(e + 1), csv.cell(e, "epoch"), "counted from 1, as in results.json");
            assertEquals(m.trainLoss(), Double.parseDouble(csv.cell(e, "train/loss")), "exact: the csv round-trips doubles");
            assertEquals(m.valAccuracy(), Double.parseDouble(csv.cell(e, "val/acc")));
            assertEquals(m.learningRate(), Double.parseDouble(csv.cell(e, "lr")));
            assertEquals(m.samplesPerSecond(), Double.parseDouble(csv.cell(e, "samples_per_sec")));
            for (String t : m.terms().keySet()) assertEquals(m.terms().get(t), Double.parseDouble(csv.cell(e, "reg/" + t)), t);
            EventFileReader.Event ev = events.get(e + 1);
            assertEquals(6L * (e + 1), ev.step());
            assertEquals((float) (e + 1), ev.scalars().get("epoch"));
            assertEquals((float) m.trainLoss(), ev.scalars().get("train/loss"));
            assertEquals((float) m.trainAccuracy(), ev.scalars().get("train/acc"));
            assertEquals((float) m.valLoss(), ev.scalars().get("val/loss"));
            assertEquals((float) m.valAccuracy(), ev.scalars().get("val/acc"));
            assertEquals((float) m.learningRate(), ev.scalars().get("lr"));
            for (String t : m.terms().keySet()) assertEquals(m.terms().get(t).floatValue(), ev.scalars().get("reg/" + t), t);
            assertEquals(Double.parseDouble(csv.cell(e, "wall_time")), ev.wallTime(), 1e-3);
            assertEquals(System.currentTimeMillis() / 1000.0, ev.wallTime(), 600, "Unix seconds");
        }
        String hp = Files.readString(dir.resolve("hparams.yaml"));
        assertTrue(hp.contains("model: late-fusion") && hp.contains("trainer:") && hp.contains("epochs: 2") && hp.contains("batchSize: 100")
                && hp.contains("lr: 0.001") && hp.contains("kind: constant") && hp.contains("loggers: \"csv,tensorboard\""), hp);
    }

    @Test
    void resumingContinuesTheFilesWithoutRepeatingAStep(@TempDir Path dir) throws Exception {
        fit(dir, 2);
        // a crash after epoch 3's row but before its checkpoint: the row is past the checkpoint
        Files.writeString(dir.resolve("metrics.csv"), Files.readString(dir.resolve("metrics.csv")).lines().toList().getLast()
                .replaceFirst("^12,2,", "18,3,") + "\n", java.nio.file.StandardOpenOption.APPEND);
        TrainResult r = fit(dir, 3);
        assertEquals(1, r.resumedFrom());
        MetricsFiles.Csv csv = MetricsFiles.csv(dir);
        assertEquals(List.of(6L, 12L, 18L), csv.steps());
        assertEquals(r.history().get(2).trainLoss(), Double.parseDouble(csv.cell(2, "train/loss")), "epoch 3's row is the resumed run's");
        assertEquals(List.of(6L, 12L, 18L), MetricsFiles.events(dir).stream().skip(1).map(EventFileReader.Event::step).toList());
        long size = Files.size(dir.resolve("metrics.csv"));
        fit(dir, 3); // nothing left to train
        assertEquals(size, Files.size(dir.resolve("metrics.csv")));
        assertEquals(4, MetricsFiles.events(dir).size());
    }
}
