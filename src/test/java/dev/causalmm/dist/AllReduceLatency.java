package dev.causalmm.dist;

import dev.causalmm.engine.DType;
import dev.causalmm.engine.Device;
import dev.causalmm.engine.Engine;
import dev.causalmm.engine.ProcessGroup;
import dev.causalmm.engine.Tensor;
import dev.causalmm.engine.TensorScope;
import java.time.Duration;

/**
 * A manual probe (not a test): the time of one in-place all-reduce of N floats between the ranks
 * of the torchrun-style environment, median of 500 after 50 warm-up calls. Usage (two shells, or
 * the launcher): {@code RANK=r WORLD_SIZE=2 MASTER_ADDR=127.0.0.1 MASTER_PORT=29555 java -cp … AllReduceLatency N}.
 */
public final class AllReduceLatency {
    public static void main(String[] args) {
        int n = Integer.parseInt(args[0]);
        Engine.setThreads(1);
        DistEnv env = DistEnv.from(System.getenv()).orElseThrow();
        ProcessGroup g = ProcessGroup.connect(ProcessGroup.Backend.GLOO, env.masterAddr(), env.masterPort(), env.rank(), env.worldSize(),
                Duration.ofSeconds(30), null, null);
        try (var s = TensorScope.open("t")) {
            Tensor t = Tensor.ones(DType.FLOAT32, Device.CPU, n);
            long[] ns = new long[500];
            for (int i = 0; i < 50; i++) g.allReduce(t, ProcessGroup.Op.SUM, "warm-up");
            for (int i = 0; i < ns.length; i++) {
                long t0 = System.nanoTime();
                g.allReduce(t, ProcessGroup.Op.SUM, "probe");
                ns[i] = System.nanoTime() - t0;
            }
            java.util.Arrays.sort(ns);
            System.out.printf("rank %d: all-reduce of %d floats: median %.3f ms, p90 %.3f ms%n", env.rank(), n, ns[250] / 1e6, ns[450] / 1e6);
        }
        System.exit(0);
    }
}
