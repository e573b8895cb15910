package dev.causalmm.bench;

import dev.causalmm.engine.DType;
import dev.causalmm.engine.Device;
import dev.causalmm.engine.Engine;
import dev.causalmm.engine.Tensor;
import dev.causalmm.interop.DLPack;
import dev.causalmm.interop.DLPackLayouts;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;

/**
 * Cost of one DLPack exchange per tensor at several sizes (goal: constant, well under 10 µs, not
 * growing with the tensor). One operation:
 * <ul>
 *   <li>{@code exportAndRelease}: {@code DLPack.exportTensor} plus the consumer's deleter call (a
 *       downcall into the FFM upcall stub, as a C consumer would make it);</li>
 *   <li>{@code importAndFree}: {@code DLPack.importTensor} of a producer's {@code DLManagedTensor}
 *       (a static header over a preallocated buffer, NULL deleter) plus closing the tensor, which
 *       makes LibTorch free the storage and run the context deleter;</li>
 *   <li>{@code roundTrip}: export, import the export, close: both directions and both deleters;</li>
 *   <li>{@code copyForScale}: a plain {@code clone()} of the same tensor, the copy the exchange avoids.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class DLPackBenchmark {
    /** Float32 elements: 64 B, 1 MiB, 64 MiB. */
    @Param({"16", "262144", "16777216"})
    public int elements;

    private Tensor tensor;
    private Arena arena;
    private MemorySegment producerHeader;

    @Setup
    public void setup() {
        Engine.init();
        tensor = Tensor.rand(DType.FLOAT32, Device.CPU, elements / 16, 16).unscoped();
        arena = Arena.ofConfined();
        // a producer's tensor: data, shape and strides in an arena; no deleter (allowed by DLPack)
        MemorySegment data = arena.allocate(4L * elements, 64);
        MemorySegment shape = arena.allocateFrom(ValueLayout.JAVA_LONG, elements / 16, 16);
        MemorySegment strides = arena.allocateFrom(ValueLayout.JAVA_LONG, 16, 1);
        producerHeader = arena.allocate(DLPackLayouts.DL_MANAGED_TENSOR);
        MemorySegment t = producerHeader; // dl_tensor is at offset 0
        t.set(ValueLayout.ADDRESS, 0, data);
        t.set(ValueLayout.JAVA_INT, 8, 1);            // kDLCPU
        t.set(ValueLayout.JAVA_INT, 12, 0);
        t.set(ValueLayout.JAVA_INT, 16, 2);           // ndim
        t.set(ValueLayout.JAVA_BYTE, 20, (byte) 2);   // kDLFloat
        t.set(ValueLayout.JAVA_BYTE, 21, (byte) 32);
        t.set(ValueLayout.JAVA_SHORT, 22, (short) 1);
        t.set(ValueLayout.ADDRESS, 24, shape);
        t.set(ValueLayout.ADDRESS, 32, strides);
        t.set(ValueLayout.JAVA_LONG, 40, 0);
    }

    @TearDown
    public void tearDown() {
        tensor.close();
        arena.close();
        if (DLPack.liveExports() != 0) throw new IllegalStateException("exports left unreleased: " + DLPack.liveExports());
    }

    @Benchmark
    public long exportAndRelease() {
        MemorySegment m = DLPack.exportTensor(tensor);
        long a = m.address();
        DLPack.release(m);
        return a;
    }

    @Benchmark
    public long importAndFree() {
        try (Tensor t = DLPack.importTensor(producerHeader)) {
            return t.numel();
        }
    }

    @Benchmark
    public long roundTrip() {
        try (Tensor t = DLPack.importTensor(DLPack.exportTensor(tensor))) {
            return t.numel();
        }
    }

    @Benchmark
    public long copyForScale() {
        try (Tensor t = tensor.clone_()) {
            return t.numel();
        }
    }
}
