package dev.causalmm.eval;

import static org.junit.jupiter.api.Assertions.*;

import dev.causalmm.data.ArrayDataset;
import dev.causalmm.data.ModalitySpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PatternAccuracyTest {
    static ArrayDataset data(boolean[][] available) {
        List<ModalitySpec> specs = List.of(ModalitySpec.vector("img", 1), ModalitySpec.vector("txt", 1));
        return new ArrayDataset("t", specs, new float[][] {new float[5], new float[5]}, new int[] {0, 1, 0, 1, 1}, available, 2);
    }

    @Test
    void accuracyIsReportedPerMissingPattern() {
        boolean[][] a = {{true, true}, {true, true}, {true, false}, {false, true}, {false, true}};
        Map<String, PatternAccuracy.Group> g = PatternAccuracy.of(data(a), new int[] {0, 0, 0, 1, 0});
        assertEquals(List.of("complete", "img", "txt"), List.copyOf(g.keySet()));
        assertEquals(new PatternAccuracy.Group(2, 0.5), g.get("complete"));
        assertEquals(new PatternAccuracy.Group(1, 1.0), g.get("img"));
        assertEquals(new PatternAccuracy.Group(2, 0.5), g.get("txt"));
    }

    @Test
    void completeDataHasNoPatterns() {
        assertTrue(PatternAccuracy.of(data(null), new int[5]).isEmpty());
        assertThrows(IllegalArgumentException.class, () -> PatternAccuracy.of(data(null), new int[4]));
    }

    @Test
    void seedsAreAveragedPerPattern() {
        var a = Map.of("complete", new PatternAccuracy.Group(4, 1.0), "img", new PatternAccuracy.Group(2, 0.5));
        var b = Map.of("complete", new PatternAccuracy.Group(4, 0.5), "img", new PatternAccuracy.Group(2, 0.0));
        var m = PatternAccuracy.meanOverRuns(List.of(a, b));
        assertEquals(new PatternAccuracy.Group(4, 0.75), m.get("complete"));
        assertEquals(new PatternAccuracy.Group(2, 0.25), m.get("img"));
        assertTrue(PatternAccuracy.meanOverRuns(List.of(a, Map.of())).isEmpty());
    }
}
