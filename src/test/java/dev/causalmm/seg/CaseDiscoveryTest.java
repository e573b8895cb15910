package dev.causalmm.seg;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaseDiscoveryTest {
    @TempDir
    Path dir;

    @Test
    void defaultBratsNamingWithMissingModalitiesAndBothExtensions() throws IOException {
        SegTestVolumes.writeCase(dir, "BraTS_002", ".nii", true, "flair", "t1ce");
        SegTestVolumes.writeCase(dir, "BraTS_001", ".nii.gz", true, "flair", "t1", "t1ce", "t2");
        SegTestVolumes.writeCase(dir, "BraTS_003", ".nii.gz", false, "t2");
        Files.createDirectories(dir.resolve("notes")); // no modality file: not a case
        Files.writeString(dir.resolve("README.txt"), "x");
        List<SegCase> cases = CaseDiscovery.discover(dir, SegDataOptions.defaults());
        assertEquals(List.of("BraTS_001", "BraTS_002", "BraTS_003"), cases.stream().map(SegCase::id).toList());
        assertEquals(java.util.Set.of("flair", "t1", "t1ce", "t2"), cases.get(0).modalityFiles().keySet()); // SegCase keeps no order; SegVolume does
        assertEquals(Map.of("flair", dir.resolve("BraTS_002/BraTS_002_flair.nii"), "t1ce", dir.resolve("BraTS_002/BraTS_002_t1ce.nii")),
                cases.get(1).modalityFiles());
        assertEquals(Optional.of(dir.resolve("BraTS_002/BraTS_002_seg.nii")), cases.get(1).labelFile());
        assertEquals(Optional.empty(), cases.get(2).labelFile());
        assertFalse(cases.get(0).modalityFiles().get("t1").toString().contains("t1ce"), "t1 must not match t1ce");
    }

    @Test
    void ambiguousGlobNamesFolderPatternAndFiles() throws IOException {
        Path c = SegTestVolumes.writeCase(dir, "c1", ".nii.gz", true, "flair");
        Files.copy(c.resolve("c1_flair.nii.gz"), c.resolve("c1_flair_old.nii.gz"));
        SegDataOptions o = SegDataOptions.defaults().withModalities(SegDataOptions.parseModalities(List.of("flair=*flair*")));
        var e = assertThrows(CaseDiscovery.DiscoveryException.class, () -> CaseDiscovery.discover(dir, o));
        assertTrue(e.getMessage().contains(c.toString()) && e.getMessage().contains("*flair*") && e.getMessage().contains("c1_flair_old.nii.gz"),
                e.getMessage());
        SegDataOptions overlap = SegDataOptions.defaults().withModalities(Map.of("flair", "c1_flair.nii.gz")).withLabel("c1_flair.nii.gz");
        e = assertThrows(CaseDiscovery.DiscoveryException.class, () -> CaseDiscovery.discover(dir, overlap));
        assertTrue(e.getMessage().contains("both"), e.getMessage());
    }

    @Test
    void noCasesOrEmptyFolderIsAClearError() throws IOException {
        var e = assertThrows(CaseDiscovery.DiscoveryException.class, () -> CaseDiscovery.discover(dir, SegDataOptions.defaults()));
        assertTrue(e.getMessage().contains(dir.toString()) && e.getMessage().contains("*_flair.nii{,.gz}"), e.getMessage());
        SegTestVolumes.writeCase(dir, "c1", ".nii.gz", true, "flair");
        SegDataOptions other = SegDataOptions.defaults().withModalities(Map.of("t1", "*.mha"));
        e = assertThrows(CaseDiscovery.DiscoveryException.class, () -> CaseDiscovery.discover(dir, other));
        assertTrue(e.getMessage().contains("*.mha"), e.getMessage());
        assertThrows(java.nio.file.NoSuchFileException.class, () -> CaseDiscovery.discover(dir.resolve("absent"), SegDataOptions.defaults()));
        assertThrows(java.nio.file.NotDirectoryException.class,
                () -> CaseDiscovery.discover(dir.resolve("c1/c1_flair.nii.gz"), SegDataOptions.defaults()));
    }

    @Test
    void aSingleCaseFolderIsOneCase() throws IOException {
        Path c = SegTestVolumes.writeCase(dir, "solo", ".nii.gz", false, "flair", "t2");
        List<SegCase> cases = CaseDiscovery.discover(c, SegDataOptions.defaults());
        assertEquals(1, cases.size());
        assertEquals("solo", cases.get(0).id());
        assertEquals(2, cases.get(0).modalityFiles().size());
    }

    @Test
    void modalitySpecsParseInOrderAndRefuseBadOnes() {
        Map<String, String> m = SegDataOptions.parseModalities(List.of("t1c=T1c*.nii.gz", "flair = Flair*.nii.gz"));
        assertEquals(List.of("t1c", "flair"), List.copyOf(m.keySet()));
        assertEquals("Flair*.nii.gz", m.get("flair"));
        for (List<String> bad : List.of(List.of("flair"), List.of("=x"), List.of("flair="), List.of("a=x", "a=y"), List.of("a b=x"),
                List.of("a=dir/x"))) {
            assertThrows(IllegalArgumentException.class, () -> SegDataOptions.parseModalities(bad), bad.toString());
        }
        assertEquals(SegDataOptions.Normalise.AUTO, SegDataOptions.Normalise.parse("Auto"));
        assertThrows(IllegalArgumentException.class, () -> SegDataOptions.Normalise.parse("maybe"));
        assertThrows(IllegalArgumentException.class, () -> SegDataOptions.defaults().withCropMargin(-1));
    }
}
