package dev.causalmm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;

/** Runs the command line in-process for tests: the exit status is checked, stdout and stderr come back as one string. */
final class Cli {
    private Cli() {}

    static String run(int expectedExit, String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(buf, true);
        System.setOut(ps);
        System.setErr(ps);
        try {
            int code = Main.execute(args);
            assertEquals(expectedExit, code, buf.toString());
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        return buf.toString();
    }
}
