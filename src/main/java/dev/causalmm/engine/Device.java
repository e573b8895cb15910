package dev.causalmm.engine;

import java.util.Locale;

/**
 * Where tensors live. {@code cpu}, {@code cuda} / {@code cuda:N}, or {@code auto} (CUDA when a GPU
 * is visible, else CPU) are the names accepted on the command line.
 */
public record Device(Kind kind, int index) {

    public enum Kind { CPU, CUDA }

    public static final Device CPU = new Device(Kind.CPU, -1);

    public Device {
        if (kind == Kind.CPU && index != -1) throw new IllegalArgumentException("cpu device has no index");
        if (kind == Kind.CUDA && index < 0) throw new IllegalArgumentException("cuda device index must be >= 0");
    }

    public static Device cuda(int index) {
        return new Device(Kind.CUDA, index);
    }

    /** Parses {@code cpu}, {@code cuda}, {@code cuda:1} or {@code auto}; CUDA is checked for availability. */
    public static Device parse(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        if (n.equals("cpu")) return CPU;
        if (n.equals("auto")) {
            Engine.CudaStatus cuda = Engine.cudaStatus();
            if (cuda.available()) return cuda(0);
            org.slf4j.LoggerFactory.getLogger(Device.class).info("--device auto: using the CPU; {}", cuda.reason());
            return CPU;
        }
        if (n.equals("cuda") || n.startsWith("cuda:")) {
            int idx = n.equals("cuda") ? 0 : parseIndex(name, n.substring(5));
            Engine.CudaStatus cuda = Engine.cudaStatus();
            if (!cuda.available()) {
                throw new IllegalArgumentException("--device " + name + ": CUDA is not available: " + cuda.reason() + "; use --device cpu");
            }
            if (idx >= Engine.cudaDeviceCount()) {
                throw new IllegalArgumentException("--device " + name + ": only " + Engine.cudaDeviceCount() + " CUDA device(s)");
            }
            return cuda(idx);
        }
        throw new IllegalArgumentException("unknown device '" + name + "' (expected cpu, cuda, cuda:N or auto)");
    }

    private static int parseIndex(String name, String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad device '" + name + "': index is not a number");
        }
    }

    public boolean isCuda() {
        return kind == Kind.CUDA;
    }

    org.bytedeco.pytorch.Device toNative() {
        return kind == Kind.CPU
                ? new org.bytedeco.pytorch.Device(org.bytedeco.pytorch.global.torch.DeviceType.CPU)
                : new org.bytedeco.pytorch.Device(org.bytedeco.pytorch.global.torch.DeviceType.CUDA, (byte) index);
    }

    @Override
    public String toString() {
        return kind == Kind.CPU ? "cpu" : "cuda:" + index;
    }
}
