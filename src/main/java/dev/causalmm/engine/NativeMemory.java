package dev.causalmm.engine;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Process-wide counters for leak checks: our tensor wrappers, LibTorch's own account of the CPU
 * tensor memory it holds ({@link #trackTensorMemory()}), the C heap and the resident set size.
 */
public final class NativeMemory {
    static final AtomicLong LIVE_TENSORS = new AtomicLong();

    private NativeMemory() {}

    static final AtomicLong RECLAIMED_TENSORS = new AtomicLong();

    /** Number of {@link Tensor} wrappers created and not yet closed, in all scopes and threads. */
    public static long liveTensors() {
        return LIVE_TENSORS.get();
    }

    /** Tensors nobody closed, freed by the Cleaner once unreachable: each one is a missed close. */
    public static long reclaimedTensors() {
        return RECLAIMED_TENSORS.get();
    }

    /**
     * Tensors never closed by code — live ones plus those the Cleaner reclaimed. Unlike
     * {@link #liveTensors()} it does not drop when the garbage collector runs, so a leak check
     * comparing it before and after some work is exact whatever the collector does meanwhile.
     */
    public static long unclosedTensors() {
        return LIVE_TENSORS.get() + RECLAIMED_TENSORS.get();
    }

    /** glibc's {@code struct mallinfo2}: ten {@code size_t} fields; {@code uordblks} is the 8th. */
    private static final StructLayout MALLINFO2 = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("arena"), ValueLayout.JAVA_LONG.withName("ordblks"),
            ValueLayout.JAVA_LONG.withName("smblks"), ValueLayout.JAVA_LONG.withName("hblks"),
            ValueLayout.JAVA_LONG.withName("hblkhd"), ValueLayout.JAVA_LONG.withName("usmblks"),
            ValueLayout.JAVA_LONG.withName("fsmblks"), ValueLayout.JAVA_LONG.withName("uordblks"),
            ValueLayout.JAVA_LONG.withName("fordblks"), ValueLayout.JAVA_LONG.withName("keepcost"));
    private static final MethodHandle MALLINFO2_FN = lookupMallinfo2();

    private static MethodHandle lookupMallinfo2() {
        try {
            Linker linker = Linker.nativeLinker();
            return linker.defaultLookup().find("mallinfo2")
                    .map(addr -> linker.downcallHandle(addr, FunctionDescriptor.of(MALLINFO2)))
                    .orElse(null);
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }

    /**
     * Bytes currently allocated through the C heap ({@code malloc}, which LibTorch's CPU allocator
     * and JavaCPP use): glibc's {@code mallinfo2()} in-use total (small chunks plus mmapped blocks),
     * or -1 where glibc is not available. Unlike RSS it does not move with the Java heap.
     */
    public static long mallocInUseBytes() {
        if (MALLINFO2_FN == null) return -1;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment info = (MemorySegment) MALLINFO2_FN.invokeExact((SegmentAllocator) a);
            return info.get(ValueLayout.JAVA_LONG, 7 * 8) + info.get(ValueLayout.JAVA_LONG, 4 * 8);
        } catch (Throwable t) {
            return -1;
        }
    }

    /** Resident set size of this process in bytes (Linux {@code /proc/self/statm}), or -1 if unknown. */
    public static long residentBytes() {
        try {
            String[] f = Files.readString(Path.of("/proc/self/statm")).trim().split("\\s+");
            return Long.parseLong(f[1]) * 4096L;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    // ------------------------------------------------------------------ LibTorch's CPU allocator account

    /**
     * Turns on LibTorch's own account of CPU tensor memory (the {@code caffe2_report_cpu_memory_usage}
     * flag of c10's default CPU allocator) and checks that it can be read; from then on
     * {@link #liveTensorBlocks()} and {@link #liveTensorBytes()} count every CPU storage LibTorch
     * allocates, whoever holds it — a raw LibTorch temporary nobody closed included, which
     * {@link #unclosedTensors()} cannot see. On for the rest of the process (turning it off would
     * leave blocks allocated meanwhile counted for ever); each allocation then also takes a mutex
     * and a map insert, so tests turn it on, not the library. Blocks allocated before it was turned
     * on are not counted (their frees make c10 log a warning every 1,000).
     *
     * @throws IllegalStateException when this LibTorch does not expose the account as expected
     */
    public static synchronized void trackTensorMemory() {
        CpuAllocatorAccount.enable();
    }

    /** Stops {@link #trackTensorMemory()}'s book, whose lock and map slow every later allocation of the process. */
    public static synchronized void stopTrackingTensorMemory() {
        CpuAllocatorAccount.disable();
    }

    /** CPU storages LibTorch allocated since {@link #trackTensorMemory()} and has not freed. */
    public static long liveTensorBlocks() {
        return CpuAllocatorAccount.read()[0];
    }

    /** Bytes of the storages counted by {@link #liveTensorBlocks()}. */
    public static long liveTensorBytes() {
        return CpuAllocatorAccount.read()[1];
    }
}
