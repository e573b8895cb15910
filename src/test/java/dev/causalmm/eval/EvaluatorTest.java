package dev.causalmm.eval;

import static org.junit.jupiter.api.Assertions.*;

import dev.causalmm.baselines.LateFusion;
import dev.causalmm.data.MMLSynConfig;
import dev.causalmm.data.MMLSynData;
import dev.causalmm.data.MultimodalDataset;
import dev.causalmm.engine.Device;
import dev.causalmm.engine.HostBuffers;
import dev.causalmm.engine.NativeMemory;
import dev.causalmm.nn.EncoderConfig;
import org.junit.jupiter.api.Test;

class EvaluatorTest {

    /** An evaluator allocates its batch buffers once, at its first evaluation, and gives the one-off API's results every time. */
    @Test
    void repeatedEvaluationsReuseOneSetOfBatchBuffers() {
        MultimodalDataset val = MMLSynData.generate(MMLSynConfig.defaults(3).withSizes(10, 700, 10)).val().dataset();
        long tensors = NativeMemory.unclosedTensors();
        try (var model = new LateFusion(new int[] {20, 20}, 2, EncoderConfig.c3rPaper(), false, 3)) {
            EvalResult once = Evaluator.evaluate(model, val, 128, Device.CPU);
            Evaluator evaluator = new Evaluator(val, 128, Device.CPU);
            evaluator.evaluate(model);
            long allocated = HostBuffers.allocations();
            for (int epoch = 0; epoch < 5; epoch++) {
                EvalResult r = evaluator.evaluate(model);
                assertEquals(once.loss(), r.loss(), 1e-12);
                assertEquals(once.accuracy(), r.accuracy());
                assertArrayEquals(once.predictions(), r.predictions());
            }
            assertEquals(allocated, HostBuffers.allocations(), "buffers allocated by five more evaluations");
            Evaluator.evaluate(model, val, 128, Device.CPU);
            assertTrue(HostBuffers.allocations() > allocated, "the one-off API makes its own loader (so the count can move)");
        }
        assertEquals(tensors, NativeMemory.unclosedTensors(), "tensor handles leaked");
    }
}
