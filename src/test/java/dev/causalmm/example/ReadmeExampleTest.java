package dev.causalmm.example;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's Java example is this package's QuickStart, verbatim: it compiles and runs here. */
class ReadmeExampleTest {

    @Test
    void readmeShowsQuickStartVerbatim() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        int start = readme.indexOf("<!-- example:start -->");
        int end = readme.indexOf("<!-- example:end -->");
        assertTrue(start >= 0 && end > start, "README has the example markers");
        String block = readme.substring(start, end);
        block = block.substring(block.indexOf("```java") + 7, block.lastIndexOf("```")).strip();
        String source = Files.readString(Path.of("src/test/java/dev/causalmm/example/QuickStart.java"));
        source = source.substring(source.indexOf('\n') + 1).strip(); // drop the package line
        assertEquals(source, block, "README example and QuickStart.java differ: update README.md");
    }

    @Test
    void quickStartRunsAndReportsAccuracy() {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true));
        try {
            QuickStart.main(new String[0]);
        } finally {
            System.setOut(old);
        }
        String out = buf.toString();
        assertTrue(out.matches("(?s).*best epoch \\d+, test accuracy 0\\.[5-9]\\d\\d.*"), out);
    }
}
