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
        var m = java.util.regex.Pattern.compile("best epoch (\\d+), test accuracy (\\d\\.\\d{3})").matcher(out);
        assertTrue(m.find(), out);
        int best = Integer.parseInt(m.group(1));
        assertTrue(best >= 1 && best <= 5, "best epoch of a 5-epoch run: " + best);
        // MMLSynData's labels carry 15 % flips, so 0.85 is the Bayes rate; with 500 test samples one
        // standard error is 0.016. A trained model lands within 3 of them; chance is 0.5, and clearly
        // above 0.85 would mean the test data leaked the label.
        double accuracy = Double.parseDouble(m.group(2));
        assertTrue(accuracy >= 0.80 && accuracy <= 0.90, "test accuracy " + accuracy + " is not near the Bayes rate 0.85");
    }
}
