package dev.causalmm.io;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProvenanceTest {
    @TempDir Path dir;

    private static ObjectNode id(String... kv) {
        ObjectNode o = Json.object();
        for (int i = 0; i < kv.length; i += 2) o.put(kv[i], kv[i + 1]);
        return o;
    }

    @Test
    void aRecordReadsBackEqualAndNamesTheFieldsThatDiffer() throws IOException {
        Provenance a = Provenance.of(Provenance.Kind.SEG_EVAL, id("checkpoint", "/a", "sha256", "1"));
        a.write(dir.resolve("owner.json"));
        Provenance back = Provenance.read(dir.resolve("owner.json"));
        assertEquals(a, back);
        assertEquals(List.of(), a.differences(back));
        Provenance b = Provenance.of(Provenance.Kind.SEG_EVAL, id("checkpoint", "/b", "sha256", "1", "extra", "x"));
        assertEquals(List.of("checkpoint", "extra"), a.differences(b));
        assertEquals(List.of("kind"), a.differences(Provenance.of(Provenance.Kind.EVAL, id("checkpoint", "/a", "sha256", "1"))));
        var e = assertThrows(UserInputException.class, () -> a.checkSameAs(b, "OUT"));
        assertEquals("OUT holds 'seg-eval' of checkpoint /b; it differs in checkpoint (/b, this run /a), extra; use a fresh --out (or --overwrite)",
                e.getMessage());
    }

    @Test
    void aDerivedRecordComparesOnlyWhatItKnowsAndAnUnknownOneOnlyResumableKinds() {
        Provenance now = Provenance.of(Provenance.Kind.EVAL, id("checkpoint", "/a", "sha256", "1"));
        assertEquals(List.of(), now.differences(new Provenance(Provenance.Kind.EVAL, id("checkpoint", "/a"), true)));
        assertEquals(List.of("checkpoint"), now.differences(new Provenance(Provenance.Kind.EVAL, id("checkpoint", "/b"), true)));
        assertEquals(List.of("identity"), now.differences(new Provenance(Provenance.Kind.EVAL, null, true)));
        Provenance train = Provenance.of(Provenance.Kind.TRAIN, id("model", "concat"));
        assertEquals(List.of(), train.differences(new Provenance(Provenance.Kind.TRAIN, null, true)), "its resume check decides");
    }

    @Test
    void olderFoldersAreRecognisedFromTheirFiles() throws IOException {
        assertTrue(OutputFolder.recognise(dir).isEmpty());
        Files.createDirectories(dir.resolve("checkpoints"));
        assertEquals(Provenance.Kind.TRAIN, OutputFolder.recognise(dir).orElseThrow().kind());
        Files.writeString(dir.resolve("results.json"), "{\"schema\": \"causalmm.experiment/1\", \"name\": \"g\"}");
        assertEquals(id("name", "g"), OutputFolder.recognise(dir).orElseThrow().identity());
        Files.writeString(dir.resolve("results.json"), "not json");
        assertEquals(Provenance.Kind.OTHER, OutputFolder.recognise(dir).orElseThrow().kind());
        Path pred = Files.createDirectories(dir.resolve("pred"));
        Files.writeString(pred.resolve("x_pred.nii.gz"), "x");
        assertEquals(Provenance.Kind.SEG_PREDICT, OutputFolder.recognise(pred).orElseThrow().kind());
    }

    @Test
    void anInterruptedSetIsRemovedByTheNextClaimAndOverwriteRemovesAnotherOwnersOutputs() throws IOException {
        Provenance mine = Provenance.of(Provenance.Kind.EXPORT, id("checkpoint", "/a"));
        OutputFolder.claim(dir, mine, false);
        assertThrows(IOException.class, () -> OutputFolder.writeSet(dir, List.of("model.json", "model.pt"), () -> {
            Files.writeString(dir.resolve("model.json"), "half");
            throw new IOException("killed");
        }));
        assertTrue(Files.exists(dir.resolve(OutputFolder.INCOMPLETE)));
        OutputFolder.claim(dir, mine, false);
        assertFalse(Files.exists(dir.resolve("model.json")) || Files.exists(dir.resolve(OutputFolder.INCOMPLETE)));
        Files.writeString(dir.resolve("model.pt"), "theirs");
        Files.writeString(dir.resolve("notes.txt"), "the user's");
        Provenance other = Provenance.of(Provenance.Kind.EXPORT, id("checkpoint", "/b"));
        assertThrows(UserInputException.class, () -> OutputFolder.claim(dir, other, false));
        OutputFolder.claim(dir, other, true);
        assertFalse(Files.exists(dir.resolve("model.pt")), "the other owner's output is removed");
        assertTrue(Files.exists(dir.resolve("notes.txt")), "other files stay");
        assertEquals(other, Provenance.read(dir.resolve(OutputFolder.OWNER_FILE)));
    }
}
