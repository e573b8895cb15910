package dev.causalmm.seg;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.causalmm.io.Json;
import dev.causalmm.testing.RequiresData;
import dev.causalmm.testing.TestData;
import dev.causalmm.train.metrics.MetricsLoggers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two shared real samples as one training set through a cases manifest: BraTS 2017/2018 cases
 * with four modalities and the 2018 numbering beside BraTS 2015 cases with FLAIR and T1c only, other
 * file names, z-scored intensities and the 2015 numbering. Two training steps on one case of each
 * (no accuracy is claimed), then a held-out evaluation on one other case of each, and the refusal
 * of the BraTS 2015 case that is the same patient as a 2018 training case.
 */
@RequiresData({"brats-multimodal-sample", "brats2015-sample"})
class BratsCaseSetsTest {
    @TempDir Path dir;

    static final String SETS = """
            modalities: [flair, t1, t1ce, t2]
            sets:
              - name: brats2018
                folder: %s
                modalities: {flair: "*_flair.nii.gz", t1: "*_t1.nii.gz", t1ce: "*_t1ce.nii.gz", t2: "*_t2.nii.gz"}
                label: "*_seg.nii.gz"
                labelScheme: brats2018
                cases: [%s]
              - name: brats2015
                folder: %s
                modalities: {flair: "Flair*.nii.gz", t1ce: "T1c*.nii.gz"}
                label: OTMultiClass.nii.gz
                mask: brainmask.nii.gz
                labelScheme: brats2015
                cases: [%s]
            patients:
              - [Brats18_2013_2_1, brats_2013_pat0002_1]
            """;

    Path manifest(String name, String case18, String case15) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, SETS.formatted(TestData.file("brats-multimodal-sample"), case18, TestData.file("brats2015-sample"), case15));
        return f;
    }

    @Test
    void bothSamplesTrainAsOneSetAndTheHeldOutReportListsEachCasesModalities() throws IOException {
        Path ckpt = dir.resolve("ckpt");
        SegRecipe recipe = SegRecipe.defaults().withSteps(2).withBatchSize(1).withPatch(16).withDownsample(4).withWidth(4).withDepth(1)
                .withTimeLimitSeconds(0).withCheckpointEvery(2);
        SegPipeline.train(CasesManifest.read(manifest("train.yaml", "Brats18_2013_2_1", "brats_2013_pat0001_1")), Optional.empty(), recipe,
                ckpt, false, MetricsLoggers.DEFAULT, false);
        JsonNode cases = SegCheckpoint.readConfig(ckpt).data().get("trainingCases");
        assertEquals("[{\"case\":\"Brats18_2013_2_1\",\"set\":\"brats2018\",\"modalities\":[\"flair\",\"t1\",\"t1ce\",\"t2\"]},"
                + "{\"case\":\"brats_2013_pat0001_1\",\"set\":\"brats2015\",\"modalities\":[\"flair\",\"t1ce\"]}]", cases.toString());

        var settings = new SegEvaluation.Settings(new SlidingWindow.Settings(new int[] {16, 16, 16}, 0.25, SlidingWindow.Blend.GAUSSIAN),
                new double[] {0.5, 0.5, 0.5}, 0, false);
        Path held = manifest("held.yaml", "Brats17_2013_27_1", "brats_2013_pat0005_1");
        SegEvaluation.Result r = SegPipeline.evaluate(ckpt, CasesManifest.read(held), Optional.empty(), settings, dir.resolve("eval"), false);
        assertEquals(2, r.rows().getFirst().cases(), "FLAIR alone: both held-out cases");
        assertEquals(1, r.rows().getLast().cases(), "all four: only the 2017 case has T1 and T2");
        String report = Files.readString(dir.resolve("eval/report.md"));
        assertTrue(report.contains("| brats_2013_pat0001_1 | brats2015 | flair, t1ce |"), report);

        Path samePatient = manifest("same.yaml", "Brats17_2013_27_1", "brats_2013_pat0002_1");
        var e = assertThrows(IllegalArgumentException.class,
                () -> SegPipeline.evaluate(ckpt, CasesManifest.read(samePatient), Optional.empty(), settings, dir.resolve("eval2"), false));
        assertTrue(e.getMessage().contains("case brats_2013_pat0002_1 is the same patient as training case Brats18_2013_2_1"), e.getMessage());
    }
}
