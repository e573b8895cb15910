package dev.causalmm.engine;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicLong;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.pytorch.global.torch;

/**
 * Host memory for buffers that code fills through FFM and LibTorch then reads as tensors (the
 * data loader's batch buffers): plain off-heap memory, or page-locked ("pinned") memory from
 * LibTorch's pinned host allocator when the data goes on to a CUDA device, so the upload is a
 * true asynchronous DMA and needs no staging copy.
 *
 * <p>Why the memory's lifetime is automatic (an {@link Arena#ofAuto()} scope) rather than an arena
 * the caller closes: tensors made over the memory with {@link Tensor#fromSegment} can outlive the
 * code that allocated it (autograd keeps inputs, a caller keeps a view), and their release action
 * holds the segment. The memory is freed only once no segment over it and no such tensor is left,
 * so no owner can free it early; allocate it once and reuse it (a pool), never per batch.
 */
public final class HostBuffers {
    private static final AtomicLong ALLOCATIONS = new AtomicLong();
    private static final AtomicLong ALLOCATED_BYTES = new AtomicLong();
    private static final AtomicLong PINNED_LIVE_BYTES = new AtomicLong();

    private HostBuffers() {}

    /**
     * {@code bytes} bytes of host memory, 64-byte aligned, zero-filled.
     *
     * @param pinned page-locked memory from LibTorch's pinned allocator (needs CUDA); otherwise
     *               plain off-heap memory
     */
    public static MemorySegment allocate(long bytes, boolean pinned) {
        if (bytes <= 0) throw new IllegalArgumentException("host buffer of " + bytes + " bytes");
        ALLOCATIONS.incrementAndGet();
        ALLOCATED_BYTES.addAndGet(bytes);
        if (!pinned) return Arena.ofAuto().allocate(bytes, 64);
        if (!Engine.cudaAvailable()) {
            throw new IllegalStateException("pinned host memory needs CUDA: " + Engine.cudaStatus().reason());
        }
        // one uint8 tensor owns the block; the segment's automatic scope frees it when unreachable.
        // The pinned allocator's blocks are at least 64-byte aligned (cudaHostAlloc: page aligned).
        org.bytedeco.pytorch.Tensor owner;
        try (var cpu = torch.zeros(new long[] {bytes}, Constants.options(DType.UINT8, Device.CPU))) { // shared options: not closed
            owner = cpu.pin_memory();
        }
        long address;
        try (Pointer p = owner.data_ptr()) {
            address = p.address();
        }
        PINNED_LIVE_BYTES.addAndGet(bytes);
        return MemorySegment.ofAddress(address).reinterpret(bytes, Arena.ofAuto(), ignored -> {
            owner.close(); // back to LibTorch's pinned block cache; any thread may free a tensor
            PINNED_LIVE_BYTES.addAndGet(-bytes);
        });
    }

    /** Buffers allocated so far (both kinds): what a pool that reuses its buffers keeps flat. */
    public static long allocations() {
        return ALLOCATIONS.get();
    }

    /** Bytes allocated so far (both kinds, never decreasing). */
    public static long allocatedBytes() {
        return ALLOCATED_BYTES.get();
    }

    /** Pinned bytes not yet freed. */
    public static long pinnedLiveBytes() {
        return PINNED_LIVE_BYTES.get();
    }
}
