package dev.causalmm.cli;

import static dev.causalmm.cli.Cli.run;
import static org.junit.jupiter.api.Assertions.*;

import dev.causalmm.train.metrics.EventFileReader;
import dev.causalmm.train.metrics.MetricsFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --logger}: train and experiment write metric files beside each seed's checkpoints, and re-runs resume them. */
class MetricsCliTest {
    static String[] train(Path out, String... more) {
        List<String> a = new java.util.ArrayList<>(List.of("train", "--out", out.toString(), "--epochs", "2", "--batch-size", "100",
                "--train-size", "300", "--val-size", "50", "--test-size", "50", "--no-progress"));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    @Test
    void trainWritesMetricsForEverySeedAndTheSameCommandResumesWithoutRepeatingRows(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("run");
        run(0, train(out, "--seed", "1,2", "--logger", "csv,tensorboard"));
        for (int seed = 1; seed <= 2; seed++) {
            Path d = out.resolve("checkpoints/late-fusion-seed" + seed);
            assertEquals(List.of(3L, 6L), MetricsFiles.csv(d).steps());
            List<EventFileReader.Event> ev = MetricsFiles.events(d);
            assertEquals(List.of(3L, 6L), ev.stream().skip(1).map(EventFileReader.Event::step).toList());
            assertEquals(Float.parseFloat(MetricsFiles.csv(d).cell(1, "val/acc")), ev.get(2).scalars().get("val/acc"));
            String hp = Files.readString(d.resolve("hparams.yaml"));
            assertTrue(hp.contains("run: late-fusion\n") && hp.contains("seed: " + seed + "\n") && hp.contains("dataset: mmlsyn"), hp);
            assertFalse(hp.contains("c3r:") || hp.contains("imml:"), "only the regulariser in use has a section: " + hp);
        }
        Path seed1 = out.resolve("checkpoints/late-fusion-seed1");
        String csv = Files.readString(seed1.resolve("metrics.csv"));
        byte[] events = Files.readAllBytes(MetricsFiles.eventFiles(seed1).getFirst());
        run(0, train(out, "--seed", "1,2", "--logger", "csv,tensorboard"));
        assertEquals(csv, Files.readString(seed1.resolve("metrics.csv")), "a finished run's rows are kept as they are");
        assertArrayEquals(events, Files.readAllBytes(MetricsFiles.eventFiles(seed1).getFirst()));
    }

    @Test
    void csvIsTheDefaultAndNoneWritesNoMetricFiles(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("run");
        run(0, train(out));
        Path d = out.resolve("checkpoints/late-fusion-seed1");
        assertEquals(2, MetricsFiles.csv(d).rows().size());
        assertEquals(List.of(), MetricsFiles.eventFiles(d));
        Path none = dir.resolve("none");
        run(0, train(none, "--logger", "none"));
        Path n = none.resolve("checkpoints/late-fusion-seed1");
        assertTrue(Files.exists(n.resolve("model.ckpt")));
        assertFalse(Files.exists(n.resolve("metrics.csv")) || Files.exists(n.resolve("hparams.yaml")));
    }

    @Test
    void anUnknownLoggerIsRefusedBeforeAnythingIsWritten(@TempDir Path dir) {
        Path out = dir.resolve("run");
        String o = run(2, train(out, "--logger", "csv,wandb"));
        assertTrue(o.startsWith("causalmm: ") && o.contains("--logger: unknown logger 'wandb' (csv, tensorboard, or none)"), o);
        assertFalse(Files.exists(out), "nothing written");
    }

    @Test
    void everyExperimentCellWritesItsSeedsMetrics(@TempDir Path dir) throws Exception {
        Path cfg = Files.writeString(dir.resolve("g.json"), """
                {"name": "g", "models": ["late-fusion", "concat"], "regularizers": ["none"], "seeds": [1], "noise": [0],
                 "epochs": 1, "batchSize": 100, "mmlsyn": {"trainSize": 300, "valSize": 50, "testSize": 50}}
                """);
        Path out = dir.resolve("out");
        run(0, "experiment", "--config", cfg.toString(), "--out", out.toString(), "--logger", "tensorboard", "--no-progress");
        for (String cell : new String[] {"late-fusion", "concat"}) {
            Path d = out.resolve("cells/" + cell + "/checkpoints/" + cell + "-seed1");
            List<EventFileReader.Event> ev = MetricsFiles.events(d);
            assertEquals(List.of(3L), ev.stream().skip(1).map(EventFileReader.Event::step).toList(), cell);
            assertTrue(ev.get(1).scalars().keySet().containsAll(List.of("train/loss", "val/acc", "lr", "samples_per_sec")), cell);
            assertFalse(Files.exists(d.resolve("metrics.csv")), "tensorboard alone");
            assertTrue(Files.readString(d.resolve("hparams.yaml")).contains("model: " + cell + "\n"), cell);
        }
    }
}
