package dev.causalmm.bench;

import dev.causalmm.engine.Engine;
import dev.causalmm.engine.Tensor;
import dev.causalmm.engine.TensorScope;
import dev.causalmm.seg.PatchSampler;
import dev.causalmm.seg.SegVolume;
import dev.causalmm.seg.VolumeGeometry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The segmentation patch loader ({@link PatchSampler}, what {@code seg-train} draws every step) on
 * four preprocessed BraTS-sized cases (a brain's bounding box, 144 × 176 × 136 voxels, 4
 * modalities, a planted tumour): random case, foreground oversampling (half the patches centred on
 * tumour), random flips on every axis, modality dropout. {@code sample} measures the host-side
 * sampler alone; {@code sampleAndWrap} adds wrapping the batch as the three CPU tensors the step
 * uploads. Score: batches per second; patches/s = score × {@code batch}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xmx4g"})
public class SegPatchBenchmark {
    static final int[] CROP = {144, 176, 136};

    /** Patch side: 32 is seg-train's default, 128 the papers' (nnU-Net, mmFormer, LCKD). */
    @Param({"32", "128"})
    public int patch;

    @Param({"2"})
    public int batch;

    private PatchSampler sampler;

    @Setup
    public void setup() {
        Engine.init();
        List<String> mods = List.of("flair", "t1", "t1ce", "t2");
        List<SegVolume> volumes = new ArrayList<>();
        int n = CROP[0] * CROP[1] * CROP[2];
        for (int c = 0; c < 4; c++) {
            SplittableRandom r = new SplittableRandom(c);
            float[][] ch = new float[4][n];
            byte[] regions = new byte[n];
            double cx = 50 + r.nextInt(40), cy = 60 + r.nextInt(50), cz = 50 + r.nextInt(30), rw = 18 + r.nextInt(10);
            for (int z = 0, i = 0; z < CROP[2]; z++) for (int y = 0; y < CROP[1]; y++) for (int x = 0; x < CROP[0]; x++, i++) {
                double d = Math.sqrt((x - cx) * (x - cx) + (y - cy) * (y - cy) + (z - cz) * (z - cz));
                regions[i] = (byte) (d <= 0.5 * rw ? 7 : d <= 0.6 * rw ? 3 : d <= rw ? 1 : 0);
                for (int m = 0; m < 4; m++) ch[m][i] = (float) (r.nextDouble() - 0.5 + (d <= rw ? 1 : 0));
            }
            volumes.add(new SegVolume("case" + c, CROP, mods, ch, regions,
                    new VolumeGeometry(new int[] {240, 240, 155}, new int[] {48, 32, 10}, Path.of("case" + c + "_flair.nii.gz"))));
        }
        sampler = new PatchSampler(volumes, new PatchSampler.Settings(new int[] {patch, patch, patch}, 0.5, true, true), 7);
    }

    @Benchmark
    public void sample(Blackhole bh) {
        bh.consume(sampler.next(batch));
    }

    @Benchmark
    public void sampleAndWrap(Blackhole bh) {
        PatchSampler.Batch b = sampler.next(batch);
        try (var scope = TensorScope.open("patches")) {
            bh.consume(Tensor.of(b.x(), b.inputShape()));
            bh.consume(Tensor.of(b.mask(), b.size(), b.modalities()));
            bh.consume(Tensor.of(b.y(), b.targetShape()));
        }
    }
}
