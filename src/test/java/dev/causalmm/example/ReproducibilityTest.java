package dev.causalmm.example;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java API is reproducible across processes (issue 9, item 7): {@link SeededRun} — a model
 * built with a seed, C3R, two epochs with the same trainer seed — prints the same parameters,
 * metrics and logits, bit for bit, in two separate JVMs, and a different seed prints different
 * initial weights. Before models took a seed their initial weights came from LibTorch's global
 * generator, seeded differently in every process, and this test failed.
 */
class ReproducibilityTest {

    @Test
    void sameCodeAndSeedGiveIdenticalNumbersInTwoProcesses(@TempDir Path dir) throws Exception {
        List<String> first = runInNewJvm(dir, "first", 7);
        List<String> second = runInNewJvm(dir, "second", 7);
        assertTrue(first.stream().anyMatch(l -> l.startsWith("logits ")), "the program ran to the end:\n" + String.join("\n", first));
        assertTrue(first.stream().filter(l -> l.startsWith("epoch ")).count() == 2, String.join("\n", first));
        assertEquals(first, second, "two processes running the same code with the same seed printed different numbers");

        List<String> other = runInNewJvm(dir, "other-seed", 8);
        assertNotEquals(line(first, "init model"), line(other, "init model"), "a different seed must give different initial weights");
        assertNotEquals(line(first, "logits"), line(other, "logits"));
    }

    private static String line(List<String> lines, String prefix) {
        return lines.stream().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow(() -> new AssertionError("no line " + prefix + " in " + lines));
    }

    /** Runs {@link SeededRun} in a fresh JVM with the test class path and surefire's JVM flags. */
    static List<String> runInNewJvm(Path dir, String name, long seed) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx1g", "--enable-native-access=ALL-UNNAMED",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", System.getProperty("java.class.path"),
                SeededRun.class.getName(), Long.toString(seed)));
        Path out = dir.resolve(name + ".out");
        Path err = dir.resolve(name + ".err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(240, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            fail(name + " run did not finish in 240 s; stderr:\n" + Files.readString(err));
        }
        List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), name + " run failed; stdout:\n" + String.join("\n", lines) + "\nstderr:\n" + Files.readString(err));
        return lines;
    }
}
