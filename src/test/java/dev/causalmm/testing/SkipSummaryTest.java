package dev.causalmm.testing;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** The one-line skip summary: counts by group, most skipped first, any other reason under its own text. */
class SkipSummaryTest {

    @Test
    void aRunWithoutSkipsSaysZero() {
        assertEquals("causalmm: skipped 0 tests", new SkipSummary().line());
    }

    @Test
    void reasonsOfOneGroupCountTogetherAndTheLargestGroupComesFirst() {
        SkipSummary s = new SkipSummary();
        s.add(SkipGroup.NO_CUDA.reason("CUDA is not available (a CPU build)"), 1);
        s.add(SkipGroup.NO_DATA.reason("needs brats2015-sample"), 2);
        s.add(SkipGroup.NO_CUDA.reason(null), 1);
        s.add(SkipGroup.NO_DATA.reason("needs multiview/Scene-15.mat"), 5);
        s.add(SkipGroup.NO_C_COMPILER.reason("looked for cc"), 2);
        assertEquals(11, s.total());
        assertEquals("causalmm: skipped 11 tests — no data folder (set -Dcausalmm.data or CAUSALMM_DATA): 7; "
                + "no C compiler: 2; no CUDA device: 2", s.line());
    }

    @Test
    void aReasonOutsideTheGroupsIsCountedUnderItsFirstLine() {
        SkipSummary s = new SkipSummary();
        s.add("System property [x] does not match\nsecond line", 1);
        s.add(null, 1);
        s.add("  ", 1);
        s.add("Assumption failed: assumption is not true", 1);
        s.add("Assumption failed: " + SkipGroup.NO_C_COMPILER.reason("looked for cc"), 1);
        assertEquals("causalmm: skipped 5 tests — no reason given: 3; System property [x] does not match: 1; no C compiler: 1", s.line());
    }

    @Test
    void oneSkippedTestIsSingular() {
        SkipSummary s = new SkipSummary();
        s.add(SkipGroup.OPT_IN.reason("a long diagnosis run"), 1);
        assertEquals("causalmm: skipped 1 test — opt-in only (-Dcausalmm.diagnosis=true): 1", s.line());
    }

    @Test
    void aGroupIsRecognisedOnlyByItsWholeLabel() {
        assertEquals(SkipGroup.NO_CUDA, SkipGroup.of("no CUDA device: no driver").orElseThrow());
        assertEquals(SkipGroup.NO_CUDA_RUNTIME, SkipGroup.of("no CUDA runtime library: libcudart.so").orElseThrow());
        assertTrue(SkipGroup.of("no CUDA device here").isEmpty());
        assertTrue(SkipGroup.of(null).isEmpty());
    }

    @Test
    void aSkipCountsAtLeastOneTest() {
        assertThrows(IllegalArgumentException.class, () -> new SkipSummary().add("x", 0));
    }
}
