package dev.causalmm.train;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
    @Test
    void rendersProgressLossAndThroughput() {
        ProgressBar bar = new ProgressBar("late-fusion", new PrintStream(new ByteArrayOutputStream()), true);
        bar.onEpochStart(0, 10);
        String s = bar.render(0, 12, 24, 3072, 0.4321, 0.5);
        assertTrue(s.startsWith("late-fusion epoch 1/10 ["), s);
        assertTrue(s.contains("============>"), s);
        assertTrue(s.contains("12/24") && s.contains("loss 0.4321") && s.contains("6144 samples/s"), s);
    }

    @Test
    void drawsNothingWhenNotATerminal() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        ProgressBar bar = new ProgressBar("x", new PrintStream(buf), false);
        bar.onEpochStart(0, 1);
        bar.onBatchEnd(0, 0, 1, 10, () -> { throw new AssertionError("must not read the loss"); });
        assertEquals(0, buf.size());
    }
}
