package dev.causalmm.testing;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one data location: -Dcausalmm.data, else CAUSALMM_DATA, and the reasons a missing file gives. */
class TestDataTest {

    @Test
    void thePropertyWinsOverTheEnvironment() {
        assertEquals(Optional.of(Path.of("/a").toAbsolutePath()), TestData.locate("/a", "/b"));
        assertEquals(Optional.of(Path.of("/b").toAbsolutePath()), TestData.locate(null, "/b"));
        assertEquals(Optional.of(Path.of("/b").toAbsolutePath()), TestData.locate(" ", "/b"));
        assertEquals(Optional.empty(), TestData.locate(null, null));
    }

    @Test
    void anUnresolvedMavenExpressionCountsAsUnset() {
        assertEquals(Optional.of(Path.of("/b").toAbsolutePath()), TestData.locate("${causalmm.data}", "/b"));
        assertEquals(Optional.empty(), TestData.locate("${causalmm.data}", ""));
    }

    @Test
    void aRelativeFolderIsResolvedAgainstTheWorkingDirectory() {
        assertEquals(Path.of("").toAbsolutePath().getParent().resolve("some/data"), TestData.locate("../some/data", null).orElseThrow());
    }

    @Test
    void missingFilesAreNamedInTheirGroup(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("multiview"));
        Files.writeString(dir.resolve("multiview/a.mat"), "x");
        assertEquals(Optional.empty(), TestData.missing(Optional.of(dir), List.of("multiview/a.mat")));
        String partial = TestData.missing(Optional.of(dir), List.of("multiview/a.mat", "brats2015-sample")).orElseThrow();
        assertEquals(SkipGroup.DATA_INCOMPLETE, SkipGroup.of(partial).orElseThrow());
        assertTrue(partial.endsWith(dir + " has no brats2015-sample"), partial);
        String none = TestData.missing(Optional.empty(), List.of("multiview/a.mat")).orElseThrow();
        assertEquals("no data folder (set -Dcausalmm.data or CAUSALMM_DATA): needs multiview/a.mat", none);
    }

    @Test
    void vendoredFixturesAreThereAndAMissingOneIsNamed() {
        assertTrue(Files.isRegularFile(TestData.fixture("nifti-conformance/standard.nii.gz")));
        var e = assertThrows(IllegalStateException.class, () -> TestData.fixture("nope.nii"));
        assertTrue(e.getMessage().contains("nope.nii"), e.getMessage());
    }
}
