package dev.causalmm.engine;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class EnvironmentReportTest {

    /** The project's version as pom.xml states it (the first version after the artifactId). */
    static String pomVersion() throws Exception {
        Matcher m = Pattern.compile("<artifactId>causalmm</artifactId>\\s*<version>([^<]+)</version>").matcher(Files.readString(Path.of("pom.xml")));
        assertTrue(m.find(), "pom.xml names causalmm's version");
        return m.group(1);
    }

    @Test
    void theCausalmmVersionIsTheOneTheBuildFilteredIn() throws Exception {
        assertEquals(pomVersion(), EnvironmentReport.causalmmVersion());
        String line = EnvironmentReport.versionLine();
        assertTrue(line.startsWith("causalmm " + pomVersion() + " (LibTorch "), line);
        assertTrue(line.matches(".*LibTorch \\d+\\.\\d+\\.\\d+, JavaCPP presets \\d+\\.\\d+\\.\\d+\\)"), line);
    }

    @Test
    void theReportIsFilledFromTheRunningProcess() throws Exception {
        EnvironmentReport r = EnvironmentReport.collect();
        var v = r.versions();
        assertEquals(pomVersion(), v.causalmm());
        assertTrue(v.libtorch().matches("\\d+\\.\\d+\\.\\d+.*"), v.libtorch());
        assertTrue(v.pytorchPresets().startsWith(v.libtorch() + "-"), "presets " + v.pytorchPresets() + " wrap LibTorch " + v.libtorch());
        assertTrue(v.pytorchPresets().endsWith("-" + v.javacpp()), v.pytorchPresets() + " vs javacpp " + v.javacpp());
        assertTrue(v.openblasPresets().endsWith("-" + v.javacpp()), v.openblasPresets());
        assertEquals(org.bytedeco.javacpp.Loader.getPlatform(), v.platform());
        assertTrue(r.java().version().startsWith(Integer.toString(Runtime.version().feature())), r.java().version());
        assertEquals(System.getProperty("java.home"), r.java().home());
        assertFalse(r.java().vendor().isBlank());

        assertEquals(Engine.threads(), r.threads().intraOp());
        assertTrue(r.threads().interOp() >= 1, "inter-op " + r.threads().interOp());
        assertEquals(1, r.threads().blasThreads(), "Engine keeps OpenBLAS at one thread");
        assertNotEquals("unknown", r.threads().backend());
        assertNotEquals("unknown", r.blas().library());
        assertFalse(r.blas().cpuCapability().isBlank());

        assertEquals(Engine.cudaStatus(), r.cuda());
        if (!r.cuda().available()) assertFalse(r.cuda().reason().isBlank(), "an absent CUDA says why");
        assertTrue(Files.isDirectory(Path.of(r.natives().folder())), "the natives were unpacked into " + r.natives().folder());
        assertEquals(System.getProperty("user.home"), r.natives().home());
        assertEquals(Runtime.getRuntime().availableProcessors(), r.host().cores());
        assertTrue(r.host().memoryBytes() > r.host().maxHeapBytes() / 2, "memory " + r.host().memoryBytes());
        assertTrue(r.buildConfig().contains("TORCH_VERSION=" + v.libtorch()), r.buildConfig());
    }

    @Test
    void theTextFormHasOneLabelledLinePerTopic() {
        List<String> lines = EnvironmentReport.collect().lines();
        for (String label : List.of("causalmm", "Java", "Java home", "LibTorch", "Presets", "Op threads", "BLAS", "CUDA", "Natives cache",
                "HOME", "OS", "CPU / memory")) {
            assertEquals(1, lines.stream().filter(l -> l.startsWith(String.format("%-14s ", label))).count(), label + " in " + lines);
        }
        assertTrue(lines.stream().noneMatch(l -> l.contains("null")), String.join("\n", lines));
    }

    @Test
    void buildSettingsAreSplitAtTheirKeysNotInsideFlags() {
        String config = "PyTorch built with:\n  - Build settings: BLAS_INFO=open, CXX_FLAGS=-O2 -DUSE_X=ON -Wall, LAPACK_INFO=open,"
                + " TORCH_VERSION=2.10.0, USE_CUDA=0, \n";
        Map<String, String> s = EnvironmentReport.buildSettings(config);
        assertEquals("open", s.get("BLAS_INFO"));
        assertEquals("-O2 -DUSE_X=ON -Wall", s.get("CXX_FLAGS"));
        assertEquals("2.10.0", s.get("TORCH_VERSION"));
        assertEquals("0", s.get("USE_CUDA"));
        assertEquals(5, s.size(), s.toString());
        assertEquals(Map.of(), EnvironmentReport.buildSettings("no settings line"));
    }
}
