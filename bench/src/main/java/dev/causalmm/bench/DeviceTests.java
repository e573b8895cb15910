package dev.causalmm.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.ClassNameFilter;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;

/**
 * Runs JUnit test classes without Maven, for the GPU machine (which has no Java build tools): the
 * test classes travel as a jar in the GPU bundle (bench/gpu/check). Every test class under
 * {@code dev.causalmm} whose name matches {@code --pattern} (default: CUDA/GPU tests) runs; a test
 * skipped by an assumption ("no CUDA device") counts as skipped, so on a GPU the JSON must show
 * them succeeded. Exit status 1 when any test failed.
 *
 * <pre>java -cp ... dev.causalmm.bench.DeviceTests [--pattern REGEX] [--json FILE]</pre>
 */
public final class DeviceTests {
    private DeviceTests() {}

    public static void main(String[] args) throws IOException {
        String pattern = ".*(Cuda|Gpu|Device).*Test";
        Path json = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--pattern" -> pattern = args[++i];
                case "--json" -> json = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i] + " (--pattern REGEX, --json FILE)");
            }
        }
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(DiscoverySelectors.selectPackage("dev.causalmm"))
                .filters(ClassNameFilter.includeClassNamePatterns(pattern))
                .build();
        List<String> rows = new ArrayList<>();
        TestExecutionListener perTest = new TestExecutionListener() {
            @Override
            public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                if (!id.isTest()) return;
                String why = result.getThrowable().map(t -> t.getClass().getSimpleName() + ": " + t.getMessage()).orElse("");
                rows.add(row(id.getUniqueId(), result.getStatus().name(), why));
                System.out.println(result.getStatus() + " " + id.getUniqueId() + (why.isEmpty() ? "" : " " + why));
            }

            @Override
            public void executionSkipped(TestIdentifier id, String reason) {
                rows.add(row(id.getUniqueId(), "SKIPPED", reason));
            }
        };
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        Launcher launcher = LauncherFactory.create();
        launcher.execute(request, summary, perTest);
        var s = summary.getSummary();
        s.printTo(new PrintWriter(System.out));
        s.printFailuresTo(new PrintWriter(System.out), 20);
        if (json != null) {
            Files.writeString(json, "{\"pattern\": " + quote(pattern) + ", \"found\": " + s.getTestsFoundCount() + ", \"succeeded\": "
                    + s.getTestsSucceededCount() + ", \"failed\": " + s.getTestsFailedCount() + ", \"aborted\": " + s.getTestsAbortedCount()
                    + ", \"tests\": [\n" + String.join(",\n", rows) + "\n]}\n");
        }
        System.exit(s.getTotalFailureCount() > 0 ? 1 : 0);
    }

    private static String row(String id, String status, String why) {
        return "{\"test\": " + quote(id) + ", \"status\": " + quote(status) + ", \"detail\": " + quote(why) + "}";
    }

    private static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : (s == null ? "" : s).toCharArray()) {
            if (c == '"' || c == '\\') b.append('\\').append(c);
            else if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        return b.append('"').toString();
    }
}
