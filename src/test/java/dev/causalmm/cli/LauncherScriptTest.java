package dev.causalmm.cli;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./causalmm} launcher's build logic, on a copy of the script in a scratch project whose
 * {@code CAUSALMM_MVNW} is a stub that logs its arguments and lays out an empty target/, and whose
 * {@code JAVA_HOME} is a stub JDK that prints the java command it was given: no Maven, no JVM.
 */
class LauncherScriptTest {
    @TempDir Path project;
    Path log;

    @BeforeEach
    void scratchProject() throws IOException {
        assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "the launcher is a bash script");
        Files.createDirectories(project.resolve(".mvn"));
        Files.copy(Path.of("causalmm"), project.resolve("causalmm"));
        Files.copy(Path.of(".mvn/find-jdk.sh"), project.resolve(".mvn/find-jdk.sh"));
        Files.createDirectories(project.resolve("src/main/java"));
        Files.writeString(project.resolve("src/main/java/A.java"), "class A {}");
        Files.writeString(project.resolve("pom.xml"), "<project/>");
        log = project.resolve("builds.log");
        // the stub "mvnw": one log line per build, a pause (STUB_SLEEP) so concurrent launchers overlap, then target/
        Files.writeString(project.resolve("stub-mvnw"), """
                #!/usr/bin/env bash
                echo "build $*" >> "$STUB_LOG"
                sleep "${STUB_SLEEP:-0}"
                mkdir -p target/lib
                touch target/causalmm-9.9.jar target/causalmm-9.9-sources.jar
                """);
        // a stub JDK 25: find-jdk.sh's version probe gets its answer, every other call prints its arguments
        Files.createDirectories(project.resolve("jdk/bin"));
        Files.writeString(project.resolve("jdk/bin/java"), """
                #!/usr/bin/env bash
                case "$*" in *-XshowSettings*) echo "    java.specification.version = 25" >&2 ;; *) echo "java $*" ;; esac
                """);
        Files.writeString(project.resolve("jdk/bin/javac"), "#!/usr/bin/env bash\n");
        for (String f : List.of("causalmm", "stub-mvnw", "jdk/bin/java", "jdk/bin/javac")) {
            Files.setPosixFilePermissions(project.resolve(f), PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    /** The PATH without flock links to tools outside the scratch folder: remove the links, not their targets. */
    @AfterEach
    void removeLinks() throws IOException {
        try (Stream<Path> files = Files.walk(project)) {
            for (Path f : files.filter(Files::isSymbolicLink).toList()) Files.delete(f);
        }
    }

    @Test
    void concurrentLaunchersOnAStaleBuildWaitForOneBuild() throws Exception {
        List<Process> ps = new ArrayList<>();
        for (int i = 0; i < 3; i++) ps.add(start(Map.of("STUB_SLEEP", "1"), "--version"));
        String jar = project.resolve("target/causalmm-9.9.jar").toString();
        for (Process p : ps) {
            String out = finish(p, 0);
            assertTrue(out.contains("-cp " + jar + ":" + project.resolve("target/lib") + "/* dev.causalmm.cli.Main --version"), out);
        }
        assertEquals(List.of("build -B -q -DskipTests package"), Files.readAllLines(log), "one build for three launchers");
        assertEquals("cpu", Files.readString(project.resolve("target/.causalmm-profile")).strip());
        finish(start(Map.of(), "--version"), 0);
        assertEquals(1, Files.readAllLines(log).size(), "an up-to-date build is reused");
    }

    @Test
    void withoutFlockAMkdirLockStillLetsOneLauncherBuild() throws Exception {
        Path bin = Files.createDirectories(project.resolve("bin-without-flock"));
        for (String tool : List.of("bash", "env", "dirname", "readlink", "sed", "head", "cut", "ls", "cat", "find", "mkdir", "rmdir", "rm",
                "sleep", "touch")) {
            Path t = Stream.of("/usr/bin/", "/bin/").map(d -> Path.of(d + tool)).filter(Files::isExecutable).findFirst().orElseThrow();
            Files.createSymbolicLink(bin.resolve(tool), t);
        }
        Map<String, String> env = Map.of("PATH", bin.toString(), "STUB_SLEEP", "1");
        List<Process> ps = new ArrayList<>();
        for (int i = 0; i < 3; i++) ps.add(start(env, "--version"));
        for (Process p : ps) finish(p, 0);
        assertEquals(1, Files.readAllLines(log).size(), Files.readString(log));
        assertTrue(Files.notExists(project.resolve("target/.build.lock.d")), "the lock is released");
    }

    @Test
    void aGpuBuildIsKeptUntilAnotherProfileIsAskedFor() throws Exception {
        String first = finish(start(Map.of("CAUSALMM_PROFILE", "gpu"), "--version"), 0);
        assertTrue(first.contains("building (first run, profile gpu)"), first);
        // sources change, no profile named: the rebuild stays -Pgpu
        Files.setLastModifiedTime(project.resolve("target/causalmm-9.9.jar"),
                java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 10_000));
        Files.writeString(project.resolve("src/main/java/B.java"), "class B {}");
        String rebuilt = finish(start(Map.of(), "--version"), 0);
        assertTrue(rebuilt.contains("sources changed, profile gpu"), rebuilt);
        // asking for the CPU build says so and rebuilds without -Pgpu
        String cpu = finish(start(Map.of("CAUSALMM_PROFILE", "cpu"), "--version"), 0);
        assertTrue(cpu.contains("the current build is 'gpu'; rebuilding with CAUSALMM_PROFILE=cpu"), cpu);
        assertEquals(List.of("build -B -q -DskipTests -Pgpu package", "build -B -q -DskipTests -Pgpu package",
                "build -B -q -DskipTests package"), Files.readAllLines(log));
        String bad = finish(start(Map.of("CAUSALMM_PROFILE", "tpu"), "--version"), 2);
        assertTrue(bad.contains("CAUSALMM_PROFILE must be cpu or gpu, got 'tpu'"), bad);
        String quiet = finish(start(Map.of("CAUSALMM_PROFILE", "gpu"), "-q", "--version"), 0);
        assertFalse(quiet.contains("causalmm: building"), "-q hides the build notice: " + quiet);
        assertTrue(quiet.contains("rebuilding with CAUSALMM_PROFILE=gpu"), "but not the profile switch: " + quiet);
    }

    private Process start(Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("/bin/bash", project.resolve("causalmm").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(project.toFile()).redirectErrorStream(true);
        pb.environment().put("CAUSALMM_MVNW", project.resolve("stub-mvnw").toString());
        pb.environment().put("STUB_LOG", log.toString());
        pb.environment().put("JAVA_HOME", project.resolve("jdk").toString());
        pb.environment().remove("CAUSALMM_PROFILE");
        pb.environment().putAll(env);
        return pb.start();
    }

    private static String finish(Process p, int exit) throws Exception {
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), out);
        assertEquals(exit, p.exitValue(), out);
        return out;
    }
}
