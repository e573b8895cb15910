package dev.causalmm.engine;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * LibTorch's own account of CPU tensor memory sees what our wrapper count cannot: a raw LibTorch
 * temporary that nobody closed.
 */
class TensorMemoryAccountTest {
    @org.junit.jupiter.api.AfterEach
    void stopTrackingTensorMemory() {
        dev.causalmm.engine.NativeMemory.stopTrackingTensorMemory(); // its book slows every later test in this JVM
    }


    @Test
    void aRawTemporaryNobodyClosedIsCountedAndFreeingItGivesItBack() {
        NativeMemory.trackTensorMemory();
        try (var s = TensorScope.open("t")) {
            Tensor x = Tensor.of(new float[] {1, 2, 3}, 3);
            long blocks = NativeMemory.liveTensorBlocks();
            long bytes = NativeMemory.liveTensorBytes();
            long wrappers = NativeMemory.unclosedTensors();
            List<org.bytedeco.pytorch.Tensor> leaked = new ArrayList<>();
            try (var two = new org.bytedeco.pytorch.Scalar(2.0)) {
                for (int i = 0; i < 5; i++) leaked.add(x.h().mul(two)); // what clipGradNorm used to do
            }
            assertEquals(wrappers, NativeMemory.unclosedTensors(), "our wrapper count cannot see raw temporaries");
            assertEquals(blocks + 5, NativeMemory.liveTensorBlocks());
            assertEquals(bytes + 5 * 12, NativeMemory.liveTensorBytes());
            leaked.forEach(org.bytedeco.pytorch.Tensor::close);
            assertEquals(blocks, NativeMemory.liveTensorBlocks());
            assertEquals(bytes, NativeMemory.liveTensorBytes());
        }
    }

    @Test
    void viewsShareTheirBaseBlockAndScopedTensorsAreFreedWithTheirScope() {
        NativeMemory.trackTensorMemory();
        long blocks = NativeMemory.liveTensorBlocks();
        try (var s = TensorScope.open("t")) {
            Tensor x = Tensor.zeros(DType.FLOAT32, Device.CPU, 4, 8);
            x.reshape(-1);
            x.narrow(0, 1, 2);
            assertEquals(blocks + 1, NativeMemory.liveTensorBlocks(), "views allocate nothing");
            x.add(1.0);
            assertEquals(blocks + 2, NativeMemory.liveTensorBlocks());
        }
        assertEquals(blocks, NativeMemory.liveTensorBlocks());
    }

    @Test
    void theBookIsOffAfterStoppingAndCanBeTurnedOnAgain() {
        NativeMemory.trackTensorMemory();
        NativeMemory.stopTrackingTensorMemory();
        assertThrows(IllegalStateException.class, NativeMemory::liveTensorBlocks, "reading a stopped book is refused");
        NativeMemory.trackTensorMemory();
        long blocks = NativeMemory.liveTensorBlocks();
        try (var s = TensorScope.open("t")) {
            Tensor.zeros(DType.FLOAT32, Device.CPU, 3, 3);
            assertEquals(blocks + 1, NativeMemory.liveTensorBlocks(), "turned on again, it counts new blocks");
        }
    }
}
