package dev.causalmm.bench;

import dev.causalmm.io.MatFile;
import dev.causalmm.io.Npy;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import org.openjdk.jmh.annotations.*;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Feature-file parsing from memory: a 2,000 × 649 float64 matrix (Handwritten's size, 10.4 MB of
 * values) as a plain MAT v5 variable, as a zlib-compressed one, and as a {@code .npy}; plus the
 * real {@code handwritten_6views.mat} when the data folder ({@code CAUSALMM_DATA}) has it. Score: parses per
 * second; MB/s = score × the input size that setup prints ({@code [bench] … bytes}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
public class FeatureFileBenchmark {
    static final int ROWS = 2000, COLS = 649;
    private byte[] matPlain, matCompressed, npy, handwritten;

    @Setup
    public void setup() throws Exception {
        double[] v = new double[ROWS * COLS];
        java.util.SplittableRandom r = new java.util.SplittableRandom(1);
        for (int i = 0; i < v.length; i++) v[i] = Math.round(r.nextGaussian() * 1000) / 100.0; // compressible like real features
        byte[] matrix = matrix(v);
        matPlain = mat(matrix, false);
        matCompressed = mat(matrix, true);
        npy = npy(v);
        java.util.Optional<Path> hw = BenchData.file("hw", "multiview/handwritten_6views.mat");
        handwritten = hw.isPresent() ? Files.readAllBytes(hw.get()) : matCompressed;
        System.out.printf("[bench] bytes: matPlain %d, matCompressed %d, npy %d, handwritten %d%s%n", matPlain.length, matCompressed.length,
                npy.length, handwritten.length, hw.isPresent() ? "" : " (file absent: the compressed matrix instead)");
    }

    @Benchmark
    public void matPlain(Blackhole bh) throws Exception {
        bh.consume(MatFile.read(matPlain, "bench.mat"));
    }

    @Benchmark
    public void matCompressed(Blackhole bh) throws Exception {
        bh.consume(MatFile.read(matCompressed, "bench.mat"));
    }

    @Benchmark
    public void npy(Blackhole bh) throws Exception {
        bh.consume(Npy.read(npy, "bench.npy"));
    }

    @Benchmark
    public void handwrittenMat(Blackhole bh) throws Exception {
        bh.consume(MatFile.read(handwritten, "handwritten_6views.mat"));
    }

    private static byte[] elem(int type, byte[] data) {
        int pad = (8 - data.length % 8) % 8;
        return ByteBuffer.allocate(8 + data.length + pad).order(ByteOrder.LITTLE_ENDIAN).putInt(type).putInt(data.length).put(data).array();
    }

    private static byte[] matrix(double[] v) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(elem(6, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(6).putInt(0).array()));
        b.writeBytes(elem(5, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(ROWS).putInt(COLS).array()));
        b.writeBytes(elem(1, "X".getBytes(StandardCharsets.US_ASCII)));
        ByteBuffer d = ByteBuffer.allocate(v.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (double x : v) d.putDouble(x);
        b.writeBytes(elem(9, d.array()));
        return elem(14, b.toByteArray());
    }

    private static byte[] mat(byte[] matrix, boolean compress) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] text = new byte[116];
        java.util.Arrays.fill(text, (byte) ' ');
        byte[] t = "MATLAB 5.0 MAT-file".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(t, 0, text, 0, t.length);
        out.writeBytes(text);
        out.writeBytes(new byte[8]);
        out.writeBytes(new byte[] {0, 1, 'I', 'M'});
        if (!compress) {
            out.writeBytes(matrix);
        } else {
            Deflater def = new Deflater();
            def.setInput(matrix);
            def.finish();
            ByteArrayOutputStream z = new ByteArrayOutputStream();
            byte[] buf = new byte[1 << 16];
            while (!def.finished()) z.write(buf, 0, def.deflate(buf));
            def.end();
            out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(15).putInt(z.size()).array());
            out.writeBytes(z.toByteArray());
        }
        return out.toByteArray();
    }

    private static byte[] npy(double[] v) {
        String h = "{'descr': '<f8', 'fortran_order': False, 'shape': (" + ROWS + ", " + COLS + "), }";
        h = h + " ".repeat((64 - (10 + h.length() + 1) % 64) % 64) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + h.length() + v.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) h.length()).put(h.getBytes(StandardCharsets.US_ASCII));
        for (double x : v) b.putDouble(x);
        return b.array();
    }
}
