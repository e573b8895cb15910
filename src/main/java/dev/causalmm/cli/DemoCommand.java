package dev.causalmm.cli;

import dev.causalmm.engine.Device;
import dev.causalmm.experiment.Demo;
import dev.causalmm.io.OutputFolder;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code causalmm demo}: late fusion and concat fusion, each without and with C3R, on MMLSynData
 * with a spurious factor that is strong at training (s = 0.7) and weak at test (s = 0.1), three
 * seeds each, on CPU.
 */
@Command(name = "demo", mixinStandardHelpOptions = true)
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--out", defaultValue = "runs/demo") Path out;
    @Option(names = "--epochs", defaultValue = "10") int epochs;
    @Option(names = "--seed", split = ",", defaultValue = "1,2,3,4,5") List<Long> seeds;
    @Option(names = "--models", split = ",", defaultValue = "late-fusion,concat") List<String> models;
    @Option(names = "--regularizers", split = ",", defaultValue = "none,c3r") List<String> regularizers;
    @Option(names = "--device", defaultValue = "cpu") String device;
    @Option(names = "--progress", negatable = true, defaultValue = "true", fallbackValue = "true") boolean progress;

    @Mixin DataOptions data;
    @Mixin C3ROptions c3r;
    @Mixin OverwriteOption overwrite;
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec commandSpec;

    @Override
    public Integer call() throws Exception {
        OutputFolder.requireFolder("--out", out);
        Demo demo = Failures.userInput(() -> {
            CliChecks.onlyWith(commandSpec, "--c3r.", regularizers.contains("c3r"), "--regularizers including c3r", "--regularizers " + regularizers);
            return new Demo(models, regularizers, seeds, epochs, Device.parse(device), data.mmlsyn(), data.dataSeed, c3r.config()).checked();
        });
        demo.run(out, progress, System.out, overwrite.overwrite);
        return 0;
    }
}
