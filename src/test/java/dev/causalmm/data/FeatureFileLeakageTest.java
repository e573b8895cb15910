package dev.causalmm.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 24: a feature file whose rows repeat across the sets, or give one sample two labels, is reported as leakage. No LibTorch. */
class FeatureFileLeakageTest {
    @TempDir Path dir;

    @Test
    void rowsRepeatedAcrossSetsAndTwoLabelsAreReported() throws Exception {
        StringBuilder b = new StringBuilder("f1,f2,label\n");
        for (int copy = 0; copy < 2; copy++) for (int i = 0; i < 20; i++) b.append(i).append(',').append(i * 3 % 7).append(',').append(i % 2).append('\n');
        b.append("99,99,0\n99,99,1\n");
        Path p = Files.writeString(dir.resolve("dup.csv"), b);
        DataSplits s = FeatureFileDatasets.open(p, FeatureFileOptions.defaults());
        SplitLeakage l = s.featureFile().leakage();
        ArrayDataset train = (ArrayDataset) s.train();
        assertEquals(bruteForceRepeats(train, (ArrayDataset) s.test()), l.testInTrain());
        assertEquals(bruteForceRepeats(train, (ArrayDataset) s.val()), l.valInTrain());
        assertTrue(l.testInTrain() + l.valInTrain() > 0, "40 rows of 20 samples put some copies in two sets: " + l);
        assertEquals(1, l.conflictingLabels(), l.toString());
        assertEquals(l, ((Map<?, ?>) s.featureFile().summary()).get("leakage"), "results.json's config.data carries it");
    }

    @Test
    void distinctRowsReportNothing() throws Exception {
        StringBuilder b = new StringBuilder("f1,f2,label\n");
        for (int i = 0; i < 30; i++) b.append(i).append(',').append(i * 2).append(',').append(i % 2).append('\n');
        DataSplits s = FeatureFileDatasets.open(Files.writeString(dir.resolve("t.csv"), b), FeatureFileOptions.defaults());
        assertEquals(new SplitLeakage(0, 0, 0, java.util.List.of()), s.featureFile().leakage());
    }

    /** Rows of {@code other} equal to some training row, compared value by value. */
    private static int bruteForceRepeats(ArrayDataset train, ArrayDataset other) {
        int d = (int) train.modalities().getFirst().elementCount(), n = 0;
        assertEquals(1, train.modalities().size());
        for (int i = 0; i < other.size(); i++) {
            for (int j = 0; j < train.size(); j++) {
                if (Arrays.equals(other.values(0), i * d, (i + 1) * d, train.values(0), j * d, (j + 1) * d)) {
                    n++;
                    break;
                }
            }
        }
        return n;
    }
}
