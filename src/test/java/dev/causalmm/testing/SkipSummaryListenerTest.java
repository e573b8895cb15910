package dev.causalmm.testing;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.platform.launcher.core.LauncherConfig;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/** The listener on a real JUnit run: conditions, assumptions and a skipped class, each counted in its group. */
class SkipSummaryListenerTest {

    @Test
    void aRunEndsWithOneLineCountingEverySkipByGroup() {
        List<String> lines = new ArrayList<>();
        var request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(Samples.class), selectClass(NeedsData.class))
                .configurationParameter(UncaughtExceptionGuardTest.SELF_TEST, "true")
                .build();
        // only the listener under test: the suite's own (from META-INF/services) would print a second line
        LauncherFactory.create(LauncherConfig.builder().enableTestExecutionListenerAutoRegistration(false).build())
                .execute(request, new SkipSummaryListener(lines::add));
        assertEquals(1, lines.size(), lines.toString());
        SkipGroup data = TestData.root().isPresent() ? SkipGroup.DATA_INCOMPLETE : SkipGroup.NO_DATA;
        List<String> groups = new ArrayList<>(List.of(data.label() + ": 3", "no python3 with numpy: 2", "no C compiler: 1",
                "some other reason: 1"));
        if (!Boolean.getBoolean("causalmm.diagnosis")) groups.add("opt-in only (-Dcausalmm.diagnosis=true): 1");
        groups.sort(null);
        String line = lines.get(0);
        int total = groups.stream().mapToInt(g -> Integer.parseInt(g.substring(g.lastIndexOf(' ') + 1))).sum();
        assertTrue(line.startsWith("causalmm: skipped " + total + " tests — " + data.label() + ": 3; no python3 with numpy: 2; "), line);
        List<String> got = new ArrayList<>(List.of(line.substring(line.indexOf(" — ") + 3).split("; ")));
        got.sort(null);
        assertEquals(groups, got, line);
    }

    @ExtendWith(UncaughtExceptionGuardTest.OnlyInSelfTest.class)
    static class Samples {
        @Test
        void runs() {
            assertEquals(4, 2 + 2);
        }

        @Test
        @Requires(Need.DIAGNOSIS)
        void optIn() {}

        @Test
        void noCompiler() {
            Skip.unless(false, SkipGroup.NO_C_COMPILER, () -> "looked for cc");
        }

        @Test
        void plainAssumption() {
            Assumptions.assumeTrue(false, "some other reason");
        }

        @ParameterizedTest
        @ValueSource(ints = {1, 2})
        void perValue(int i) {
            Skip.unless(i > 2, SkipGroup.NO_PYTHON_NUMPY, () -> "tried python3");
        }
    }

    @ExtendWith(UncaughtExceptionGuardTest.OnlyInSelfTest.class)
    @RequiresData("no-such-folder/never.mat")
    static class NeedsData {
        @Test
        void a() {}

        @Test
        void b() {}

        @ParameterizedTest
        @ValueSource(ints = {1, 2})
        void c(int i) {}
    }
}
