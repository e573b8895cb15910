package dev.causalmm.cli;

import static dev.causalmm.cli.Cli.run;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code seg-train --lckd}: its refusals come before any case is read, each naming the option to change. */
class SegLckdCliTest {
    @TempDir Path dir;

    private String[] train(String... extra) throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        String[] base = {"seg-train", "--data", data.toString(), "--out", dir.resolve("out").toString()};
        String[] all = new String[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return all;
    }

    @Test
    void lckdWithChannelFusionIsRefusedBeforeAnyCaseIsRead() throws Exception {
        String o = run(2, train("--lckd"));
        assertTrue(o.contains("--fusion shared") && o.contains("LCKD"), o);
    }

    @Test
    void anLckdSettingWithoutLckdIsRefusedNotIgnored() throws Exception {
        String o = run(2, train("--fusion", "shared", "--lckd.weight", "0.5"));
        assertTrue(o.contains("--lckd.weight") && o.contains("give --lckd"), o);
    }

    @Test
    void aBadLckdWeightIsRefusedNamingTheOption() throws Exception {
        String o = run(2, train("--fusion", "shared", "--lckd", "--lckd.weight", "-1"));
        assertTrue(o.contains("--lckd.weight") && o.contains("-1"), o);
    }
}
