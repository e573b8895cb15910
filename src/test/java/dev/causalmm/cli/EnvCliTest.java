package dev.causalmm.cli;

import dev.causalmm.experiment.InterruptNotice;

import static dev.causalmm.cli.Cli.run;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.causalmm.dist.Launcher;
import dev.causalmm.engine.EnvironmentReport;
import dev.causalmm.io.Json;
import dev.causalmm.train.ProgressBar;
import dev.causalmm.train.Verbosity;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code causalmm env}, {@code --version}, {@code generate-completion} and the global -q/-v. */
class EnvCliTest {

    @Test
    void envPrintsTheReportAsTextAndJson() throws Exception {
        String text = run(0, "env");
        List<String> lines = text.lines().toList();
        assertTrue(lines.getFirst().startsWith("causalmm") && lines.getFirst().endsWith(EnvironmentReport.causalmmVersion()), text);
        for (String label : List.of("LibTorch", "Op threads", "BLAS", "CUDA", "Natives cache", "HOME")) {
            assertTrue(lines.stream().anyMatch(l -> l.startsWith(label + " ")), label + " in\n" + text);
        }
        JsonNode j = Json.MAPPER.readTree(run(0, "env", "--json"));
        assertEquals(EnvironmentReport.causalmmVersion(), j.at("/versions/causalmm").asText());
        assertTrue(j.at("/threads/intraOp").asInt() >= 1, j.toString());
        assertTrue(j.at("/cuda/available").isBoolean(), j.toString());
        assertTrue(j.at("/host/cores").asInt() >= 1, j.toString());
        assertTrue(j.at("/buildConfig").asText().contains("BLAS_INFO"), "the JSON keeps LibTorch's build configuration");
    }

    @Test
    void versionComesFromTheBuild() {
        assertEquals(EnvironmentReport.versionLine(), run(0, "--version").strip());
        assertFalse(EnvironmentReport.causalmmVersion().equals("unknown"), "version.properties was filtered by the build");
    }

    @Test
    void generateCompletionPrintsABashScriptForEveryCommand() {
        String script = run(0, "generate-completion");
        assertTrue(script.startsWith("#!/usr/bin/env bash"), script.substring(0, 100));
        assertTrue(script.contains("complete -F _complete_causalmm"), "registers the completion function");
        for (String c : List.of("train", "seg-train", "env")) assertTrue(script.contains(c), c);
        assertTrue(script.contains("--regularizer"), "train's options complete too");
    }

    @Test
    void quietAndVerboseExcludeEachOtherAndAreRestoredAfterTheCommand() {
        String both = run(2, "-q", "train", "-v", "--help");
        assertTrue(both.contains("-q/--quiet and -v/--verbose exclude each other"), both);
        run(0, "-q", "--version");
        assertNull(System.getProperty(ProgressBar.QUIET_PROPERTY), "a command's -q does not leak into the next one");
        assertTrue(InterruptNotice.appliesTo(new String[] {"-q", "train"}), "-q train still resumes");
        assertFalse(InterruptNotice.appliesTo(new String[] {"-v", "env"}));
    }

    @Test
    void eachLevelSetsTheCausalmmLoggersAndQuietStopsTheProgressBar() {
        Map<String, String> quiet = Verbosity.of(1, 0).properties();
        assertEquals("warn", quiet.get("org.slf4j.simpleLogger.log.causalmm.train"), "the epoch lines go too");
        assertEquals("true", quiet.get(ProgressBar.QUIET_PROPERTY));
        assertEquals("info", Verbosity.of(0, 1).properties().get("org.slf4j.simpleLogger.log.dev.causalmm"));
        assertEquals("debug", Verbosity.of(0, 3).properties().get("org.slf4j.simpleLogger.log.causalmm"));
        assertEquals(Map.of(), Verbosity.of(0, 0).properties(), "no flag keeps the launcher's CAUSALMM_LOG_LEVEL settings");
    }

    /** In a fresh JVM (slf4j reads its levels once): -vv after the subcommand shows Engine's debug line, no flag hides it. */
    @Test
    void verboseAfterTheSubcommandTurnsOnDebugLogging() throws Exception {
        assertTrue(child("env", "-vv").contains("LibTorch loaded in"));
        assertFalse(child("env").contains("LibTorch loaded in"));
    }

    private static String child(String... args) throws Exception {
        Process p = new ProcessBuilder(Launcher.javaCommand(Main.class.getName(), List.of(args))).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("Natives cache"), out);
        return out;
    }
}
