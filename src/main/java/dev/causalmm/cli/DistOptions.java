package dev.causalmm.cli;

import dev.causalmm.dist.DataParallel;
import picocli.CommandLine.Option;

/** {@code train}'s data parallelism: local workers or a launcher's rendezvous ({@link DataParallel}). */
final class DistOptions {
    @Option(names = "--nproc", defaultValue = "1") int nproc;
    @Option(names = "--dist-timeout", defaultValue = "60") int distTimeout;

    private DataParallel dataParallel;

    /** The options against this process's environment (read once). */
    DataParallel dataParallel() {
        if (dataParallel == null) dataParallel = DataParallel.of(nproc, distTimeout, System.getenv());
        return dataParallel;
    }
}
