package dev.causalmm.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.causalmm.testing.Need;
import dev.causalmm.testing.Requires;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The c10d wrapper in one process: a world of one reduces and broadcasts to itself, a missing peer
 * or rendezvous ends with an error within the timeout, and NCCL on the CPU build is refused with
 * a message that says what is missing. (Two-process behaviour: dev.causalmm.dist tests.)
 */
class ProcessGroupTest {
    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void aWorldOfOneReducesToItself() throws Exception {
        ProcessGroup g = ProcessGroup.connect(ProcessGroup.Backend.GLOO, "127.0.0.1", freePort(), 0, 1, Duration.ofSeconds(10), null, null);
        try (var s = TensorScope.open("t")) {
            Tensor t = Tensor.of(new float[] {1, -2, 3}, 3);
            g.allReduce(t, ProcessGroup.Op.SUM, "test sum");
            g.allReduce(t, ProcessGroup.Op.MAX, "test max");
            g.broadcast(t, 0, "test broadcast");
            assertArrayEquals(new float[] {1, -2, 3}, t.toFloatArray());
        }
    }

    @Test
    void aPeerThatNeverArrivesIsAnErrorWithinTheTimeout() throws Exception {
        int port = freePort();
        long t0 = System.nanoTime();
        var e = assertThrows(ProcessGroup.CollectiveException.class,
                () -> ProcessGroup.connect(ProcessGroup.Backend.GLOO, "127.0.0.1", port, 1, 2, Duration.ofSeconds(2), null, null));
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertTrue(seconds < 15, "took " + seconds + " s");
        assertTrue(e.getMessage().contains("rank 1: cannot reach the rendezvous store at 127.0.0.1:" + port), e.getMessage());
    }

    @Test
    @Requires(Need.NO_CUDA) // a CUDA build has NCCL
    void ncclOnTheCpuBuildSaysWhatIsMissing() throws Exception {
        var e = assertThrows(ProcessGroup.CollectiveException.class,
                () -> ProcessGroup.connect(ProcessGroup.Backend.NCCL, "127.0.0.1", freePort(), 0, 1, Duration.ofSeconds(5), null, null));
        assertTrue(e.getMessage().startsWith("the NCCL backend needs LibTorch's CUDA natives"), e.getMessage());
    }
}
