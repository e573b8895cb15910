package dev.causalmm.seg;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Patches drawn per (seed, step, slot), the sampler version a resume checks, and the one window-clipping helper. */
class PatchDrawsTest {
    private static PatchSampler sampler(long seed) {
        List<SegVolume> vols = List.of(SyntheticBrats.make("a", 20, 0b1111, 1), SyntheticBrats.make("b", 20, 0b1011, 2));
        return new PatchSampler(vols, new PatchSampler.Settings(new int[] {16, 16, 16}, 0.5, true, true, 0.1), seed);
    }

    @Test
    void aStepsPatchesAreKnownWithoutDrawingTheStepsBeforeIt() {
        PatchSampler streamed = sampler(9);
        streamed.next(2);
        streamed.next(2);
        PatchSampler.Batch third = streamed.next(2);
        PatchSampler.Batch direct = sampler(9).batch(2, 2);
        assertArrayEquals(third.x(), direct.x());
        assertArrayEquals(third.y(), direct.y());
        assertArrayEquals(third.mask(), direct.mask());
        assertFalse(Arrays.equals(direct.x(), sampler(9).batch(3, 2).x()), "another step draws other patches");
        assertFalse(Arrays.equals(direct.x(), sampler(10).batch(2, 2).x()), "another seed draws other patches");
        PatchSampler.Batch one = sampler(9).batch(2, 1);
        assertArrayEquals(one.x(), Arrays.copyOf(direct.x(), one.x().length), "slot 0 does not depend on the batch size");
    }

    @Test
    void aCheckpointOfTheReplayedStreamIsRefusedAndADifferingRecipeNamesItsFields() {
        SegRecipe recipe = SegRecipe.defaults();
        PatchSampler.Settings sampling = recipe.sampling();
        ObjectNode old = recipe.identity(sampling);
        old.remove("sampler");
        Path file = Path.of("run", SegCheckpoint.WEIGHTS);
        var e = assertThrows(IllegalArgumentException.class, () -> SegCheckpoint.checkRecipe(file, old, recipe.identity(sampling)));
        assertTrue(e.getMessage().contains("sampler version 1") && e.getMessage().endsWith("use a fresh --out"), e.getMessage());
        ObjectNode other = recipe.withLearningRate(0.01).withFlips(false).identity(recipe.withFlips(false).sampling());
        e = assertThrows(IllegalArgumentException.class, () -> SegCheckpoint.checkRecipe(file, other, recipe.identity(sampling)));
        assertTrue(e.getMessage().contains("differs in flips (false, this run true), learningRate (0.01, this run 0.003); use a fresh --out"),
                e.getMessage());
        assertDoesNotThrow(() -> SegCheckpoint.checkRecipe(file, recipe.identity(sampling), recipe.identity(sampling)));
    }

    @Test
    void theWindowCropVisitsOnlyTheRowsInsideTheVolume() {
        List<int[]> rows = new ArrayList<>();
        // a 4×4×4 window starting at (-1, 2, 3) in a 5×5×5 volume: x 1..3 of the window, y rows 0..2, z row 0..1
        WindowCrop.rows(new int[] {5, 5, 5}, new int[] {-1, 2, 3}, new int[] {4, 4, 4}, new boolean[3],
                (vol, win, x0, x1) -> rows.add(new int[] {vol, win, x0, x1}));
        assertEquals(3 * 2, rows.size());
        int[] first = rows.getFirst();
        assertArrayEquals(new int[] {5 * (2 + 5 * 3) - 1, 0, 1, 4}, first);
        assertEquals(3 * 2 * 3, rows.stream().mapToInt(r -> r[3] - r[2]).sum(), "voxels inside: 3 × 3 × 2");
    }

    @Test
    void theRecipesDefaultsAreTheCommandLinesOfToday() {
        SegRecipe d = SegRecipe.defaults();
        assertEquals(List.of(600, 2, 48, 2, 8, 3, 100, 4096), List.of(d.steps(), d.batchSize(), d.patch(), d.downsample(), d.width(), d.depth(),
                d.checkpointEvery(), d.c3rVoxels()));
        assertEquals(0.003, d.learningRate());
        assertEquals(780, d.timeLimitSeconds());
        assertEquals(30, d.logInterval(), "a twentieth of the steps");
        assertEquals(100, d.withSteps(100).withSeed(3).steps());
    }
}
