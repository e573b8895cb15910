package dev.causalmm.dist;

import dev.causalmm.engine.Device;
import dev.causalmm.train.GradientSync;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How a training command takes part in data parallelism: it either starts {@code nproc} local
 * workers itself ({@code --nproc}), or is one worker of a launcher (torchrun, srun, a Kubernetes
 * job, or {@link Launcher}) that set {@code RANK}/{@code WORLD_SIZE}, or runs alone.
 *
 * @param nproc   local workers to start (1: none)
 * @param env     the launcher's rendezvous, when this process is a worker
 * @param timeout how long rendezvous and every collective may wait for the others
 */
public record DataParallel(int nproc, Optional<DistEnv> env, Duration timeout) {
    /** The most local workers {@code --nproc} starts: each is a JVM with its own LibTorch, so more than one per core only thrashes. */
    public static final int MAX_LOCAL = Math.max(8, Runtime.getRuntime().availableProcessors());

    public DataParallel {
        if (nproc < 1 || nproc > MAX_LOCAL) {
            throw new IllegalArgumentException("--nproc must be in [1, " + MAX_LOCAL + "] (at most max(8, the machine's cores)), got " + nproc);
        }
        if (timeout.isNegative() || timeout.toSeconds() < 1) {
            throw new IllegalArgumentException("--dist-timeout must be >= 1 second, got " + timeout.toSeconds());
        }
        if (nproc > 1 && env.isPresent()) {
            throw new IllegalArgumentException("--nproc " + nproc + " starts its own workers, but RANK/WORLD_SIZE are already set by a"
                    + " launcher: drop --nproc (the launcher decides the world size) or unset them");
        }
    }

    /** {@code --nproc} and {@code --dist-timeout} (seconds) against the process environment {@code environment}. */
    public static DataParallel of(int nproc, int timeoutSeconds, Map<String, String> environment) {
        if (timeoutSeconds < 1) throw new IllegalArgumentException("--dist-timeout must be >= 1 second, got " + timeoutSeconds);
        return new DataParallel(nproc, DistEnv.from(environment), Duration.ofSeconds(timeoutSeconds));
    }

    /** Processes that train together: the global batch is the per-process batch times this. */
    public int worldSize() {
        return nproc > 1 ? nproc : env.map(DistEnv::worldSize).orElse(1);
    }

    /** Whether this process starts the workers (and trains nothing itself). */
    public boolean launches() {
        return nproc > 1;
    }

    /** Rank 0 (or a lone process) writes checkpoints and results. */
    public boolean root() {
        return env.map(e -> e.rank() == 0).orElse(true);
    }

    /** The device this process trains on: {@code cuda:LOCAL_RANK} for a CUDA worker. */
    public Device device(Device requested) {
        return env.isPresent() ? Distributed.deviceFor(env.get(), requested) : requested;
    }

    /** Starts the local workers, each running {@code mainClass} with {@code args} less {@code --nproc}; their exit status. */
    public int launch(String mainClass, List<String> args, PrintStream out, PrintStream err) throws IOException, InterruptedException {
        List<String> workerArgs = Launcher.withoutOption(args, "--nproc");
        return Launcher.run(nproc, Launcher.javaCommand(mainClass, workerArgs), out, err);
    }

    /** Joins the group when this process is one of several workers; the local sync otherwise. */
    public GradientSync join(Device device) {
        if (env.isEmpty() || env.get().worldSize() <= 1) return GradientSync.LOCAL;
        return Distributed.join(env.get(), device, timeout);
    }
}
