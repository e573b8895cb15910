package dev.causalmm.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The torchrun-style environment: accepted values, and a message naming the variable for each bad one. */
class DistEnvTest {
    static Map<String, String> env(String... kv) {
        Map<String, String> m = new HashMap<>(Map.of("RANK", "1", "WORLD_SIZE", "2", "LOCAL_RANK", "1", "MASTER_ADDR", "10.0.0.5", "MASTER_PORT", "29500"));
        for (int i = 0; i < kv.length; i += 2) {
            if (kv[i + 1] == null) m.remove(kv[i]);
            else m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    static String error(Map<String, String> env) {
        return assertThrows(IllegalArgumentException.class, () -> DistEnv.from(env)).getMessage();
    }

    @Test
    void parsesTheFiveVariables() {
        DistEnv e = DistEnv.from(env()).orElseThrow();
        assertEquals(new DistEnv(1, 2, 1, "10.0.0.5", 29500), e);
        assertEquals(0, DistEnv.from(env("LOCAL_RANK", null)).orElseThrow().localRank(), "LOCAL_RANK is optional");
        // under torchrun the agent hosts the store; workers use PyTorch's per-attempt key prefix
        assertEquals("/worker/attempt_2", DistEnv.from(env("TORCHELASTIC_USE_AGENT_STORE", "True", "TORCHELASTIC_RESTART_COUNT", "2"))
                .orElseThrow().agentStorePrefix());
        assertEquals(null, DistEnv.from(env("TORCHELASTIC_USE_AGENT_STORE", "False")).orElseThrow().agentStorePrefix());
    }

    @Test
    void noVariablesMeansOneProcess() {
        assertTrue(DistEnv.from(Map.of("MASTER_ADDR", "x", "PATH", "/bin")).isEmpty());
    }

    @Test
    void badValuesNameTheVariable() {
        assertTrue(error(env("RANK", "one")).startsWith("RANK='one' is not a whole number"), error(env("RANK", "one")));
        assertTrue(error(env("WORLD_SIZE", "2.5")).startsWith("WORLD_SIZE='2.5'"));
        assertTrue(error(env("RANK", "2")).startsWith("RANK=2 must be in 0..1"), error(env("RANK", "2")));
        assertTrue(error(env("RANK", "-1")).startsWith("RANK=-1"));
        assertTrue(error(env("WORLD_SIZE", "0", "RANK", "0")).startsWith("WORLD_SIZE=0 must be >= 1"));
        assertTrue(error(env("LOCAL_RANK", "-3")).startsWith("LOCAL_RANK=-3"));
        assertTrue(error(env("MASTER_ADDR", null)).startsWith("MASTER_ADDR is not set"));
        assertTrue(error(env("MASTER_ADDR", " ")).startsWith("MASTER_ADDR is not set"));
        assertTrue(error(env("MASTER_PORT", "70000")).startsWith("MASTER_PORT=70000 is out of range (1..65535)"));
        assertTrue(error(env("MASTER_PORT", "0")).startsWith("MASTER_PORT=0 is out of range"));
        assertTrue(error(env("MASTER_PORT", null)).startsWith("MASTER_PORT is not set"));
        assertTrue(error(env("WORLD_SIZE", null)).startsWith("WORLD_SIZE is not set"));
    }

    @Test
    void launcherStripsItsOwnOption() {
        assertEquals(List.of("train", "--out", "x", "--epochs", "2"),
                Launcher.withoutOption(List.of("train", "--nproc", "4", "--out", "x", "--nproc=3", "--epochs", "2"), "--nproc"));
    }
}
