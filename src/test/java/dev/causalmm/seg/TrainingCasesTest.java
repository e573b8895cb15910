package dev.causalmm.seg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 24: a held-out case that is a training case (the same file or id) is reported. No LibTorch. */
class TrainingCasesTest {
    @TempDir Path dir;

    private SegCase segCase(String folder, String id) {
        Path f = dir.resolve(folder).resolve(id);
        return new SegCase(id, f, Map.of("flair", f.resolve(id + "_flair.nii.gz")), Optional.of(f.resolve(id + "_seg.nii.gz")));
    }

    @Test
    void casesOfTheTrainingSetAreCountedBySameFileOrSameId() throws IOException {
        Path ckpt = Files.createDirectories(dir.resolve("ckpt"));
        TrainingCases.write(ckpt, List.of(segCase("train", "a"), segCase("train", "b")));
        SegCase sameFile = segCase("train", "a");
        SegCase sameId = segCase("copy", "b");
        SegCase heldOut = segCase("test", "c");
        TrainingCases t = TrainingCases.of(ckpt, List.of(sameFile, sameId, heldOut));
        assertEquals(new TrainingCases(2, List.of("a", "b")), t);
        assertEquals(new TrainingCases(0, List.of()), TrainingCases.of(ckpt, List.of(heldOut)));
    }

    @Test
    void anOlderCheckpointWithoutTheRecordReportsNothing() throws IOException {
        assertNull(TrainingCases.of(Files.createDirectories(dir.resolve("old")), List.of(segCase("test", "c"))));
    }
}
