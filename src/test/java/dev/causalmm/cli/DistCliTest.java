package dev.causalmm.cli;

import dev.causalmm.experiment.Failure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.causalmm.dist.Launcher;
import dev.causalmm.io.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --nproc 2} end to end (two worker JVMs over Gloo; rank 0 writes results.json with the
 * world size and backend), taken over by a single process with the same global batch; bad
 * torchrun-style environments end with a message naming the variable.
 */
class DistCliTest {
    @TempDir Path dir;

    static final String[] DATA = {"--train-size", "201", "--val-size", "40", "--test-size", "40", "--regularizer", "c3r", "--no-progress"};

    static String[] args(Path out, String... more) {
        List<String> a = new java.util.ArrayList<>(List.of("train", "--out", out.toString()));
        a.addAll(List.of(DATA));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    @Test
    void twoProcessesThenResumedByOne() throws Exception {
        Path out = dir.resolve("run");
        String log = Cli.run(0, args(out, "--nproc", "2", "--epochs", "2", "--batch-size", "16"));
        assertTrue(log.contains("[rank 0] ") && log.contains("[rank 1] rank 1 of 2 done"), log);
        JsonNode r2 = Json.MAPPER.readTree(out.resolve("results.json").toFile());
        assertEquals(2, r2.at("/distributed/worldSize").asInt());
        assertEquals("gloo", r2.at("/distributed/backend").asText());
        assertEquals(32, r2.at("/config/batchSize").asInt(), "config holds the global batch");
        assertEquals(2, r2.at("/runs/0/epochs").size());

        // one process, same global batch: accepts the 2-process checkpoint (at its last epoch: nothing left to train)
        Cli.run(0, args(out, "--epochs", "2", "--batch-size", "32"));
        JsonNode r1 = Json.MAPPER.readTree(out.resolve("results.json").toFile());
        assertEquals(1, r1.at("/distributed/worldSize").asInt());
        assertEquals("none", r1.at("/distributed/backend").asText());
        assertEquals(r2.at("/runs/0/epochs"), r1.at("/runs/0/epochs"), "the history comes from the checkpoint, not from retraining");
        // another global batch is another training: refused
        String refused = Cli.run(2, args(out, "--epochs", "2", "--batch-size", "16"));
        assertTrue(refused.contains("differs in batchSize"), refused);
    }

    @Test
    void badEnvironmentNamesTheVariable() throws Exception {
        assertEquals("causalmm: RANK='abc' is not a whole number",
                runWithEnv(Map.of("RANK", "abc", "WORLD_SIZE", "2", "MASTER_ADDR", "127.0.0.1", "MASTER_PORT", "29500")));
        assertEquals("causalmm: MASTER_PORT=99999 is out of range (1..65535)",
                runWithEnv(Map.of("RANK", "0", "WORLD_SIZE", "2", "MASTER_ADDR", "127.0.0.1", "MASTER_PORT", "99999")));
        assertTrue(runWithEnv(Map.of("RANK", "0", "WORLD_SIZE", "2", "MASTER_ADDR", "127.0.0.1", "MASTER_PORT", "29500"), "--nproc", "2")
                .startsWith("causalmm: --nproc 2 starts its own workers, but RANK/WORLD_SIZE are already set"));
    }

    @Test
    void aWorkerJoinedThroughTheEnvironmentStopsWithStatus4WhenItsPeerDies() throws Exception {
        int port = Launcher.freePort();
        List<Process> ps = new java.util.ArrayList<>();
        StringBuffer out0 = new StringBuffer();
        java.util.concurrent.CountDownLatch training = new java.util.concurrent.CountDownLatch(1);
        try {
            for (int r = 0; r < 2; r++) {
                List<String> cmd = new java.util.ArrayList<>(Launcher.javaCommand(Main.class.getName(),
                        List.of(args(dir.resolve("peer"), "--epochs", "1000", "--batch-size", "16", "--dist-timeout", "20"))));
                cmd.add(1, "-Dorg.slf4j.simpleLogger.log.causalmm.train=info");
                ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
                pb.environment().putAll(dev.causalmm.dist.DistEnv.forLocalWorker(r, 2, "127.0.0.1", port));
                pb.environment().put("CAUSALMM_THREADS", "1");
                ps.add(pb.start());
            }
            Process p0 = ps.get(0);
            Thread.ofPlatform().daemon().start(() -> {
                try (var rd = new java.io.BufferedReader(new java.io.InputStreamReader(p0.getInputStream()))) {
                    for (String line; (line = rd.readLine()) != null; ) {
                        out0.append(line).append('\n');
                        if (line.contains("epoch 2:")) training.countDown();
                    }
                } catch (java.io.IOException ignored) {
                    // killed
                }
            });
            assertTrue(training.await(90, TimeUnit.SECONDS), "rank 0 never reached epoch 2: " + out0);
            ps.get(1).destroyForcibly();
            assertTrue(p0.waitFor(30, TimeUnit.SECONDS), "rank 0 still running: " + out0);
            assertEquals(Failure.PEER_FAILED.exitCode, p0.exitValue(), out0.toString());
            assertTrue(out0.toString().contains("causalmm: rank 0 of 2: "), out0.toString());
        } finally {
            ps.forEach(Process::destroyForcibly);
        }
    }

    /** Runs {@code train} in a fresh JVM with {@code env}; expects exit status 2 and returns the last line of its output. */
    private String runWithEnv(Map<String, String> env, String... more) throws Exception {
        List<String> a = new java.util.ArrayList<>(List.of(args(dir.resolve("bad"), "--epochs", "1")));
        a.addAll(List.of(more));
        ProcessBuilder pb = new ProcessBuilder(Launcher.javaCommand(Main.class.getName(), a)).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue(), output);
        assertTrue(Files.notExists(dir.resolve("bad").resolve("results.json")));
        List<String> lines = output.lines().filter(l -> l.startsWith("causalmm:")).toList();
        return lines.isEmpty() ? output : lines.getLast();
    }
}
