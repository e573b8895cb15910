package dev.causalmm.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.causalmm.train.Checkpoint;
import dev.causalmm.train.GradientSync;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two ranks on localhost over Gloo (two worker JVMs with one intra-op thread each): parameters stay
 * bit-identical across ranks after every step (checked inside the workers), the result equals one
 * process with the same global batch, a 2-rank checkpoint resumes in one process, and a worker that
 * dies or hangs makes the other stop with an error within the timeout.
 */
class DistributedTrainingTest {
    static final int EPOCHS = 3;
    static final int PER_RANK = 16;
    private static Map<String, float[]> reference;

    @TempDir Path dir;

    /** One process, batch 2 × PER_RANK, EPOCHS epochs: what the ranks must reproduce. */
    static synchronized Map<String, float[]> reference(Path dir) throws Exception {
        if (reference == null) {
            Path out = dir.resolve("reference.ckpt");
            DistWorker.train(GradientSync.LOCAL, EPOCHS, 2 * PER_RANK, null, out, new int[1]);
            reference = weights(out);
        }
        return reference;
    }

    @Test
    void twoRanksStayIdenticalAndMatchOneProcessWithTheGlobalBatch() throws Exception {
        Path out = dir.resolve("rank0.ckpt");
        List<Worker> ws = start(2, out, EPOCHS, 30, null);
        for (Worker w : ws) w.awaitSuccess(120);
        assertTrue(ws.get(1).output().contains("finished after " + (EPOCHS * 7) + " identical steps"), ws.get(1).output());
        assertClose(reference(dir), weights(out), 2e-5);
    }

    @Test
    void aTwoRankCheckpointResumesInOneProcess() throws Exception {
        Path ck = dir.resolve("checkpoints");
        List<Worker> ws = start(2, dir.resolve("partial.ckpt"), EPOCHS - 1, 30, ck);
        for (Worker w : ws) w.awaitSuccess(120);
        assertTrue(Files.exists(ck.resolve("last.ckpt")), "rank 0 writes last.ckpt");
        // world 1 takes over at epoch EPOCHS-1 with the same global batch
        Path out = dir.resolve("resumed.ckpt");
        DistWorker.train(GradientSync.LOCAL, EPOCHS, 2 * PER_RANK, ck, out, new int[1]);
        assertClose(reference(dir), weights(out), 2e-5);
    }

    @Test
    void aKilledWorkerStopsTheOtherWithinTheTimeout() throws Exception {
        int timeout = 10;
        List<Worker> ws = start(2, dir.resolve("never.ckpt"), 100_000, timeout, null);
        ws.get(0).awaitLine("started training", 60);
        long t0 = System.nanoTime();
        ws.get(1).process.destroyForcibly();
        int code = ws.get(0).awaitExit(timeout + 20);
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertNotEquals(0, code, ws.get(0).output());
        assertTrue(seconds < timeout + 5, "rank 0 took " + seconds + " s to stop");
        assertTrue(ws.get(0).output().contains("rank 0 of 2"), ws.get(0).output());
    }

    @Test
    void aHungWorkerStopsTheOtherAfterTheTimeout() throws Exception {
        int timeout = 4;
        List<Worker> ws = start(2, dir.resolve("never.ckpt"), 100_000, timeout, null);
        try {
            ws.get(0).awaitLine("started training", 60);
            long t0 = System.nanoTime();
            new ProcessBuilder("kill", "-STOP", Long.toString(ws.get(1).process.pid())).start().waitFor();
            int code = ws.get(0).awaitExit(timeout + 30);
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertNotEquals(0, code, ws.get(0).output());
            assertTrue(seconds >= timeout - 1 && seconds < timeout + 15, "rank 0 stopped after " + seconds + " s; output: " + ws.get(0).output());
            assertTrue(ws.get(0).output().contains("--dist-timeout"), ws.get(0).output());
        } finally {
            ws.get(1).process.destroyForcibly();
        }
    }

    // ------------------------------------------------------------------ helpers

    static Map<String, float[]> weights(Path ckpt) throws IOException {
        Checkpoint c = Checkpoint.read(ckpt);
        Map<String, float[]> w = new java.util.LinkedHashMap<>();
        try (var s = dev.causalmm.engine.TensorScope.open("w")) {
            c.shapes().forEach((k, shape) -> {
                var t = dev.causalmm.engine.Tensor.zeros(shape);
                c.restoreInto(Map.of(k, t), ckpt.toString());
                w.put(k, t.toFloatArray());
            });
        }
        return w;
    }

    static void assertClose(Map<String, float[]> want, Map<String, float[]> got, double tol) {
        assertEquals(want.keySet(), got.keySet());
        double worst = 0;
        for (var e : want.entrySet()) {
            float[] a = e.getValue(), b = got.get(e.getKey());
            assertEquals(a.length, b.length, e.getKey());
            for (int i = 0; i < a.length; i++) {
                double d = Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(a[i]));
                worst = Math.max(worst, d);
                if (d > tol) fail(e.getKey() + "[" + i + "]: one process " + a[i] + ", two ranks " + b[i]);
            }
        }
        System.out.println("largest relative difference to one process: " + worst);
    }

    /** A worker JVM whose output is collected (and scanned for a line) as it runs. */
    static final class Worker {
        final Process process;
        final StringBuffer out = new StringBuffer();
        final Thread pump;
        volatile CountDownLatch seen = new CountDownLatch(1);
        volatile String wanted;

        Worker(Process p) {
            this.process = p;
            this.pump = Thread.ofPlatform().daemon().start(() -> {
                try (var r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        out.append(line).append('\n');
                        String w = wanted;
                        if (w != null && line.contains(w)) seen.countDown();
                    }
                } catch (IOException ignored) {
                    // process killed
                }
            });
        }

        String output() {
            return out.toString();
        }

        void awaitLine(String text, int seconds) throws InterruptedException {
            wanted = text;
            if (output().contains(text)) return;
            if (!seen.await(seconds, TimeUnit.SECONDS)) fail("no '" + text + "' within " + seconds + " s: " + output());
        }

        int awaitExit(int seconds) throws InterruptedException {
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail("worker still running after " + seconds + " s: " + output());
            }
            pump.join(5000);
            return process.exitValue();
        }

        void awaitSuccess(int seconds) throws InterruptedException {
            assertEquals(0, awaitExit(seconds), output());
        }
    }

    /** Starts {@code n} DistWorker JVMs with the torchrun-style environment on a free port. */
    static List<Worker> start(int n, Path out, int epochs, int timeout, Path ckDir) throws IOException {
        int port = Launcher.freePort();
        List<String> args = new ArrayList<>(List.of(out.toString(), Integer.toString(epochs), Integer.toString(PER_RANK), Integer.toString(timeout)));
        if (ckDir != null) args.add(ckDir.toString());
        List<Worker> ws = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            ProcessBuilder pb = new ProcessBuilder(Launcher.javaCommand(DistWorker.class.getName(), args)).redirectErrorStream(true);
            pb.environment().putAll(DistEnv.forLocalWorker(r, n, "127.0.0.1", port));
            pb.environment().put("CAUSALMM_THREADS", "1");
            pb.environment().put("OMP_NUM_THREADS", "1");
            ws.add(new Worker(pb.start()));
        }
        return ws;
    }
}
