package dev.causalmm.dist;

import dev.causalmm.engine.Device;
import dev.causalmm.engine.ProcessGroup;
import java.time.Duration;

/**
 * Joins a data-parallel run described by a {@link DistEnv}: picks the backend for the device
 * (Gloo for CPU tensors, NCCL for CUDA tensors, one process per GPU), the device of this rank
 * ({@code cuda:LOCAL_RANK}), and forms the c10d group through rank 0's {@code TCPStore}.
 */
final class Distributed {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("causalmm.dist");

    private Distributed() {}

    /** The device a rank trains on: {@code cuda:LOCAL_RANK} when CUDA was asked for, else the device as given. */
    public static Device deviceFor(DistEnv env, Device requested) {
        return requested.isCuda() ? Device.cuda(env.localRank()) : requested;
    }

    public static ProcessGroup.Backend backendFor(Device device) {
        return device.isCuda() ? ProcessGroup.Backend.NCCL : ProcessGroup.Backend.GLOO;
    }

    /**
     * Forms the group (blocking until every rank arrived, at most {@code timeout}) and returns the
     * gradient sync over it, whose collectives time out after {@code timeout} as well.
     */
    public static AllReduceSync join(DistEnv env, Device device, Duration timeout) {
        ProcessGroup.Backend backend = backendFor(device);
        long t0 = System.nanoTime();
        ProcessGroup group = ProcessGroup.connect(backend, env.masterAddr(), env.masterPort(), env.rank(), env.worldSize(), timeout,
                System.getenv("GLOO_SOCKET_IFNAME"), env.agentStorePrefix());
        LOG.info("rank {} of {} joined the {} group via {}:{} in {} ms", env.rank(), env.worldSize(), backend, env.masterAddr(),
                env.masterPort(), (System.nanoTime() - t0) / 1_000_000);
        return new AllReduceSync(group);
    }
}
