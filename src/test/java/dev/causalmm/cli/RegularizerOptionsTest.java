package dev.causalmm.cli;

import static dev.causalmm.cli.Cli.run;
import static org.junit.jupiter.api.Assertions.*;

import dev.causalmm.causal.OGMGEConfig;
import dev.causalmm.causal.PMRConfig;
import dev.causalmm.causal.RegularizerSpec;
import dev.causalmm.causal.Regularizers;
import dev.causalmm.causal.UMTConfig;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code --regularizer} with each regulariser's own options, OGM-GE, PMR and UMT included. */
class RegularizerOptionsTest {

    /** The spec that {@code train ARGS} would train with (parsed only, nothing run). */
    static RegularizerSpec spec(String... args) {
        CommandLine root = new CommandLine(new Main());
        root.parseArgs(Stream.concat(Stream.of("train", "--out", "unused"), Arrays.stream(args)).toArray(String[]::new));
        CommandLine train = root.getSubcommands().get("train");
        return train.<TrainCommand>getCommand().regularizer.spec(train.getCommandSpec());
    }

    @Test
    void everyRegularizerStartsFromItsRecordsDefaults() {
        for (String name : Regularizers.NAMES) assertEquals(RegularizerSpec.parse(name), spec("--regularizer", name), name);
    }

    @Test
    void theImbalanceBaselinesTakeTheirOwnOptions() {
        assertEquals(new RegularizerSpec.OgmGe(new OGMGEConfig(0.3, 2, 9, false)),
                spec("--regularizer", "ogm-ge", "--ogm-ge.alpha", "0.3", "--ogm-ge.modulation-starts", "2", "--ogm-ge.modulation-ends", "9",
                        "--ogm-ge.no-noise"));
        assertEquals(new RegularizerSpec.PMR(PMRConfig.defaults().withMomentum(0.5).withAlpha(2)),
                spec("--regularizer", "pmr", "--pmr.momentum", "0.5", "--pmr.alpha", "2"));
        assertEquals(new RegularizerSpec.UMT(UMTConfig.defaults().withTeacherEpochs(3).withWeight(0.5)),
                spec("--regularizer", "umt", "--umt.teacher-epochs", "3", "--umt.weight", "0.5"));
    }

    @Test
    void anotherRegularizersOptionOrABadValueIsRefusedNamingTheOption(@TempDir Path dir) {
        String other = run(2, "train", "--epochs", "1", "--regularizer", "ogm-ge", "--pmr.momentum", "0.5", "--out", dir.resolve("a").toString());
        assertTrue(other.contains("--pmr.momentum applies only with --regularizer pmr"), other);
        String bad = run(2, "train", "--epochs", "1", "--regularizer", "pmr", "--pmr.momentum", "1", "--out", dir.resolve("b").toString());
        assertTrue(bad.startsWith("causalmm: --pmr.momentum must be in [0, 1)"), bad);
        String epochs = run(2, "train", "--epochs", "1", "--regularizer", "umt", "--umt.teacher-epochs", "0", "--out", dir.resolve("c").toString());
        assertTrue(epochs.contains("--umt.teacher-epochs must be >= 1"), epochs);
    }
}
