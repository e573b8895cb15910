package dev.causalmm.dist;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Starts {@code N} local worker processes of the same program ({@code causalmm train --nproc N}):
 * each gets the torchrun-style environment ({@link DistEnv}) with rank 0's rendezvous on a free
 * loopback port, and a share of the cores ({@code CAUSALMM_THREADS} and {@code OMP_NUM_THREADS},
 * unless already set). Their output is forwarded line by line, prefixed with {@code [rank r]}. The
 * launcher waits for all of them; when one fails it stops the others (they would otherwise wait
 * for it until their collective timeout) and returns the failed worker's exit status.
 */
public final class Launcher {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("causalmm.dist");

    /** How long a stopped worker gets to exit before it is killed. */
    private static final Duration GRACE = Duration.ofSeconds(5);

    private Launcher() {}

    /**
     * The command line that starts {@code mainClass} with {@code args} in a JVM like this one:
     * the same java binary, JVM options (a debugger agent, which would claim the same port, is
     * left out) and class path.
     */
    public static List<String> javaCommand(String mainClass, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("-agentlib:jdwp") || a.startsWith("-Xrunjdwp")) continue;
            cmd.add(a);
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.addAll(args);
        return cmd;
    }

    /** {@code args} without {@code --nproc N} / {@code --nproc=N}. */
    public static List<String> withoutOption(List<String> args, String option) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals(option)) {
                i++;
            } else if (!a.startsWith(option + "=")) {
                out.add(a);
            }
        }
        return out;
    }

    /** A port that was free a moment ago on the loopback interface. */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free local port for the rendezvous", e);
        }
    }

    /**
     * Runs {@code nproc} workers of {@code command} and waits for them.
     *
     * @return 0 when all succeeded, else the exit status of the first worker that failed
     */
    public static int run(int nproc, List<String> command, PrintStream out, PrintStream err) throws IOException, InterruptedException {
        if (nproc < 1) throw new IllegalArgumentException("--nproc must be >= 1, got " + nproc);
        int port = freePort();
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors() / nproc);
        List<Process> workers = new ArrayList<>();
        List<Thread> pumps = new ArrayList<>();
        Thread killer = new Thread(() -> workers.forEach(Launcher::kill), "causalmm-launcher-cleanup");
        Runtime.getRuntime().addShutdownHook(killer);
        try {
            for (int r = 0; r < nproc; r++) {
                ProcessBuilder pb = new ProcessBuilder(command);
                Map<String, String> env = pb.environment();
                env.putAll(DistEnv.forLocalWorker(r, nproc, "127.0.0.1", port));
                env.putIfAbsent("CAUSALMM_THREADS", Integer.toString(threads));
                env.putIfAbsent("OMP_NUM_THREADS", env.get("CAUSALMM_THREADS"));
                Process p = pb.start();
                p.getOutputStream().close();
                workers.add(p);
                pumps.add(pump(p.getInputStream(), "[rank " + r + "] ", out));
                pumps.add(pump(p.getErrorStream(), "[rank " + r + "] ", err));
            }
            LOG.info("started {} workers (rendezvous 127.0.0.1:{}, {} thread(s) each)", nproc, port, threads);
            int status = waitAll(workers, err);
            // the rest of the output; after a failure the stopped workers' pipes may stay open (a grandchild)
            for (Thread t : pumps) t.join(TimeUnit.SECONDS.toMillis(status == 0 ? 10 : 1));
            return status;
        } finally {
            workers.forEach(Launcher::kill);
            try {
                Runtime.getRuntime().removeShutdownHook(killer);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is exiting: the hook runs anyway
            }
        }
    }

    private static int waitAll(List<Process> workers, PrintStream err) throws InterruptedException {
        Map<CompletableFuture<Process>, Integer> exits = new HashMap<>();
        for (int r = 0; r < workers.size(); r++) exits.put(workers.get(r).onExit(), r);
        List<CompletableFuture<Process>> left = new ArrayList<>(exits.keySet());
        while (!left.isEmpty()) {
            CompletableFuture.anyOf(left.toArray(CompletableFuture[]::new)).join();
            for (var it = left.iterator(); it.hasNext(); ) {
                var f = it.next();
                if (!f.isDone()) continue;
                it.remove();
                int rank = exits.get(f);
                int code = workers.get(rank).exitValue();
                if (code != 0) {
                    err.println("causalmm: rank " + rank + " exited with status " + code + "; stopping the other " + left.size() + " worker(s)");
                    err.flush();
                    stop(workers);
                    return code;
                }
            }
        }
        return 0;
    }

    /** Kills a worker and anything it started. */
    private static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }

    private static void stop(List<Process> workers) throws InterruptedException {
        for (Process p : workers) {
            if (!p.isAlive()) continue;
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroy();
        }
        long deadline = System.nanoTime() + GRACE.toNanos();
        for (Process p : workers) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !p.waitFor(left, TimeUnit.NANOSECONDS)) kill(p);
        }
    }

    private static Thread pump(InputStream in, String prefix, PrintStream to) {
        return Thread.ofPlatform().daemon().name("causalmm-launcher-" + prefix.trim()).start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (to) {
                        to.println(prefix + line);
                        to.flush();
                    }
                }
            } catch (IOException closed) {
                // the worker was killed: nothing more to forward
            }
        });
    }
}
