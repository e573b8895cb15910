package dev.causalmm.dist;

import java.util.Map;
import java.util.Optional;

/**
 * The torchrun-style rendezvous environment of one worker: {@code RANK}, {@code WORLD_SIZE},
 * {@code LOCAL_RANK}, {@code MASTER_ADDR}, {@code MASTER_PORT}. torchrun sets all five; SLURM
 * {@code srun} and Kubernetes jobs set them from their own variables (docs/distributed.md).
 *
 * @param localRank the rank on this machine: picks the GPU ({@code cuda:LOCAL_RANK}); 0 when unset
 * @param agentStorePrefix null when rank 0 hosts the rendezvous store (our launcher, srun, a job);
 *                  under torchrun ({@code TORCHELASTIC_USE_AGENT_STORE=True}) its agent hosts it at
 *                  MASTER_ADDR:MASTER_PORT and the workers use keys under
 *                  {@code /worker/attempt_<TORCHELASTIC_RESTART_COUNT>}, as PyTorch's workers do
 */
public record DistEnv(int rank, int worldSize, int localRank, String masterAddr, int masterPort, String agentStorePrefix) {
    public static final String RANK = "RANK";
    public static final String WORLD_SIZE = "WORLD_SIZE";
    public static final String LOCAL_RANK = "LOCAL_RANK";
    public static final String MASTER_ADDR = "MASTER_ADDR";
    public static final String MASTER_PORT = "MASTER_PORT";
    public static final String USE_AGENT_STORE = "TORCHELASTIC_USE_AGENT_STORE";
    public static final String RESTART_COUNT = "TORCHELASTIC_RESTART_COUNT";

    public DistEnv(int rank, int worldSize, int localRank, String masterAddr, int masterPort) {
        this(rank, worldSize, localRank, masterAddr, masterPort, null);
    }

    public DistEnv {
        if (worldSize < 1) throw new IllegalArgumentException(WORLD_SIZE + "=" + worldSize + " must be >= 1");
        if (rank < 0 || rank >= worldSize) {
            throw new IllegalArgumentException(RANK + "=" + rank + " must be in 0.." + (worldSize - 1) + " (" + WORLD_SIZE + "=" + worldSize + ")");
        }
        if (localRank < 0) throw new IllegalArgumentException(LOCAL_RANK + "=" + localRank + " must be >= 0");
        if (masterAddr == null || masterAddr.isBlank()) {
            throw new IllegalArgumentException(MASTER_ADDR + " is not set: the host of rank 0's rendezvous store (e.g. 127.0.0.1)");
        }
        if (masterPort < 1 || masterPort > 65535) {
            throw new IllegalArgumentException(MASTER_PORT + "=" + masterPort + " is out of range (1..65535)");
        }
    }

    /**
     * The worker's environment, or empty when neither {@code RANK} nor {@code WORLD_SIZE} is set (a
     * plain single-process run). Once either is set, all of them must be valid: a bad or missing
     * value is an {@link IllegalArgumentException} naming the variable.
     */
    public static Optional<DistEnv> from(Map<String, String> env) {
        if (!env.containsKey(RANK) && !env.containsKey(WORLD_SIZE)) return Optional.empty();
        int world = integer(env, WORLD_SIZE, true);
        int rank = integer(env, RANK, true);
        int local = env.containsKey(LOCAL_RANK) ? integer(env, LOCAL_RANK, true) : 0;
        String addr = env.get(MASTER_ADDR);
        if (addr == null || addr.isBlank()) {
            throw new IllegalArgumentException(MASTER_ADDR + " is not set (" + RANK + "=" + env.get(RANK) + ", " + WORLD_SIZE + "="
                    + env.get(WORLD_SIZE) + " are): the host of rank 0's rendezvous store (e.g. 127.0.0.1)");
        }
        int port = integer(env, MASTER_PORT, true);
        String prefix = null;
        if ("True".equals(env.get(USE_AGENT_STORE))) {
            prefix = "/worker/attempt_" + (env.containsKey(RESTART_COUNT) ? integer(env, RESTART_COUNT, true) : 0);
        }
        return Optional.of(new DistEnv(rank, world, local, addr.trim(), port, prefix));
    }

    private static int integer(Map<String, String> env, String name, boolean required) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException(name + " is not set; a distributed worker needs " + RANK + ", " + WORLD_SIZE + ", "
                    + MASTER_ADDR + " and " + MASTER_PORT + " (" + LOCAL_RANK + " optional)");
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + "='" + v + "' is not a whole number");
        }
    }

    /** The environment a launcher gives worker {@code rank} of {@code world} on this machine. */
    public static Map<String, String> forLocalWorker(int rank, int world, String addr, int port) {
        return Map.of(RANK, Integer.toString(rank), WORLD_SIZE, Integer.toString(world), LOCAL_RANK, Integer.toString(rank),
                MASTER_ADDR, addr, MASTER_PORT, Integer.toString(port));
    }
}
