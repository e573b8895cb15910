package dev.causalmm.cli;

import dev.causalmm.engine.EnvironmentReport;
import dev.causalmm.io.Json;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code causalmm env}: what to paste into a bug report (like {@code python -m torch.utils.collect_env}). */
@Command(name = "env", mixinStandardHelpOptions = true)
final class EnvCommand implements Callable<Integer> {
    @Option(names = "--json") boolean json;

    @Override
    public Integer call() throws Exception {
        EnvironmentReport report = EnvironmentReport.collect();
        if (json) {
            System.out.println(Json.MAPPER.writeValueAsString(report));
        } else {
            report.lines().forEach(System.out::println);
        }
        return 0;
    }
}
