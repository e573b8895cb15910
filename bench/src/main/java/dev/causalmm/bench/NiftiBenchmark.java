package dev.causalmm.bench;

import dev.causalmm.io.Nifti;
import dev.causalmm.io.NiftiDataType;
import dev.causalmm.io.NiftiHeader;
import dev.causalmm.io.NiftiImage;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.openjdk.jmh.annotations.*;
import org.openjdk.jmh.infra.Blackhole;

/**
 * NIfTI decoding, one thread: a BraTS-sized float32 volume (240 × 240 × 155, 35.7 MB of voxels:
 * a z-scored "brain" ellipsoid, zeros around it, as the shared BraTS 2015 files) as {@code .nii.gz}
 * (gzip level 6, as most tools write) and as {@code .nii}, plus the same bytes through the JDK's
 * {@code GZIPInputStream} into a heap array (the Inflater's own ceiling) and the shared real FLAIR
 * file when the data folder ({@code CAUSALMM_DATA}) has it; each into a fresh {@code Arena} (what a one-off read
 * costs, page faults included) and into recycled memory (the decoder alone). Score: decodes per second; decoded MB/s = score ×
 * the voxel bytes that setup prints.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
public class NiftiBenchmark {
    static final int NX = 240, NY = 240, NZ = 155;
    private byte[] gz, plain, realGz;
    private Path gzFile, realFile;
    private final byte[] sink = new byte[1 << 20];
    private final MemorySegment reused = Arena.ofAuto().allocate((long) NX * NY * NZ * 4 + 64, 8);

    @Setup
    public void setup() throws Exception {
        float[] v = new float[NX * NY * NZ];
        SplittableRandom r = new SplittableRandom(1);
        for (int z = 0; z < NZ; z++) {
            for (int y = 0; y < NY; y++) {
                for (int x = 0; x < NX; x++) {
                    double dx = (x - 120) / 70.0, dy = (y - 120) / 85.0, dz = (z - 77) / 60.0;
                    if (dx * dx + dy * dy + dz * dz < 1) v[x + NX * (y + NY * z)] = (float) (r.nextGaussian() + 0.3 * Math.sin(x / 9.0));
                }
            }
        }
        NiftiImage img = NiftiImage.ofFloats(NiftiHeader.of(new int[] {NX, NY, NZ}, NiftiDataType.FLOAT32), new int[] {NX, NY, NZ}, v);
        plain = Nifti.toBytes(img, false);
        var out = new ByteArrayOutputStream();
        try (var g = new GZIPOutputStream(out, 1 << 16)) {
            g.write(plain);
        }
        gz = out.toByteArray();
        gzFile = Files.createTempFile("bench", ".nii.gz");
        Files.write(gzFile, gz);
        realFile = BenchData.file("flair", "brats2015-sample/brats_2013_pat0001_1/Flair_subtrMeanDivStd.nii.gz").orElse(null);
        realGz = realFile != null ? Files.readAllBytes(realFile) : gz;
        System.out.printf("[bench] voxel bytes %d; .nii.gz %d bytes, real file %d bytes%s%n", v.length * 4L, gz.length, realGz.length,
                realFile != null ? "" : " (absent: synthetic instead)");
    }

    @TearDown
    public void tearDown() throws Exception {
        Files.deleteIfExists(gzFile);
    }

    @Benchmark
    public void niiGzFromMemory(Blackhole bh) throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            bh.consume(Nifti.read(gz, "bench.nii.gz", arena).voxels().byteSize());
        }
    }

    @Benchmark
    public void niiGzFromFile(Blackhole bh) throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            bh.consume(Nifti.read(gzFile, arena).voxels().byteSize());
        }
    }

    @Benchmark
    public void realFlairNiiGz(Blackhole bh) throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            bh.consume(Nifti.read(realGz, "flair.nii.gz", arena).voxels().byteSize());
        }
    }

    /** Decoding into recycled native memory: no page faults, the decoder's own speed. */
    @Benchmark
    public void niiGzReusedMemory(Blackhole bh) throws Exception {
        bh.consume(Nifti.read(gz, "bench.nii.gz", SegmentAllocator.prefixAllocator(reused)).voxels().byteSize());
    }

    @Benchmark
    public void realFlairReusedMemory(Blackhole bh) throws Exception {
        bh.consume(Nifti.read(realGz, "flair.nii.gz", SegmentAllocator.prefixAllocator(reused)).voxels().byteSize());
    }

    /** What a fresh 35.7 MB off-heap segment costs by itself (allocation, zeroing, first-touch page faults). */
    @Benchmark
    public void freshArenaAllocationOnly(Blackhole bh) {
        try (Arena arena = Arena.ofConfined()) {
            bh.consume(arena.allocate((long) NX * NY * NZ * 4, 8).byteSize());
        }
    }

    @Benchmark
    public void niiPlainFromMemory(Blackhole bh) throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            bh.consume(Nifti.read(plain, "bench.nii", arena).voxels().byteSize());
        }
    }

    /** The JDK's GZIPInputStream into a heap buffer: what inflation alone costs, no NIfTI and no off-heap. */
    @Benchmark
    public long jdkGzipInputStreamOnly() throws Exception {
        long n = 0;
        try (var in = new GZIPInputStream(new java.io.ByteArrayInputStream(gz), 1 << 16)) {
            for (int k; (k = in.read(sink)) > 0; ) n += k;
        }
        return n;
    }
}
