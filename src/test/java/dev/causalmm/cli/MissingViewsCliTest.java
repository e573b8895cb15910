package dev.causalmm.cli;

import static dev.causalmm.cli.Cli.run;
import static dev.causalmm.io.TestFiles.*;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.causalmm.io.Json;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An incomplete multi-view file trains from the command line and reports accuracy per missing pattern. */
class MissingViewsCliTest {
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    static final int N = 90;
    @TempDir Path dir;

    /** d×n view whose first feature carries the class; every 4th sample (offset {@code off}) lacks it (all NaN). */
    static double[] view(int d, int off) {
        double[] v = new double[d * N];
        for (int s = 0; s < N; s++) {
            for (int f = 0; f < d; f++) v[s * d + f] = s % 3 * (f == 0 ? 4 : 0) + (s * 7 + f * 5) % 11 / 11.0;
            if (s % 4 == off) for (int f = 0; f < d; f++) v[s * d + f] = Double.NaN;
        }
        return v;
    }

    @Test
    void incompleteFileTrainsAndReportsPerPatternAccuracy() throws Exception {
        double[] y = new double[N];
        for (int i = 0; i < N; i++) y[i] = 1 + i % 3;
        Path f = dir.resolve("incomplete.mat");
        Files.write(f, mat(LE, true, matrix(LE, "data", CELL, 0, 0, new int[] {2, 1}, numeric(LE, "", DOUBLE, MI_DOUBLE, new int[] {5, N}, view(5, 1)),
                        numeric(LE, "", DOUBLE, MI_DOUBLE, new int[] {3, N}, view(3, 2))),
                matrix(LE, "truelabel", CELL, 0, 0, new int[] {2, 1}, numeric(LE, "", DOUBLE, MI_DOUBLE, new int[] {N, 1}, y),
                        numeric(LE, "", DOUBLE, MI_DOUBLE, new int[] {N, 1}, y))));
        for (String model : new String[] {"late-fusion", "tmc"}) {
            Path out = dir.resolve(model);
            String text = run(0, "train", "--dataset", f.toString(), "--model", model, "--epochs", "3", "--seed", "1", "--out", out.toString(),
                    "--no-progress", "--nan-policy", "ERROR");
            assertTrue(text.contains("samples lack a view"), text);
            JsonNode r = Json.MAPPER.readTree(out.resolve("results.json").toFile());
            JsonNode p = r.at("/runs/0/final/test/byMissingPattern");
            assertTrue(p.has("complete") && p.has("view1") && p.has("view2"), p.toString());
            int samples = 0;
            for (JsonNode g : p) samples += g.get("samples").asInt();
            assertEquals(r.at("/config/data/sizes/test").asInt(), samples);
            assertEquals(p.get("complete").get("accuracy").asDouble(), r.at("/final/test/byMissingPattern/complete/accuracy").asDouble(), 1e-12,
                    "one seed: the mean over seeds is that run's");
            assertEquals(N / 2, r.at("/config/data/missingViews/incompleteSamples").asInt(), "every 4th sample lacks view 1, another 4th view 2");
        }
    }
}
