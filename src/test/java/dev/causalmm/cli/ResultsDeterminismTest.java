package dev.causalmm.cli;

import static dev.causalmm.cli.Cli.run;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.causalmm.io.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 20 item 7: the same command writes the same results.json, byte for byte, but for its clock readings. */
class ResultsDeterminismTest {
    /** The file's text with the creation time and the measured seconds blanked (they are clock readings, not results). */
    private static String withoutClock(Path results) throws Exception {
        return Files.readString(results)
                .replaceAll("\"created\" : \"[^\"]*\"", "\"created\" : \"0\"")
                .replaceAll("(\"[A-Za-z]*(Seconds|PerSecond|seconds)\" : )[-0-9.E]+", "$10");
    }

    @Test
    void theSameTrainingOnAFeatureFileWritesTheSameResultsTwice(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("rows.csv");
        StringBuilder s = new StringBuilder("a,b,c,label\n");
        for (int i = 0; i < 60; i++) s.append(i % 7).append(',').append(i % 5).append(',').append(i % 3).append(',').append(i % 2).append('\n');
        Files.writeString(csv, s);
        String[] common = {"train", "--dataset", csv.toString(), "--epochs", "1", "--seed", "1", "--no-progress", "--out"};
        List<String> a = new ArrayList<>(List.of(common));
        a.add(dir.resolve("a").toString());
        List<String> b = new ArrayList<>(List.of(common));
        b.add(dir.resolve("b").toString());
        run(0, a.toArray(String[]::new));
        run(0, b.toArray(String[]::new));
        String first = withoutClock(dir.resolve("a/results.json")).replace(dir.resolve("a").toString(), "OUT");
        String second = withoutClock(dir.resolve("b/results.json")).replace(dir.resolve("b").toString(), "OUT");
        assertEquals(first, second);
        // Map.of's order changes from one JVM to the next: the keys keep the order they are written in
        JsonNode sizes = Json.MAPPER.readTree(first).at("/config/data/sizes");
        List<String> keys = new ArrayList<>();
        sizes.fieldNames().forEachRemaining(keys::add);
        assertEquals(List.of("train", "val", "test"), keys);
        List<String> view = new ArrayList<>();
        Json.MAPPER.readTree(first).at("/config/data/views/0").fieldNames().forEachRemaining(view::add);
        assertEquals(List.of("name", "dim"), view);
    }
}
