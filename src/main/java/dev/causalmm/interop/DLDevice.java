package dev.causalmm.interop;

import dev.causalmm.engine.Device;

/** A DLPack device ({@code DLDevice}: device type, index) and its engine {@link Device}. */
record DLDevice(int type, int id) {
    public static final int CPU = 1;
    public static final int CUDA = 2;
    /** Pinned host memory ({@code cudaMallocHost}): host-addressable, so it becomes a CPU tensor. */
    public static final int CUDA_HOST = 3;
    public static final int CUDA_MANAGED = 13;

    public static DLDevice of(Device d) {
        return d.isCuda() ? new DLDevice(CUDA, d.index()) : new DLDevice(CPU, 0);
    }

    /** The engine device that can address this memory, or an {@link IllegalArgumentException}. */
    public Device toDevice() {
        return switch (type) {
            case CPU, CUDA_HOST -> Device.CPU;
            case CUDA -> {
                if (id < 0) throw new IllegalArgumentException("DLPack CUDA device id " + id + " is negative");
                yield Device.cuda(id);
            }
            default -> throw new IllegalArgumentException("unsupported DLPack device " + this
                    + "; supported: kDLCPU (1), kDLCUDA (2), kDLCUDAHost (3)");
        };
    }

    @Override
    public String toString() {
        String name = switch (type) {
            case CPU -> "kDLCPU";
            case CUDA -> "kDLCUDA";
            case CUDA_HOST -> "kDLCUDAHost";
            case 4 -> "kDLOpenCL";
            case 7 -> "kDLVulkan";
            case 8 -> "kDLMetal";
            case 10 -> "kDLROCM";
            case CUDA_MANAGED -> "kDLCUDAManaged";
            default -> "type " + type;
        };
        return name + ":" + id;
    }
}
