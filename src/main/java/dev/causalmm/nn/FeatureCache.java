package dev.causalmm.nn;

import dev.causalmm.io.Sha256;
import dev.causalmm.data.Batch;
import dev.causalmm.data.DataLoader;
import dev.causalmm.data.DataSplits;
import dev.causalmm.data.ModalitySpec;
import dev.causalmm.data.MultimodalDataset;
import dev.causalmm.data.SampleWriter;
import dev.causalmm.data.SkippableDataset;
import dev.causalmm.engine.Device;
import dev.causalmm.engine.NoGrad;
import dev.causalmm.engine.Tensor;
import dev.causalmm.engine.TensorScope;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs pretrained encoders ({@code mode=cache}) once over every split and replaces their modality
 * by the features: a {@code float32} {@code N×D} array stored as {@code .npy} under the cache
 * folder, named by a hash of the TorchScript file, the split's rows and the input preparation, and
 * read back instead of recomputed when it exists (training re-runs, {@code eval}).
 */
public final class FeatureCache {
    private FeatureCache() {}

    /** The splits with every cached encoder's modality replaced by its features (others unchanged). */
    public static DataSplits apply(DataSplits data, List<PretrainedEncoderSpec> encoders, Path cacheDir, Device device) throws IOException {
        if (encoders == null || encoders.stream().noneMatch(PretrainedEncoderSpec::cached)) return data;
        MultimodalDataset train = data.train(), val = data.val(), test = data.test();
        for (PretrainedEncoderSpec p : encoders) {
            if (!p.cached()) continue;
            int k = index(train.modalities(), p.modality());
            ModalitySpec spec = train.modalities().get(k);
            try (ScriptEncoder enc = new ScriptEncoder(spec, new PretrainedEncoderSpec(p.modality(), p.file(), "frozen", p.input()))) {
                enc.setTraining(false);
                enc.to(device);
                String fileHash = Sha256.file(Path.of(p.file()));
                train = cached(train, k, enc, p, fileHash, cacheDir, device);
                if (val.size() > 0) val = cached(val, k, enc, p, fileHash, cacheDir, device);
                test = cached(test, k, enc, p, fileHash, cacheDir, device);
            }
        }
        return new DataSplits(data.name(), train, val, test, data.mmlsyn());
    }

    /** Modality names must match exactly; the error lists the dataset's. */
    static int index(List<ModalitySpec> specs, String name) {
        for (int i = 0; i < specs.size(); i++) if (specs.get(i).name().equals(name)) return i;
        throw new IllegalArgumentException("pretrained encoder for modality '" + name + "', but the data has modalities "
                + specs.stream().map(ModalitySpec::name).toList());
    }

    private static MultimodalDataset cached(MultimodalDataset ds, int k, ScriptEncoder enc, PretrainedEncoderSpec p, String fileHash,
                                            Path cacheDir, Device device) throws IOException {
        String key = sha256((fileHash + "|" + ds.name() + "|" + ds.size() + "|" + ds.modalities().get(k) + "|" + p.input() + "|" + rowKey(ds))
                .getBytes(StandardCharsets.UTF_8)).substring(0, 16);
        Path file = cacheDir.resolve(safe(ds.name()) + "-" + safe(p.modality()) + "-" + key + ".npy");
        int dim = enc.featureDim();
        float[] features = Files.isRegularFile(file) ? readNpy(file, ds.size(), dim) : null;
        if (features == null) {
            features = compute(ds, k, enc, device);
            Files.createDirectories(cacheDir);
            writeNpy(file, features, ds.size(), dim);
        }
        return new CachedFeatures(ds, k, ModalitySpec.vector(p.modality(), dim), features);
    }

    /** What identifies the rows beyond their count: the labels in order (cheap, and changes with the split). */
    private static String rowKey(MultimodalDataset ds) {
        if (ds instanceof dev.causalmm.data.ImageTextFolder.Split s) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < s.size(); i++) sb.append(s.image(i)).append('\n');
            return sha256(sb.toString().getBytes(StandardCharsets.UTF_8));
        }
        return "";
    }

    private static float[] compute(MultimodalDataset ds, int k, ScriptEncoder enc, Device device) {
        int dim = enc.featureDim();
        float[] out = new float[ds.size() * dim];
        DataLoader loader = new DataLoader(ds, DataLoader.Options.sequential(64).withDevice(device));
        try (var epoch = loader.epoch(0)) {
            while (epoch.hasNext()) {
                try (Batch b = epoch.next(); var scope = TensorScope.open("feature-cache"); var ng = NoGrad.enter()) {
                    float[] f = enc.forward(b.inputs().get(k)).to(Device.CPU).toFloatArray();
                    int[] idx = b.indices();
                    for (int r = 0; r < idx.length; r++) System.arraycopy(f, r * dim, out, idx[r] * dim, dim);
                }
            }
        }
        return out;
    }

    private static String safe(String s) {
        return s.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /** The SHA-256 of a file's bytes, in hex (what a checkpoint records of a pretrained encoder's file). */
    public static String sha256(Path file) throws IOException {
        return Sha256.file(file);
    }

    static String sha256(byte[] b) {
        return Sha256.of(b);
    }

    // ------------------------------------------------------------ .npy (float32, C order, little endian)

    static void writeNpy(Path file, float[] v, int rows, int cols) throws IOException {
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + rows + ", " + cols + "), }";
        int headerLen = 10 + dict.length() + 1;
        int pad = (64 - headerLen % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        ByteBuffer bb = ByteBuffer.allocate(10 + header.length() + v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        bb.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        bb.putShort((short) header.length()).put(header.getBytes(StandardCharsets.US_ASCII));
        bb.asFloatBuffer().put(v);
        dev.causalmm.io.AtomicFiles.write(file, bb.array());
    }

    /** The cached array, or null when the file is not what this cache writes for these sizes (then it is recomputed). */
    static float[] readNpy(Path file, int rows, int cols) throws IOException {
        try (InputStream in = Files.newInputStream(file); DataInputStream d = new DataInputStream(in)) {
            byte[] magic = new byte[8];
            d.readFully(magic);
            if ((magic[0] & 0xff) != 0x93 || magic[6] != 1) return null;
            int hl = Short.toUnsignedInt(Short.reverseBytes(d.readShort()));
            byte[] h = new byte[hl];
            d.readFully(h);
            String header = new String(h, StandardCharsets.US_ASCII);
            if (!header.contains("'<f4'") || !header.contains("(" + rows + ", " + cols + ")")) return null;
            byte[] body = d.readNBytes(rows * cols * 4);
            if (body.length != rows * cols * 4) return null;
            float[] v = new float[rows * cols];
            ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
            return v;
        }
    }

    /** A dataset whose modality {@code k} is replaced by cached features; the other modalities are read from the base. */
    static final class CachedFeatures implements SkippableDataset {
        private final MultimodalDataset base;
        private final int k;
        private final List<ModalitySpec> specs;
        private final float[] features;
        private final int dim;
        private final ThreadLocal<MemorySegment> scratch;

        CachedFeatures(MultimodalDataset base, int k, ModalitySpec replaced, float[] features) {
            this.base = base;
            this.k = k;
            List<ModalitySpec> s = new ArrayList<>(base.modalities());
            s.set(k, replaced);
            this.specs = List.copyOf(s);
            this.features = features;
            this.dim = (int) replaced.elementCount();
            long bytes = base.modalities().get(k).sampleBytes();
            this.scratch = ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(bytes, 8));
        }

        @Override public MultimodalDataset base() { return base; }
        @Override public String name() { return base.name(); }
        @Override public int size() { return base.size(); }
        @Override public List<ModalitySpec> modalities() { return specs; }
        @Override public int numClasses() { return base.numClasses(); }
        @Override public dev.causalmm.data.Task task() { return base.task(); }

        @Override
        public void read(int index, SampleWriter out) throws IOException {
            read(index, out, new boolean[specs.size()]);
        }

        @Override
        public void read(int index, SampleWriter out, boolean[] skip) throws IOException {
            boolean[] s = skip.clone();
            s[k] = true;
            if (base instanceof SkippableDataset sd) {
                sd.read(index, out, s);
            } else {
                MemorySegment tmp = scratch.get();
                base.read(index, new SampleWriter() {
                    @Override public MemorySegment modality(int m) { return m == k ? tmp : out.modality(m); }
                    @Override public void label(long l) { out.label(l); }
                    @Override public void target(float... t) { out.target(t); }
                    @Override public void missing(int m) { if (m != k) out.missing(m); }
                });
            }
            if (!skip[k]) MemorySegment.copy(features, index * dim, out.modality(k), ValueLayout.JAVA_FLOAT_UNALIGNED, 0, dim);
        }
    }
}
