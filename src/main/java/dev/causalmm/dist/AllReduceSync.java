package dev.causalmm.dist;

import dev.causalmm.engine.DType;
import dev.causalmm.engine.Device;
import dev.causalmm.engine.NoGrad;
import dev.causalmm.engine.ProcessGroup;
import dev.causalmm.engine.Tensor;
import dev.causalmm.engine.TensorScope;
import dev.causalmm.train.GradientSync;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Data-parallel gradient averaging over a c10d {@link ProcessGroup}: after backward, the gradients
 * are flattened into buckets of about {@code bucketBytes} (several parameters per collective: fewer,
 * larger all-reduces), each bucket's all-reduce is started before the next bucket is flattened (the
 * collectives of earlier buckets overlap with the copying of later ones), and the sums are copied
 * back into the gradients.
 *
 * <p>Each rank scales its gradient by its share of the global batch before the sum, so the result
 * is the gradient of the global batch's mean loss, exactly as one process would compute it (up to
 * float summation order), even when the last batch's shards differ in size.
 *
 * <p>A parameter without a gradient on a rank (unused in its forward pass) is reduced as zeros; a
 * per-parameter "has a gradient" flag travels in the last bucket, and a parameter that has no
 * gradient on any rank stays without one, so optimizers skip it as they would in one process.
 *
 * <p>Overlap with backward itself (DDP's per-parameter autograd hooks) is not possible from Java
 * with the presets: {@code org.bytedeco.pytorch.Tensor} maps no {@code register_hook} nor
 * {@code register_post_accumulate_grad_hook}, and {@code PostAccumulateGradHook} is mapped as an
 * opaque pointer with no overridable callback (checked with javap, 2.10.0-1.5.13).
 */
final class AllReduceSync implements GradientSync, AutoCloseable {
    /** Default bucket size: 4 MiB of float32 gradients. */
    public static final long DEFAULT_BUCKET_BYTES = 4L << 20;

    private final ProcessGroup group;
    private final long bucketBytes;
    private long collectives;

    public AllReduceSync(ProcessGroup group, long bucketBytes) {
        if (bucketBytes <= 0) throw new IllegalArgumentException("bucket size must be > 0 bytes, got " + bucketBytes);
        this.group = group;
        this.bucketBytes = bucketBytes;
    }

    public AllReduceSync(ProcessGroup group) {
        this(group, DEFAULT_BUCKET_BYTES);
    }

    public ProcessGroup group() {
        return group;
    }

    /** All-reduces issued for gradients so far (buckets × steps): what bucketing saves is visible here. */
    public long gradientCollectives() {
        return collectives;
    }

    @Override
    public void afterBackward(List<Tensor> parameters) {
        afterBackward(parameters, 1.0 / group.worldSize());
    }

    @Override
    public void afterBackward(List<Tensor> parameters, double weight) {
        try (var scope = TensorScope.open("allreduce"); var ng = NoGrad.enter()) {
            int n = parameters.size();
            Tensor[] grads = new Tensor[n];
            float[] has = new float[n];
            for (int i = 0; i < n; i++) {
                grads[i] = parameters.get(i).grad();
                has[i] = grads[i] == null ? 0f : 1f;
            }
            var device = parameters.isEmpty() ? Device.CPU : parameters.get(0).device();
            List<List<Integer>> buckets = buckets(parameters);
            List<Tensor> flats = new ArrayList<>(buckets.size());
            List<ProcessGroup.Pending> pending = new ArrayList<>(buckets.size());
            for (int b = 0; b < buckets.size(); b++) {
                List<Tensor> parts = new ArrayList<>();
                for (int i : buckets.get(b)) {
                    Tensor p = parameters.get(i);
                    parts.add(grads[i] == null ? Tensor.zeros(DType.FLOAT32, device, p.numel()) : grads[i].reshape(-1));
                }
                if (b == buckets.size() - 1) parts.add(Tensor.of(has, n).to(device));
                Tensor flat = Tensor.cat(parts, 0);
                if (weight != 1.0) flat = flat.mul(weight);
                flats.add(flat);
                pending.add(group.allReduceAsync(flat, ProcessGroup.Op.SUM, "all-reduce of gradient bucket " + b));
                collectives++;
            }
            for (ProcessGroup.Pending p : pending) p.await();
            float[] anyRank = flats.getLast().narrow(0, flats.getLast().numel() - n, n).toFloatArray();
            for (int b = 0; b < buckets.size(); b++) {
                long off = 0;
                Tensor flat = flats.get(b);
                for (int i : buckets.get(b)) {
                    Tensor p = parameters.get(i);
                    long k = p.numel();
                    if (anyRank[i] == 0f) {
                        off += k;
                        continue; // no rank computed a gradient: leave it undefined
                    }
                    Tensor sum = flat.narrow(0, off, k).reshape(p.shape());
                    if (grads[i] != null) grads[i].copyFrom_(sum);
                    else p.setGrad(sum.clone_());
                    off += k;
                }
            }
        }
    }

    /** Consecutive parameters grouped into buckets of about {@code bucketBytes}; never empty. */
    List<List<Integer>> buckets(List<Tensor> parameters) {
        List<List<Integer>> out = new ArrayList<>();
        List<Integer> cur = new ArrayList<>();
        long bytes = 0;
        for (int i = 0; i < parameters.size(); i++) {
            long nb = parameters.get(i).numel() * Float.BYTES;
            if (!cur.isEmpty() && bytes + nb > bucketBytes) {
                out.add(cur);
                cur = new ArrayList<>();
                bytes = 0;
            }
            cur.add(i);
            bytes += nb;
        }
        out.add(cur);
        return out;
    }

    @Override
    public int rank() {
        return group.rank();
    }

    @Override
    public int worldSize() {
        return group.worldSize();
    }

    @Override
    public String backend() {
        return group.backend().name().toLowerCase(Locale.ROOT);
    }

    @Override
    public void broadcastFromRoot(List<Tensor> tensors) {
        group.broadcastAll(tensors, 0, "broadcast of rank 0's parameters");
    }

    @Override
    public void sumAcrossRanks(Tensor t) {
        group.allReduce(t, ProcessGroup.Op.SUM, "all-reduce (sum) of epoch metrics");
    }

    @Override
    public void minAcrossRanks(Tensor t) {
        group.allReduce(t, ProcessGroup.Op.MIN, "all-reduce (min) across ranks");
    }

    @Override
    public void close() {
        group.close();
    }
}
