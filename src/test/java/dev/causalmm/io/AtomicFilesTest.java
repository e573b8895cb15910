package dev.causalmm.io;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir Path dir;

    @Test
    void filesGetTheUmaskPermissionsOfAnyNewFile() throws Exception {
        Path plain = Files.createFile(dir.resolve("plain")); // the umask decides its permissions
        Path written = dir.resolve("results.json");
        AtomicFiles.writeString(written, "{}");
        assertEquals(PosixFilePermissions.toString(Files.getPosixFilePermissions(plain)),
                PosixFilePermissions.toString(Files.getPosixFilePermissions(written)), "not 0600 like Files.createTempFile");
        assertTrue(Files.isReadable(written) && Files.readString(written).equals("{}"));
        AtomicFiles.writeString(written, "{\"a\": 1}"); // replacing keeps them too
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(written));
        try (var s = Files.list(dir)) {
            assertEquals(2, s.count(), "no temporary file left behind");
        }
    }

    @Test
    void staleTemporariesAreRemovedAndNothingElse() throws Exception {
        Path stale1 = Files.writeString(dir.resolve(".last.ckpt.123456.tmp"), "torn");
        Path stale2 = Files.writeString(dir.resolve(".results.json.9.tmp"), "torn");
        Path user1 = Files.writeString(dir.resolve("notes.tmp"), "x");
        Path user2 = Files.writeString(dir.resolve(".hidden.tmp"), "x");
        Path user3 = Files.writeString(dir.resolve(".a.b.tmp"), "x");
        Path real = Files.writeString(dir.resolve("last.ckpt"), "x");
        assertEquals(2, AtomicFiles.deleteStaleTemporaries(dir));
        assertFalse(Files.exists(stale1) || Files.exists(stale2));
        assertTrue(Files.exists(user1) && Files.exists(user2) && Files.exists(user3) && Files.exists(real));
        assertEquals(0, AtomicFiles.deleteStaleTemporaries(dir.resolve("missing")));
    }

    @Test
    void writingOverADirectoryNamesThePath() throws Exception {
        Path d = Files.createDirectories(dir.resolve("results.json"));
        var e = assertThrows(IOException.class, () -> AtomicFiles.writeString(d, "{}"));
        assertEquals("cannot write " + d + ": it is a directory, not a file", e.getMessage());
    }

    @Test
    void ioErrorsAreDescribedWithPathAndReason() {
        assertEquals("cannot access /x/y: no such file or folder", AtomicFiles.describe(new NoSuchFileException("/x/y")));
        assertEquals("cannot access /x: permission denied", AtomicFiles.describe(new java.nio.file.AccessDeniedException("/x")));
        assertEquals("cannot access /x: Is a directory",
                AtomicFiles.describe(new java.nio.file.FileSystemException("/x", null, "Is a directory")));
    }
}
