package dev.causalmm.bench;

import dev.causalmm.engine.DType;
import dev.causalmm.engine.Device;
import dev.causalmm.engine.Engine;
import dev.causalmm.engine.Functional;
import dev.causalmm.engine.Tensor;
import dev.causalmm.engine.TensorScope;
import java.util.concurrent.TimeUnit;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.global.torch;
import org.openjdk.jmh.annotations.*;

/**
 * The wrapper's own cost per op: tiny (4×4) tensors, so the kernel is negligible and the score is
 * dispatch + handle + scope bookkeeping. {@code api=causalmm} goes through {@link Tensor} (results
 * adopted by a scope, as in a step); {@code api=raw} calls the bytedeco presets directly and closes
 * each result at once (the floor the wrapper can reach from Java). The difference is what
 * causalmm adds per op; bench/python/twins.py --ops gives PyTorch eager's cost of the same ops.
 * This benchmark may import org.bytedeco: it measures the engine from outside, it is not library code.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class OpOverheadBenchmark {
    static final int OPS = 100;

    @Param({"add", "mul_scalar", "matmul", "sum_dim", "linear", "cross_entropy", "softmax", "clamp_min"})
    public String op;

    @Param({"causalmm", "raw"})
    public String api;

    @Param({"cpu"})
    public String device;

    private Tensor a, b, w, bias, labels;
    private org.bytedeco.pytorch.Tensor ra, rb, rw, rbias, rlabels;
    private Scalar half, tiny;
    private Runnable call;

    @Setup
    public void setup() {
        Engine.init();
        Engine.seed(0);
        Device d = Device.parse(device);
        a = Tensor.rand(DType.FLOAT32, d, 4, 4).unscoped();
        b = Tensor.rand(DType.FLOAT32, d, 4, 4).unscoped();
        w = Tensor.rand(DType.FLOAT32, d, 8, 4).unscoped();
        bias = Tensor.rand(DType.FLOAT32, d, 8).unscoped();
        labels = Tensor.zeros(DType.INT64, d, 4).unscoped();
        ra = raw(d, torch.ScalarType.Float, 4, 4);
        rb = raw(d, torch.ScalarType.Float, 4, 4);
        rw = raw(d, torch.ScalarType.Float, 8, 4);
        rbias = raw(d, torch.ScalarType.Float, 8);
        rlabels = raw(d, torch.ScalarType.Long, 4);
        half = new Scalar(0.5);
        tiny = new Scalar(1e-12);
        call = api.equals("raw") ? raw(op) : wrapped(op);
    }

    /** A raw handle of the bench's shapes (uniform values; zeros for int64 labels) on the device. */
    private static org.bytedeco.pytorch.Tensor raw(Device d, torch.ScalarType type, long... shape) {
        try (var o = new org.bytedeco.pytorch.TensorOptions(type)) {
            org.bytedeco.pytorch.Tensor cpu = type == torch.ScalarType.Long ? torch.zeros(shape, o) : torch.rand(shape, o);
            if (!d.isCuda()) return cpu;
            try (var dev = new org.bytedeco.pytorch.Device("cuda:0")) {
                org.bytedeco.pytorch.Tensor g = cpu.to(dev, type);
                cpu.close();
                return g;
            }
        }
    }

    private Runnable wrapped(String name) {
        return switch (name) {
            case "add" -> () -> a.add(b);
            case "mul_scalar" -> () -> a.mul(0.5);
            case "matmul" -> () -> a.matmul(b);
            case "sum_dim" -> () -> a.sum(1, true);
            case "linear" -> () -> Functional.linear(a, w, bias);
            case "cross_entropy" -> () -> Functional.crossEntropy(a, labels);
            case "softmax" -> () -> Functional.softmax(a, 1);
            case "clamp_min" -> () -> a.clampMin(1e-12);
            default -> throw new IllegalArgumentException(name);
        };
    }

    private Runnable raw(String name) {
        return switch (name) {
            case "add" -> () -> ra.add(rb).close();
            case "mul_scalar" -> () -> ra.mul(half).close();
            case "matmul" -> () -> torch.matmul(ra, rb).close();
            case "sum_dim" -> () -> {
                try (var st = new org.bytedeco.pytorch.ScalarTypeOptional()) { ra.sum(new long[] {1}, true, st).close(); }
            };
            case "linear" -> () -> torch.linear(ra, rw, rbias).close();
            case "cross_entropy" -> () -> torch.cross_entropy(ra, rlabels).close();
            case "softmax" -> () -> torch.softmax(ra, 1).close();
            case "clamp_min" -> () -> torch.clamp_min(ra, tiny).close();
            default -> throw new IllegalArgumentException(name);
        };
    }

    /** {@value #OPS} calls of the op; the score is µs per call. */
    @Benchmark
    @OperationsPerInvocation(OPS)
    public void op() {
        try (var s = TensorScope.open("ops")) {
            for (int i = 0; i < OPS; i++) call.run();
        }
    }

    @TearDown
    public void tearDown() {
        for (Tensor t : new Tensor[] {a, b, w, bias, labels}) t.close();
        for (var t : new org.bytedeco.pytorch.Tensor[] {ra, rb, rw, rbias, rlabels}) t.close();
        half.close();
        tiny.close();
    }
}
