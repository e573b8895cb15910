package dev.causalmm.cli;

import static dev.causalmm.cli.Cli.run;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.causalmm.io.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code train --config FILE.yaml} and picocli's {@code @argfile}s. */
class TrainConfigFileTest {

    static CommandLine.Model.CommandSpec train() {
        return new CommandLine(new Main()).getSubcommands().get("train").getCommandSpec();
    }

    @Test
    void yamlKeysBecomeOptionsAndTheCommandLineWins(@TempDir Path dir) throws Exception {
        Path yaml = Files.writeString(dir.resolve("run.yaml"), """
                model: concat
                epochs: 5
                seed: [1, 2]
                progress: false
                qmf-compat: false
                c3r: {eta: 0.2}
                encoder: [a=x.pt, b=y.pt]
                """);
        List<String> args = ConfigFileArgs.expand(train(), List.of("--epochs", "2", "--config", yaml.toString(), "--out", "o"));
        assertEquals(List.of("--model", "concat", "--seed", "1,2", "--no-progress", "--c3r.eta", "0.2", "--encoder", "a=x.pt",
                "--encoder", "b=y.pt", "--epochs", "2", "--out", "o"), args);
        // --no-progress on the command line drops the file's progress key; --config=FILE works too
        assertFalse(ConfigFileArgs.expand(train(), List.of("--config=" + yaml, "--no-progress")).contains("--progress"));
        assertEquals(List.of("--epochs", "3"), ConfigFileArgs.expand(train(), List.of("--epochs", "3")), "no --config: unchanged");
    }

    @Test
    void anUnknownKeyOrAWrongValueNamesTheFileAndTheKey(@TempDir Path dir) throws Exception {
        Path yaml = Files.writeString(dir.resolve("bad.yaml"), "epochs: 2\nepoch: 3\n");
        String out = run(2, "train", "--config", yaml.toString(), "--out", dir.resolve("o").toString());
        assertTrue(out.contains(yaml + ": unknown key 'epoch'"), out);
        Files.writeString(yaml, "progress: maybe\n");
        out = run(2, "train", "--config", yaml.toString());
        assertTrue(out.contains("key 'progress' is a switch"), out);
        Files.writeString(yaml, "epochs: [1, 2]\n");
        out = run(2, "train", "--config", yaml.toString());
        assertTrue(out.contains("key 'epochs' takes one value"), out);
        out = run(2, "train", "--config", dir.resolve("missing.yaml").toString());
        assertTrue(out.contains("missing.yaml: no such file"), out);
        assertTrue(Files.notExists(dir.resolve("o")), "nothing was written");
    }

    @Test
    void theFileCanHoldRequiredOptionsAndIsCheckedLikeTheCommandLine(@TempDir Path dir) throws Exception {
        Path yaml = Files.writeString(dir.resolve("run.yaml"), "out: " + dir.resolve("o") + "\nnproc: 0\ndist-timeout: 0\n");
        String out = run(2, "train", "--config", yaml.toString());
        assertTrue(out.contains("--dist-timeout must be >= 1 second, got 0"), out);
        out = run(2, "train", "--config", yaml.toString(), "--dist-timeout", "60");
        assertTrue(out.contains("--nproc must be in [1, ") && out.contains("got 0"), "the command line's --dist-timeout wins: " + out);
    }

    @Test
    void anArgFileIsReadByPicocli(@TempDir Path dir) throws Exception {
        Path args = Files.writeString(dir.resolve("args.txt"), "# a comment\n--out " + dir.resolve("o") + "\n--nproc 0 # zero\n");
        String out = run(2, "train", "@" + args);
        assertTrue(out.contains("--nproc must be in [1, ") && out.contains("got 0"), out);
    }

    @Test
    void aConfigFileTrainsWithTheCommandLineOverridingIt(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("run");
        Path yaml = Files.writeString(dir.resolve("run.yaml"), """
                dataset: mmlsyn
                model: concat
                regularizer: c3r
                c3r:
                  eta: 0.2
                epochs: 3
                seed: [4, 5]
                batch-size: 32
                train-size: 600
                val-size: 100
                test-size: 100
                progress: false
                out: %s
                """.formatted(out));
        run(0, "train", "--config", yaml.toString(), "--epochs", "1");
        JsonNode config = Json.MAPPER.readTree(out.resolve("results.json").toFile()).get("config");
        assertEquals(1, config.get("epochs").asInt(), "the command line's --epochs wins");
        assertEquals("[4,5]", config.get("seeds").toString());
        assertEquals("concat", config.get("model").asText());
        assertEquals(0.2, config.at("/c3r/eta").asDouble(), 1e-12, config.toString());
    }
}
