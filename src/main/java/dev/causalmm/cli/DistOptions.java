package dev.causalmm.cli;

import dev.causalmm.dist.DataParallel;
import picocli.CommandLine.Option;

/** {@code train}'s data parallelism: local workers or a launcher's rendezvous ({@link DataParallel}). */
final class DistOptions {
    @Option(names = "--nproc", defaultValue = "1",
            description = "Data-parallel worker processes to start on this machine (default: ${DEFAULT-VALUE}). --batch-size is per"
                    + " process: the global batch is batch × processes. Workers started by torchrun, srun or a Kubernetes job join"
                    + " through RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT instead (docs/distributed.md).")
    int nproc;

    @Option(names = "--dist-timeout", defaultValue = "60",
            description = "Seconds a data-parallel worker waits for the others (rendezvous and every collective) before it stops"
                    + " with an error (default: ${DEFAULT-VALUE}).")
    int distTimeout;

    private DataParallel dataParallel;

    /** The options against this process's environment (read once). */
    DataParallel dataParallel() {
        if (dataParallel == null) dataParallel = DataParallel.of(nproc, distTimeout, System.getenv());
        return dataParallel;
    }
}
