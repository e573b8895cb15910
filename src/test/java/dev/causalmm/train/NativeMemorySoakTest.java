package dev.causalmm.train;

import static org.junit.jupiter.api.Assertions.*;

import dev.causalmm.baselines.LateFusion;
import dev.causalmm.data.Batch;
import dev.causalmm.data.DataLoader;
import dev.causalmm.data.MMLSynConfig;
import dev.causalmm.data.MMLSynData;
import dev.causalmm.engine.NativeMemory;
import dev.causalmm.engine.Optimizer;
import dev.causalmm.engine.Tensor;
import dev.causalmm.engine.TensorScope;
import dev.causalmm.nn.EncoderConfig;
import dev.causalmm.nn.ForwardOutput;
import org.junit.jupiter.api.Test;

/**
 * 10,000 training steps (loader, forward, backward, Adam) must leave the process's resident memory
 * flat: after a 1,000-step warm-up, RSS may grow by at most 48 MiB (allocator noise and JIT code;
 * a leak of one batch per step would be ~1.7 GiB), and no tensor handle may be left behind.
 */
class NativeMemorySoakTest {
    static final int STEPS = 10_000;
    static final long BOUND = 48L << 20;

    @Test
    void residentMemoryStaysFlatOverTenThousandSteps() {
        var data = MMLSynData.generate(MMLSynConfig.defaults(1).withSizes(8192, 0, 10)).train().dataset();
        DataLoader loader = new DataLoader(data, DataLoader.Options.shuffled(128, 1));
        long handles = NativeMemory.liveTensors();
        long rssAfterWarmup = -1;
        long rssMax = 0;
        try (var model = new LateFusion(new int[] {20, 20}, 2, EncoderConfig.c3rPaper(), false);
             var opt = new Optimizer(TrainConfig.adam(1e-3), model.parameters())) {
            int step = 0;
            for (int epoch = 0; step < STEPS; epoch++) {
                try (var ep = loader.epoch(epoch)) {
                    while (ep.hasNext() && step < STEPS) {
                        try (var s = TensorScope.open("step"); Batch b = ep.next()) {
                            ForwardOutput out = model.forward(b.inputs(), b.mask());
                            Tensor loss = model.loss(out, b.labels());
                            loss.backward();
                            opt.step();
                            opt.zeroGrad();
                        }
                        step++;
                        if (step == 1_000) {
                            System.gc();
                            rssAfterWarmup = NativeMemory.residentBytes();
                        }
                        if (step > 1_000 && step % 500 == 0) rssMax = Math.max(rssMax, NativeMemory.residentBytes());
                    }
                }
            }
        }
        assertEquals(handles, NativeMemory.liveTensors(), "tensor handles leaked");
        if (rssAfterWarmup < 0) return; // no /proc: nothing more to check
        long growth = rssMax - rssAfterWarmup;
        System.out.printf("soak: RSS after warm-up %d MiB, max later %d MiB, growth %d KiB over %d steps%n",
                rssAfterWarmup >> 20, rssMax >> 20, growth >> 10, STEPS - 1_000);
        assertTrue(growth < BOUND, "resident memory grew by " + (growth >> 20) + " MiB over " + STEPS + " steps");
    }
}
