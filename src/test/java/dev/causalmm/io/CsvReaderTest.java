package dev.causalmm.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one CSV reader: quotes, BOM, CRLF, line numbers, and clear errors for bad or binary input. No LibTorch. */
class CsvReaderTest {
    @TempDir Path dir;

    @Test
    void quotedFieldsMaySpanLinesAndRecordsKnowTheirStartLine() throws Exception {
        var r = new CsvReader(new StringReader("\uFEFFa,b\r\n\"x, \"\"y\"\"\r\nz\",2\r\n\r\nlast,3"), "t.csv", ',');
        assertEquals(List.of("a", "b"), r.next());
        assertEquals(1, r.line());
        assertEquals(List.of("x, \"y\"\r\nz", "2"), r.next());
        assertEquals(2, r.line());
        assertEquals(List.of(""), r.next()); // the blank line
        assertEquals(List.of("last", "3"), r.next());
        assertEquals(5, r.line());
        assertNull(r.next());
    }

    @Test
    void theSeparatorIsSniffedFromTheFirstNonBlankLine() throws Exception {
        var r = new CsvReader(new StringReader("\n1;2\n3;4\n"), "t.csv", (char) 0);
        assertEquals(List.of(""), r.next());
        assertEquals(List.of("1", "2"), r.next());
        assertEquals(';', r.separator());
        assertEquals(List.of("3", "4"), r.next());
        assertEquals(3, r.line());
    }

    @Test
    void anUnclosedQuoteNamesTheFileAndTheLineItStartsOn() throws Exception {
        var r = new CsvReader(new StringReader("a,b\n1,\"open\n2,3\n"), "t.csv", ',');
        r.next();
        var e = assertThrows(FormatException.class, r::next);
        assertEquals("t.csv: line 2: a quoted field is not closed (expected a closing \")", e.getMessage());
        assertEquals(2, r.problemLine());
    }

    @Test
    void aBinaryFileIsReportedAsNotCsvText() throws Exception {
        Path f = Files.write(dir.resolve("data.csv"), new byte[] {'1', ',', '2', '\n', (byte) 0xC3, (byte) 0x28, 0, 7});
        var e = assertThrows(FormatException.class, () -> CsvTable.read(f, false));
        assertTrue(e.getMessage().startsWith(f + ": line 2: not UTF-8 text"), e.getMessage());
        Path z = Files.write(dir.resolve("zeros.csv"), new byte[] {'1', ',', 0, 0});
        var e2 = assertThrows(FormatException.class, () -> CsvTable.read(z, false));
        assertTrue(e2.getMessage().contains("line 1: holds a NUL byte"), e2.getMessage());
    }

    @Test
    void badBytesFarIntoAFileAreReportedOnTheirOwnLine() throws Exception {
        var b = new ByteArrayOutputStream();
        for (int i = 0; i < 10_000; i++) b.writeBytes("1,2\r\n".getBytes(StandardCharsets.UTF_8));
        b.writeBytes(new byte[] {'3', ',', (byte) 0xFF, '\n'});
        Path f = Files.write(dir.resolve("late.csv"), b.toByteArray());
        var e = assertThrows(FormatException.class, () -> CsvTable.read(f, false));
        assertEquals(f + ": line 10001: not UTF-8 text (a binary file?)", e.getMessage());
        try (Utf8Lines lines = Utf8Lines.open(f)) {
            assertEquals("1,2", lines.nextLine());
            assertEquals(1, lines.line());
        }
    }
}
