package dev.causalmm.data;

import static org.junit.jupiter.api.Assertions.*;

import dev.causalmm.io.FormatException;
import dev.causalmm.testing.RequiresData;
import dev.causalmm.testing.TestData;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Hdf5SplitFolderTest {
    static final Path TINY = TestData.fixture("hdf5/msa-tiny");

    @Test
    void aFolderOfModalitySplitFilesOpensAsSequenceClassification() throws Exception {
        assertTrue(Hdf5SplitFolder.isFolder(TINY));
        assertTrue(FeatureFileDatasets.isFileDataset(TINY.toString()));
        DataSplits d = FeatureFileDatasets.open(TINY, FeatureFileOptions.defaults());
        assertEquals(List.of(ModalitySpec.sequence("audio", 20, 74), ModalitySpec.sequence("video", 20, 36)), d.modalities());
        assertEquals(6, d.train().size());
        assertEquals(3, d.val().size());
        assertEquals(3, d.test().size());
        assertEquals(3, d.numClasses());
        assertEquals(2, ((ArrayDataset) d.train()).label(0)); // one-hot [0, 0, 1]
    }

    @Test
    void paddedStepsAreMaskedAndRealStepsStandardisedOnTrain() throws Exception {
        Hdf5SplitFolder f = Hdf5SplitFolder.read(TINY, true);
        float[] audio = f.values(0, 0);
        int w = 75;
        double sum = 0;
        long real = 0;
        for (int at = 0; at < audio.length; at += w) {
            if (audio[at + 74] == 0) {
                for (int j = 0; j < 74; j++) assertEquals(0f, audio[at + j], "padding stays zero");
            } else {
                sum += audio[at];
                real++;
            }
        }
        assertTrue(real > 0 && real < 6 * 20, "some steps are padding: " + real + " real");
        assertEquals(0, sum / real, 1e-4);
    }

    @Test
    void aMissingSplitFileIsNamed(@TempDir Path dir) throws Exception {
        for (String n : new String[] {"y_train.h5", "y_valid.h5", "y_test.h5", "audio_train.h5", "audio_test.h5"}) {
            Files.copy(TINY.resolve(n), dir.resolve(n));
        }
        var e = assertThrows(NoSuchFileException.class, () -> Hdf5SplitFolder.read(dir, true));
        assertTrue(e.getMessage().contains("audio_valid.h5") && e.getMessage().contains("'audio'"), e.getMessage());
    }

    @Test
    @RequiresData("msa-sequences/youtube/y_train.h5")
    void youtubeHasItsOfficialSplitsAndThreeClasses() throws Exception {
        DataSplits d = FeatureFileDatasets.open(TestData.file("msa-sequences/youtube"), FeatureFileOptions.defaults());
        assertEquals(List.of(173, 36, 60), List.of(d.train().size(), d.val().size(), d.test().size()));
        assertEquals(3, d.numClasses());
    }

    @Test
    @RequiresData("msa-sequences/mmmo/y_train.h5")
    void mmmoIsARegressionSetWhoseTargetsAreExposed() throws Exception {
        Hdf5SplitFolder f = Hdf5SplitFolder.read(TestData.file("msa-sequences/mmmo"), true);
        assertTrue(f.isRegression());
        float[] y = f.targets(0);
        assertEquals(220, y.length);
        assertEquals(1.5f, y[0]);
        for (float v : y) assertTrue(v >= 1 && v <= 5 && v * 2 == Math.rint(v * 2), "score " + v);
        assertEquals(80, f.targets(2).length);
        var e = assertThrows(FormatException.class, f::classification);
        assertTrue(e.getMessage().contains("regression"), e.getMessage());
    }
}
