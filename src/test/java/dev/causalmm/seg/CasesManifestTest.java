package dev.causalmm.seg;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.causalmm.io.Json;
import dev.causalmm.io.Nifti;
import dev.causalmm.io.NiftiImage;
import dev.causalmm.io.UserInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cases manifest of two synthetic case sets with other file names, modalities and label numbering
 * (BraTS 2018 with four modalities, BraTS 2015-style FLAIR + T1c): one channel order, the same
 * region bits from both schemes, absent modalities absent, and refusals that name the manifest.
 */
class CasesManifestTest {
    @TempDir static Path dir;
    static Path manifest;

    /** The 2018 labels of {@link SegTestVolumes#labels2018} in the 2015 numbering: the non-enhancing core (1) becomes 3. */
    static byte[] labels2015() {
        byte[] v = SegTestVolumes.labels2018().clone();
        for (int i = 0; i < v.length; i++) if (v[i] == 1) v[i] = 3;
        return v;
    }

    /** A BraTS 2015-style case: {@code Flair_<id>.nii.gz}, {@code T1c_<id>.nii.gz}, {@code OT.nii.gz} in the 2015 numbering. */
    static void write2015(Path set, String id) throws IOException {
        Path c = Files.createDirectories(set.resolve(id));
        int[] g = SegTestVolumes.GRID;
        Nifti.write(c.resolve("Flair_" + id + ".nii.gz"), NiftiImage.ofFloats(SegTestVolumes.geometry(), g, SegTestVolumes.modality(id.hashCode(), 300, 40)));
        Nifti.write(c.resolve("T1c_" + id + ".nii.gz"), NiftiImage.ofFloats(SegTestVolumes.geometry(), g, SegTestVolumes.modality(id.hashCode() + 1, 500, 40)));
        Nifti.write(c.resolve("OT.nii.gz"), NiftiImage.ofBytes(SegTestVolumes.geometry(), g, labels2015()));
    }

    static final String MANIFEST = """
            modalities: [flair, t1, t1ce, t2]
            sets:
              - name: b18
                folder: b18
                modalities: {flair: "*_flair.nii.gz", t1: "*_t1.nii.gz", t1ce: "*_t1ce.nii.gz", t2: "*_t2.nii.gz"}
                label: "*_seg.nii.gz"
                labelScheme: brats2018
              - name: b15
                folder: b15
                modalities: {flair: "Flair_*.nii.gz", t1ce: "T1c_*.nii.gz"}
                label: OT.nii.gz
                labelScheme: brats2015
                exclude: [p3]
            patients:
              - [a1, p2]
            """;

    @BeforeAll
    static void write() throws IOException {
        SegTestVolumes.writeCase(dir.resolve("b18"), "a1", ".nii.gz", true, "flair", "t1", "t1ce", "t2");
        SegTestVolumes.writeCase(dir.resolve("b18"), "a2", ".nii.gz", true, "flair", "t1", "t1ce", "t2");
        for (String id : List.of("p1", "p2", "p3")) write2015(dir.resolve("b15"), id);
        write2015(dir.resolve("dup"), "a1");
        manifest = dir.resolve("cases.yaml");
        Files.writeString(manifest, MANIFEST);
    }

    @Test
    void everySetIsReadInOneChannelOrderWithItsOwnLabelScheme() throws IOException {
        CasesManifest m = CasesManifest.read(manifest);
        List<CasesManifest.Found> found = m.discover();
        assertEquals(List.of("a1", "a2", "p1", "p2"), found.stream().map(f -> f.segCase().id()).toList(), "p3 is excluded");
        assertEquals(List.of("flair", "t1ce"), m.sets().get(1).present());
        List<SegVolume> v = SegPipeline.load(found, Optional.empty());
        SegVolume a1 = v.get(0), p1 = v.get(2);
        assertEquals(List.of("flair", "t1", "t1ce", "t2"), p1.modalities());
        assertTrue(p1.has(0) && !p1.has(1) && p1.has(2) && !p1.has(3), "the 2015 set lacks T1 and T2");
        assertTrue(a1.has(1) && a1.has(3));
        assertArrayEquals(a1.regions(), p1.regions(), "2015 and 2018 numberings of one tumour give the same WT/TC/ET bits");
        int tc = 0;
        for (byte r : p1.regions()) if ((r & SegVolume.TC) != 0) tc++;
        assertTrue(tc > 0, "the non-enhancing core (2015 label 3) is tumour core");
        var json = SegPipeline.casesJson(v, id -> id.startsWith("p") ? "b15" : "b18");
        assertEquals("[\"flair\",\"t1ce\"]", json.get(2).get("modalities").toString());
        assertEquals("b15", json.get(2).get("set").asText());
    }

    @Test
    void aCaseSeenInTrainingOrItsPatientIsReported() {
        ObjectNode data = Json.object();
        var tc = data.putArray("trainingCases");
        tc.addObject().put("case", "a1");
        tc.addObject().put("case", "p1");
        assertEquals(List.of("case p1 is a training case", "case p2 is the same patient as training case a1"),
                HeldOut.trainingOverlap(data, List.of("a2", "p1", "p2"), List.of(List.of("a1", "p2"))));
        assertEquals(List.of(), HeldOut.trainingOverlap(data, List.of("a2"), List.of(List.of("a1", "p2"))));
    }

    static String refusal(String yaml) throws IOException {
        Path f = dir.resolve("bad-" + Integer.toHexString(yaml.hashCode()) + ".yaml");
        Files.writeString(f, yaml);
        Exception e = assertThrows(UserInputException.class, () -> CasesManifest.read(f).discover());
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
        return e.getMessage();
    }

    @Test
    void aBadManifestIsRefusedNamingTheFileAndTheField() throws IOException {
        assertTrue(refusal(MANIFEST.replace("label: OT.nii.gz", "labels: OT.nii.gz")).contains("unknown field 'labels'"));
        assertTrue(refusal(MANIFEST.replace("t1ce: \"T1c_*.nii.gz\"", "adc: \"T1c_*.nii.gz\"")).contains("modality 'adc' is not in"));
        assertTrue(refusal(MANIFEST.replace("folder: b15", "folder: dup")).contains("case a1 is in set 'b18' and set 'b15'"));
        assertTrue(refusal(MANIFEST.replace("exclude: [p3]", "cases: [p9]")).contains("lists case p9"));
        assertTrue(refusal(MANIFEST.replace("name: b15", "name: b18")).contains("set name 'b18' is used twice"));
        assertTrue(refusal(MANIFEST.replace("labelScheme: brats2015", "labelScheme: brats1999")).contains("set 'b15'"));
        assertTrue(refusal(MANIFEST.replace("labelScheme: brats2015", "")).contains("'labelScheme' is required"));
        assertTrue(refusal(MANIFEST.replace("labelScheme: brats2015", "labelScheme: brats2015\n    cropMargin: 2.5")).contains("'cropMargin' must be a whole number"));
        assertTrue(refusal("modalities: [flair]\n").contains("'sets'"));
    }
}
