package dev.causalmm.data;

import static org.junit.jupiter.api.Assertions.*;

import dev.causalmm.engine.DType;
import dev.causalmm.engine.Functional;
import dev.causalmm.engine.NativeMemory;
import dev.causalmm.engine.Tensor;
import dev.causalmm.engine.TensorScope;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The batch's element types come from one rule ({@link BatchField}), and the CUDA side-stream
 * upload code, run on the CPU without its streams, applies it exactly as the CPU path does: inputs
 * float32 whatever their storage, labels and row indices int64 (a float label would break
 * {@code cross_entropy}, a float index {@code index_add_}), the mask float32.
 */
class UploadPathTest {

    @Test
    void everyFieldTheLoaderCarriesHasItsModelType() {
        assertEquals(DType.FLOAT32, BatchField.INPUT.modelDType(DType.FLOAT32));
        assertEquals(DType.FLOAT32, BatchField.INPUT.modelDType(DType.UINT8), "pixels widen");
        assertEquals(DType.FLOAT32, BatchField.INPUT.modelDType(DType.INT32), "word ids widen");
        assertEquals(DType.FLOAT32, BatchField.MASK.modelDType(DType.FLOAT32));
        assertEquals(DType.INT64, BatchField.LABELS.modelDType(DType.INT64), "labels stay integers");
        assertEquals(DType.INT64, BatchField.INDICES.modelDType(DType.INT64), "row indices stay integers");
        var e = assertThrows(IllegalArgumentException.class, () -> BatchField.LABELS.modelDType(DType.FLOAT32));
        assertTrue(e.getMessage().contains("LABELS") && e.getMessage().contains("FLOAT32"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BatchField.INPUT.modelDType(DType.INT64));
        assertThrows(IllegalArgumentException.class, () -> BatchField.MASK.modelDType(DType.UINT8));
    }

    @Test
    void theUploadPathGivesCompactModalitiesTheCpuPathsTypesAndValues() {
        compareOverEpochs(CompactStorageTest.data(70), 16); // uint8 pixels, int32 word ids, no mask
    }

    @Test
    void theUploadPathGivesFloatModalitiesAndMasksTheCpuPathsTypesAndValues() {
        compareOverEpochs(DataLoaderTest.counting(103), 10); // float32 inputs, rows with a modality missing
    }

    /** Three epochs through both paths: same rows, types and values; the upload path's buffers all come back and nothing leaks. */
    private static void compareOverEpochs(ArrayDataset ds, int batch) {
        DataLoader cpu = new DataLoader(ds, DataLoader.Options.shuffled(batch, 5));
        DataLoader upload = new DataLoader(ds, DataLoader.Options.shuffled(batch, 5), true);
        long tensors = NativeMemory.unclosedTensors();
        boolean sawMask = false;
        for (int epoch = 0; epoch < 3; epoch++) {
            try (var s = TensorScope.open("t"); var a = cpu.epoch(epoch); var b = upload.epoch(epoch)) {
                while (a.hasNext()) {
                    try (Batch x = a.next(); Batch y = b.next()) {
                        assertArrayEquals(x.indices(), y.indices());
                        for (int m = 0; m < x.inputs().size(); m++) {
                            assertEquals(DType.FLOAT32, y.inputs().get(m).dtype(), "input " + m);
                            assertArrayEquals(x.inputs().get(m).toFloatArray(), y.inputs().get(m).toFloatArray(), 0f);
                        }
                        assertEquals(DType.INT64, y.labels().dtype(), "labels");
                        assertEquals(DType.INT64, y.indexTensor().dtype(), "row indices");
                        assertArrayEquals(x.labels().toLongArray(), y.labels().toLongArray());
                        assertArrayEquals(x.indexTensor().toLongArray(), y.indexTensor().toLongArray());
                        assertEquals(x.maskOrNull() == null, y.maskOrNull() == null);
                        if (y.maskOrNull() != null) {
                            sawMask = true;
                            assertEquals(DType.FLOAT32, y.maskOrNull().dtype(), "mask");
                            assertArrayEquals(x.maskOrNull().toFloatArray(), y.maskOrNull().toFloatArray(), 0f);
                        }
                        // what a step does with them: integer targets and an integer index
                        Tensor logits = Tensor.zeros(DType.FLOAT32, y.labels().device(), y.size(), ds.numClasses());
                        assertEquals(Math.log(ds.numClasses()), Functional.crossEntropy(logits, y.labels()).item(), 1e-6);
                        assertEquals(y.size(), Tensor.zeros(DType.FLOAT32, y.labels().device(), ds.size())
                                .indexSelect(0, y.indexTensor()).numel());
                    }
                }
                assertFalse(b.hasNext());
            }
        }
        assertEquals(ds.modalities().size() == 2 && ds.name().equals("counting"), sawMask);
        assertEquals(cpu.buffersAllocated(), upload.buffersAllocated(), "the upload path reuses its buffers like the CPU path");
        assertEquals(tensors, NativeMemory.unclosedTensors(), "tensor handles leaked");
    }
}
