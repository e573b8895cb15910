package dev.causalmm.engine;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import org.bytedeco.pytorch.global.torch;

/**
 * Reads c10's {@code ProfiledCPUMemoryReporter}, the book LibTorch's default CPU allocator keeps of
 * every block it hands out while the {@code caffe2_report_cpu_memory_usage} flag is set (the presets
 * map neither, so both are reached through FFM in {@code libc10.so}). The reporter's layout
 * (c10/core/CPUAllocator.h, unchanged since PyTorch 1.9) with libstdc++ on x86-64: a
 * {@code std::mutex} (40 bytes), the {@code unordered_map<void*, size_t>} of live blocks (56 bytes,
 * its element count 24 bytes in), {@code size_t allocated_}. {@link #enable()} checks that layout
 * against a tensor of known size before anyone relies on it.
 */
final class CpuAllocatorAccount {
    private static final long MUTEX = 0;
    private static final long BLOCK_COUNT = 40 + 24;
    private static final long ALLOCATED = 40 + 56;
    private static final long SIZE = ALLOCATED + 16;

    private static MemorySegment reporter;
    private static MemorySegment flag;
    private static boolean on;
    private static MethodHandle lock;
    private static MethodHandle unlock;

    private CpuAllocatorAccount() {}

    static synchronized void enable() {
        if (reporter != null) {
            flag.set(JAVA_BYTE, 0, (byte) 1);
            on = true;
            return;
        }
        if (!System.getProperty("os.name", "").startsWith("Linux") || !"amd64".equals(System.getProperty("os.arch"))) {
            throw new IllegalStateException("LibTorch's CPU allocator account is read for Linux x86-64 (libstdc++ layout) only, not "
                    + System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        }
        Engine.init();
        Linker linker = Linker.nativeLinker();
        SymbolLookup c10;
        try {
            c10 = SymbolLookup.libraryLookup("libc10.so", Arena.global()); // the copy LibTorch loaded (same soname)
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("LibTorch's CPU allocator account is not reachable: libc10.so cannot be opened", e);
        }
        flag = find(c10, "FLAGS_caffe2_report_cpu_memory_usage").reinterpret(1);
        MemorySegment rep;
        try {
            MethodHandle get = linker.downcallHandle(find(c10, "_ZN3c1025profiledCPUMemoryReporterEv"), FunctionDescriptor.of(ADDRESS));
            rep = ((MemorySegment) get.invokeExact()).reinterpret(SIZE);
        } catch (Throwable t) {
            throw new IllegalStateException("c10::profiledCPUMemoryReporter() failed", t);
        }
        lock = linker.downcallHandle(linker.defaultLookup().find("pthread_mutex_lock").orElseThrow(), FunctionDescriptor.of(JAVA_INT, ADDRESS));
        unlock = linker.downcallHandle(linker.defaultLookup().find("pthread_mutex_unlock").orElseThrow(), FunctionDescriptor.of(JAVA_INT, ADDRESS));
        flag.set(JAVA_BYTE, 0, (byte) 1);
        reporter = rep;
        on = true;
        selfCheck();
    }

    /**
     * Turns the book off again: while it is on, every CPU allocation and free of LibTorch takes a lock and updates a
     * map, which slows everything else that runs in the same process. Blocks freed while it is off stay in the book,
     * so only differences read within one on-period mean anything.
     */
    static synchronized void disable() {
        if (flag != null) flag.set(JAVA_BYTE, 0, (byte) 0);
        on = false;
    }

    private static MemorySegment find(SymbolLookup lib, String name) {
        return lib.find(name).orElseThrow(() -> new IllegalStateException("libc10.so has no symbol " + name
                + ": LibTorch's CPU allocator account is not reachable in this build"));
    }

    /** A tensor of 1,001 floats must add one block of 4,004 bytes, and give them back when freed. */
    private static void selfCheck() {
        long[] before = read();
        long[] during;
        try (var t = torch.zeros(new long[] {1001}, Constants.options(DType.FLOAT32, Device.CPU))) { // shared options: not closed
            during = read();
        }
        long[] after = read();
        if (during[0] - before[0] != 1 || during[1] - before[1] != 4004 || after[0] != before[0] || after[1] != before[1]) {
            flag.set(JAVA_BYTE, 0, (byte) 0);
            reporter = null;
            on = false;
            throw new IllegalStateException("LibTorch's CPU allocator account does not have the expected layout (blocks/bytes "
                    + before[0] + "/" + before[1] + " -> " + during[0] + "/" + during[1] + " -> " + after[0] + "/" + after[1]
                    + " for one 4,004-byte tensor)");
        }
    }

    /** {live blocks, live bytes}, read under the reporter's own mutex. */
    static long[] read() {
        MemorySegment r = reporter;
        if (r == null || !on) throw new IllegalStateException("LibTorch's CPU allocator account is off: call NativeMemory.trackTensorMemory() first");
        MemorySegment mutex = r.asSlice(MUTEX, 40);
        try {
            int rc = (int) lock.invokeExact(mutex);
            if (rc != 0) throw new IllegalStateException("pthread_mutex_lock returned " + rc);
            try {
                return new long[] {r.get(JAVA_LONG, BLOCK_COUNT), r.get(JAVA_LONG, ALLOCATED)};
            } finally {
                int ignored = (int) unlock.invokeExact(mutex);
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
