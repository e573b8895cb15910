package dev.causalmm.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The local launcher with plain shell workers (no JVM): environment, prefixed output, failure handling. */
class LauncherTest {
    @Test
    void workersGetTheEnvironmentAndPrefixedOutput() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(buf, true);
        int code = Launcher.run(3, List.of("sh", "-c", "echo \"r=$RANK w=$WORLD_SIZE l=$LOCAL_RANK a=$MASTER_ADDR p=$MASTER_PORT t=$OMP_NUM_THREADS\""), ps, ps);
        assertEquals(0, code, buf.toString());
        String out = buf.toString();
        for (int r = 0; r < 3; r++) {
            assertTrue(out.matches("(?s).*\\[rank " + r + "] r=" + r + " w=3 l=" + r + " a=127\\.0\\.0\\.1 p=[0-9]+ t=[0-9]+\n.*"), out);
        }
    }

    @Test
    void oneFailedWorkerStopsTheOthersAndGivesItsStatus() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(buf, true);
        long t0 = System.nanoTime();
        int code = Launcher.run(2, List.of("sh", "-c", "if [ \"$RANK\" = 1 ]; then echo bad >&2; exit 7; fi; sleep 60"), ps, ps);
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertEquals(7, code, buf.toString());
        assertTrue(seconds < 20, "the launcher waited " + seconds + " s for the sleeping worker");
        assertTrue(buf.toString().contains("[rank 1] bad"), buf.toString());
        assertTrue(buf.toString().contains("rank 1 exited with status 7; stopping the other 1 worker(s)"), buf.toString());
    }
}
