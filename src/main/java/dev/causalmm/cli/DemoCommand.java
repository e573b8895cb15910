package dev.causalmm.cli;

import dev.causalmm.engine.Device;
import dev.causalmm.experiment.Demo;
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
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Train late fusion and concat, each alone and with C3R, on MMLSynData (K=2, s=0.7 train / 0.1 test,"
                + " 5 seeds) and write OUT/results.json, OUT/report.md, OUT/learning-curves.png and OUT/dcor.png.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--out", defaultValue = "runs/demo", description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--epochs", defaultValue = "10", description = "Epochs per run (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--seed", split = ",", defaultValue = "1,2,3,4,5", description = "Training seeds (default: ${DEFAULT-VALUE}).")
    List<Long> seeds;

    @Option(names = "--models", split = ",", defaultValue = "late-fusion,concat", description = "Models (default: ${DEFAULT-VALUE}).")
    List<String> models;

    @Option(names = "--regularizers", split = ",", defaultValue = "none,c3r",
            description = "Regularisers crossed with every model (default: ${DEFAULT-VALUE}).")
    List<String> regularizers;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu, cuda, cuda:N or auto (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--progress", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Show a progress bar when attached to a terminal.")
    boolean progress;

    @Mixin DataOptions data;
    @Mixin C3ROptions c3r;
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec commandSpec;

    @Override
    public Integer call() throws Exception {
        CliChecks.outFolder("--out", out);
        Demo demo = Failures.userInput(() -> {
            CliChecks.onlyWith(commandSpec, "--c3r.", regularizers.contains("c3r"), "--regularizers including c3r", "--regularizers " + regularizers);
            Demo d = new Demo(models, regularizers, seeds, epochs, Device.parse(device), data.mmlsyn(), data.dataSeed, c3r.config());
            d.specs(); // every cell is checked before any trains
            return d;
        });
        demo.run(out, progress, System.out);
        return 0;
    }
}
