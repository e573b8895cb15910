package dev.causalmm.data;

import static org.junit.jupiter.api.Assertions.*;

import dev.causalmm.engine.DType;
import dev.causalmm.engine.TensorScope;
import java.lang.foreign.Arena;
import java.util.List;
import org.junit.jupiter.api.Test;

class RegressionDataTest {
    static final Task.Regression SCALAR = Task.Regression.scalar(Task.Loss.MSE);

    @Test
    void aDatasetDeclaresItsTaskAndClassificationIsTheDefault() {
        ArrayDataset cls = new ArrayDataset("c", ModalitySpec.vectors(new int[] {2}), new float[][] {{1, 2, 3, 4}}, new int[] {0, 2}, null, 3);
        assertEquals(new Task.Classification(3), cls.task());
        assertEquals(DType.INT64, cls.task().labelStorage());
        ArrayDataset reg = RegressionFixtures.twoModalities("r", 10, 1, new Task.Regression(3, Task.Loss.L1));
        assertEquals(new Task.Regression(3, Task.Loss.L1), reg.task());
        assertEquals(0, reg.numClasses());
        assertEquals(12, reg.task().labelBytes());
        assertThrows(IllegalArgumentException.class, () -> new Task.Regression(0, Task.Loss.MSE));
        assertThrows(IllegalArgumentException.class, () -> new Task.Regression(1, null));
    }

    @Test
    void regressionTargetsAreCheckedAndSurviveSubsetAndNoise() {
        var specs = ModalitySpec.vectors(new int[] {1});
        var e = assertThrows(IllegalArgumentException.class,
                () -> ArrayDataset.regression("bad", specs, new float[][] {{1, 2}}, new float[] {0.5f, Float.NaN}, null, SCALAR));
        assertTrue(e.getMessage().contains("sample 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> ArrayDataset.regression("odd", specs, new float[][] {{1}}, new float[] {1, 2, 3}, null, new Task.Regression(2, Task.Loss.MSE)));
        ArrayDataset ds = ArrayDataset.regression("ok", specs, new float[][] {{1, 2, 3}}, new float[] {-1.5f, 0, 2.25f}, null, SCALAR);
        ArrayDataset sub = ds.subset("sub", new int[] {2, 0});
        assertEquals(2.25f, sub.target(0, 0));
        assertEquals(-1.5f, sub.target(1, 0));
        assertEquals(SCALAR, sub.task());
        assertEquals(0f, ds.withGaussianNoise("n", new double[] {1}, 3).target(1, 0));
    }

    @Test
    void theSampleReaderSeesTheTarget() {
        ArrayDataset ds = RegressionFixtures.twoModalities("r", 4, 2, new Task.Regression(2, Task.Loss.MSE));
        try (Arena arena = Arena.ofConfined()) {
            SampleReader r = new SampleReader(arena, ds.modalities());
            r.read(ds, 3);
            assertArrayEquals(new float[] {ds.target(3, 0), ds.target(3, 1)}, r.target());
        }
    }

    @Test
    void loaderBatchesCarryFloatTargetsOfShapeBByDims() {
        ArrayDataset ds = RegressionFixtures.twoModalities("r", 10, 3, new Task.Regression(2, Task.Loss.MSE));
        DataLoader loader = new DataLoader(ds, DataLoader.Options.shuffled(4, 7));
        try (var s = TensorScope.open("t"); var epoch = loader.epoch(0)) {
            int seen = 0;
            while (epoch.hasNext()) {
                try (Batch b = epoch.next()) {
                    assertEquals(DType.FLOAT32, b.labels().dtype());
                    assertArrayEquals(new long[] {b.size(), 2}, b.labels().shape());
                    float[] y = b.labels().toFloatArray();
                    int[] idx = b.indices();
                    for (int i = 0; i < idx.length; i++) {
                        assertEquals(ds.target(idx[i], 0), y[2 * i]);
                        assertEquals(ds.target(idx[i], 1), y[2 * i + 1]);
                    }
                    seen += b.size();
                }
            }
            assertEquals(10, seen);
        }
    }

    @Test
    void theUploadPathCarriesTheSameFloatTargetsAsTheCpuPath() {
        ArrayDataset ds = RegressionFixtures.twoModalities("r", 37, 4, new Task.Regression(3, Task.Loss.L1));
        DataLoader cpu = new DataLoader(ds, DataLoader.Options.shuffled(8, 5));
        DataLoader upload = new DataLoader(ds, DataLoader.Options.shuffled(8, 5), true);
        for (int epoch = 0; epoch < 2; epoch++) {
            try (var s = TensorScope.open("t"); var a = cpu.epoch(epoch); var b = upload.epoch(epoch)) {
                while (a.hasNext()) {
                    try (Batch x = a.next(); Batch y = b.next()) {
                        assertArrayEquals(x.indices(), y.indices());
                        assertEquals(DType.FLOAT32, y.labels().dtype());
                        assertArrayEquals(new long[] {y.size(), 3}, y.labels().shape());
                        assertArrayEquals(x.labels().toFloatArray(), y.labels().toFloatArray(), 0f);
                    }
                }
                assertFalse(b.hasNext());
            }
        }
    }

    @Test
    void classificationBatchesKeepInt64Labels() {
        ArrayDataset cls = new ArrayDataset("c", ModalitySpec.vectors(new int[] {1}), new float[][] {{1, 2, 3}}, new int[] {2, 0, 1}, null, 3);
        DataLoader loader = new DataLoader(cls, DataLoader.Options.sequential(3));
        try (var s = TensorScope.open("t"); var epoch = loader.epoch(0); Batch b = epoch.next()) {
            assertEquals(DType.INT64, b.labels().dtype());
            assertArrayEquals(new long[] {3}, b.labels().shape());
            assertArrayEquals(new long[] {2, 0, 1}, b.labels().toLongArray());
        }
    }

    @Test
    void theLabelFieldsDtypeRuleFollowsTheTask() {
        assertEquals(BatchField.LABELS, BatchField.labelsOf(new Task.Classification(2)));
        assertEquals(BatchField.TARGETS, BatchField.labelsOf(SCALAR));
        assertEquals(DType.INT64, BatchField.LABELS.modelDType(new Task.Classification(2).labelStorage()));
        assertEquals(DType.FLOAT32, BatchField.TARGETS.modelDType(SCALAR.labelStorage()));
        assertThrows(IllegalArgumentException.class, () -> BatchField.TARGETS.modelDType(DType.INT64));
        assertThrows(IllegalArgumentException.class, () -> BatchField.LABELS.modelDType(DType.FLOAT32));
        assertThrows(IllegalArgumentException.class, () -> BatchField.INDICES.modelDType(DType.FLOAT32));
    }

    @Test
    void aDatasetWritingTheWrongKindOfLabelFailsClearly() {
        MultimodalDataset liar = new MultimodalDataset() {
            @Override public String name() { return "liar"; }
            @Override public int size() { return 2; }
            @Override public List<ModalitySpec> modalities() { return ModalitySpec.vectors(new int[] {1}); }
            @Override public int numClasses() { return 0; }
            @Override public Task task() { return SCALAR; }
            @Override public void read(int i, SampleWriter out) { out.label(1); }
        };
        DataLoader loader = new DataLoader(liar, DataLoader.Options.sequential(2));
        var e = assertThrows(RuntimeException.class, () -> {
            try (var s = TensorScope.open("t"); var epoch = loader.epoch(0); Batch b = epoch.next()) {
                b.size();
            }
        });
        String all = e.toString() + (e.getCause() == null ? "" : e.getCause().toString());
        assertTrue(all.contains("regression task but wrote a class label"), all);
    }
}
