package dev.causalmm.interop;

import static org.junit.jupiter.api.Assertions.*;

import dev.causalmm.engine.Tensor;
import dev.causalmm.engine.TensorScope;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** The Java listing of docs/dlpack.md, verbatim between the markers, so the docs cannot rot. */
class DLPackDocExampleTest {

    @Test
    void theListingInTheDocsRuns() {
        DLPackStage stage = NativeStage.get(); // DLPackStage.load(Path.of("target/native/libdlpack_stage.so"))
        long deletedBefore = stage.deleted();
        double fromC;
        double fromJava;
        // --- docs/dlpack.md: begin
        try (var step = TensorScope.open("step")) {
            MemorySegment batch = stage.fillBatch(32, 12, 3, 7); // C allocates and fills a DLManagedTensor*
            Tensor x = DLPack.importTensor(batch);               // no copy: x is the C stage's memory
            Tensor rowSums = x.mul(2).sum(1, false);             // any LibTorch work
            MemorySegment out = DLPack.exportTensor(rowSums);    // no copy: C reads LibTorch's memory
            fromC = stage.sum(out);                              // the C consumer
            stage.release(out);                                  // C calls the deleter, exactly once
            fromJava = rowSums.sum().item();
        } // the scope frees x's storage: LibTorch calls the C stage's deleter, exactly once
        // --- docs/dlpack.md: end
        assertEquals(fromJava, fromC, 1e-3);
        assertEquals(deletedBefore + 1, stage.deleted());
        assertEquals(0, DLPack.liveExports());
    }
}
