package dev.causalmm.interop;

import static org.junit.jupiter.api.Assertions.*;

import dev.causalmm.baselines.LateFusion;
import dev.causalmm.engine.Engine;
import dev.causalmm.engine.ExternalMemory;
import dev.causalmm.engine.NoGrad;
import dev.causalmm.engine.Optimizer;
import dev.causalmm.engine.Tensor;
import dev.causalmm.engine.TensorScope;
import dev.causalmm.nn.EncoderConfig;
import dev.causalmm.nn.ForwardOutput;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 13's "done": a batch goes from the C stage to training and a result goes back to C, both
 * without a copy, and the model trains on it.
 */
class DLPackTrainingTest {
    private static final int ROWS = 32, COLS = 12, CLASSES = 3;

    private static long data(MemorySegment managed) {
        return managed.reinterpret(DLPackLayouts.DL_MANAGED_TENSOR.byteSize()).get(ValueLayout.JAVA_LONG, DLPackLayouts.T_DATA);
    }

    @Test
    void aBatchFilledInCTrainsTheModelAndItsLogitsGoBackToC() {
        DLPackStage stage = NativeStage.get();
        long deletedBefore = stage.deleted();
        long producedBefore = stage.produced();
        Engine.seed(0);
        var adam = new Optimizer.Settings(Optimizer.Kind.ADAM, 1e-2, 0, 0.9, 0.999, 1e-8, 0);
        try (var s = TensorScope.open("train");
             var model = new LateFusion(new int[] {COLS / 2, COLS / 2}, CLASSES, EncoderConfig.c3rPaper(), false, 3);
             var opt = new Optimizer(adam, model.parameters())) {
            // C preprocessing stage -> Java, no copy: the input tensor is the C stage's memory
            MemorySegment xs = stage.fillBatch(ROWS, COLS, CLASSES, 7);
            MemorySegment ys = stage.fillLabels(ROWS, CLASSES);
            Tensor x = DLPack.importTensor(xs);
            Tensor y = DLPack.importTensor(ys);
            assertEquals(data(xs), ExternalMemory.view(x).dataAddress());
            assertEquals(data(ys), ExternalMemory.view(y).dataAddress());
            List<Tensor> inputs = List.of(x.narrow(1, 0, COLS / 2), x.narrow(1, COLS / 2, COLS / 2)); // views, still C's memory
            Tensor mask = Tensor.ones(ROWS, 2);

            double first = Double.NaN, last = Double.NaN;
            for (int step = 0; step < 25; step++) {
                try (var st = TensorScope.open("step")) {
                    opt.zeroGrad();
                    ForwardOutput out = model.forward(inputs, mask);
                    Tensor loss = model.loss(out, y);
                    loss.backward();
                    opt.step();
                    last = loss.item();
                    if (step == 0) first = last;
                }
            }
            assertTrue(last < 0.5 * first, "training on the C batch lowers the loss: " + first + " -> " + last);

            // Java -> C, no copy: C reads the logits where LibTorch wrote them, and its writes are seen
            Tensor logits;
            try (var ng = NoGrad.enter()) {
                logits = model.forward(inputs, mask).logits();
            }
            MemorySegment out = DLPack.exportTensor(logits);
            assertEquals(ExternalMemory.view(logits).dataAddress(), data(out));
            assertEquals(logits.sum().item(), stage.sum(out), 1e-3);
            float[] predictedByJava = logits.toFloatArray();
            assertEquals(0, stage.scale(out, 2.0));
            float[] afterC = logits.toFloatArray();
            for (int i = 0; i < afterC.length; i++) assertEquals(2 * predictedByJava[i], afterC[i], 1e-5);
            stage.release(out);

            // the stage refills its buffer in place (here: zeroes it); the model's next input is that
            assertEquals(0, stage.scale(xs, 0.0));
            try (var ng = NoGrad.enter()) {
                Tensor onZeros = model.forward(List.of(Tensor.zeros(ROWS, COLS / 2), Tensor.zeros(ROWS, COLS / 2)), mask).logits();
                assertArrayEquals(onZeros.toFloatArray(), model.forward(inputs, mask).logits().toFloatArray(), 1e-6f);
            }
            assertEquals(deletedBefore, stage.deleted(), "C's memory stays while Java uses it");
        }
        assertEquals(producedBefore + 2, stage.produced());
        assertEquals(deletedBefore + 2, stage.deleted(), "batch and labels freed by C's deleter, once each");
        assertEquals(0, stage.badDeletes());
        assertEquals(0, DLPack.liveExports());
    }
}
