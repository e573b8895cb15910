package dev.causalmm.seg;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.causalmm.engine.Tensor;
import dev.causalmm.io.Json;
import dev.causalmm.io.UserInputException;
import dev.causalmm.nn.UNet3d;
import dev.causalmm.nn.UNetConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LCKD on segmentation (Wang et al., MICCAI 2023; {@code billhhh/LCKD} {@code DualNet.forward} and
 * {@code train.py}): the elected teachers of the regions WT, TC and ET and the distillation term.
 * The term is, for every distinct teacher t and every other modality s, the L1 distance
 * ({@code nn.L1Loss}: mean absolute difference) between s's and t's (detached) bottleneck
 * features of the shared encoder, taken over the samples that have both t and s after modality
 * dropout, summed over the pairs. Before the first election the teacher is the first modality (the
 * reference's {@code --teachers 0}). The teachers are training state: they are checkpointed and
 * restored on resume. The term stays on the device (read back on log steps only); an election reads
 * its Dice back once.
 */
final class SegLckd {
    private static final Logger LOG = LoggerFactory.getLogger(SegTrainer.class);
    static final List<String> REGIONS = List.of("WT", "TC", "ET");

    private final LckdConfig config;
    private final List<String> modalities;
    private final PatchSampler.Batch patches;
    private int[] teachers = new int[3];
    private final List<LckdElection> elections = new ArrayList<>();

    /** Draws the election patches from {@code sampler}'s volumes ({@link #electionPatches}). */
    SegLckd(LckdConfig config, UNetConfig unet, List<String> modalities, PatchSampler sampler, long seed) {
        requireSharedEncoder(unet.fusion());
        this.config = config;
        this.modalities = List.copyOf(modalities);
        this.patches = electionPatches(sampler, config.electionPatches(), seed ^ 0x1CCD_E1EC7L);
    }

    /**
     * {@code n} tumour-centred patches without flips or dropout (every modality the case has), patch
     * b from volume b mod V in the training order, so that every case (and so every modality some
     * case has) is scored once n reaches the number of cases; drawn from {@code seed}, the same on resume.
     */
    static PatchSampler.Batch electionPatches(PatchSampler sampler, int n, long seed) {
        PatchSampler.Settings s = new PatchSampler.Settings(sampler.settings().patch(), 1.0, false, false);
        int volumes = Math.min(n, sampler.volumeCount());
        PatchSampler[] of = new PatchSampler[volumes];
        for (int v = 0; v < volumes; v++) of[v] = sampler.ofVolume(v, s, seed + v);
        int k = sampler.modalities();
        int[] p = s.patch();
        int pv = p[0] * p[1] * p[2];
        float[] x = new float[n * k * pv], mask = new float[n * k], y = new float[n * 3 * pv];
        for (int b = 0; b < n; b++) {
            PatchSampler.Batch one = of[b % volumes].batch(b / volumes, 1);
            System.arraycopy(one.x(), 0, x, b * k * pv, k * pv);
            System.arraycopy(one.mask(), 0, mask, b * k, k);
            System.arraycopy(one.y(), 0, y, b * 3 * pv, 3 * pv);
        }
        return new PatchSampler.Batch(n, k, p, x, mask, y);
    }

    /** LCKD needs each modality's own encoder features, which only the shared-encoder U-Net has. */
    static void requireSharedEncoder(UNetConfig.Fusion fusion) {
        if (fusion != UNetConfig.Fusion.SHARED) {
            throw new UserInputException("LCKD (--lckd) distils each modality's encoder features into the other modalities': it needs the "
                    + "shared-encoder U-Net (--fusion shared); the channel-fusion U-Net (--fusion channels) encodes all modalities "
                    + "together and has no per-modality features");
        }
    }

    LckdConfig config() {
        return config;
    }

    /** Each region's teacher (WT, TC, ET), as modality indices. */
    int[] teachers() {
        return teachers.clone();
    }

    /** The distinct teachers, ascending. */
    int[] teacherSet() {
        return new TreeSet<>(Arrays.stream(teachers).boxed().toList()).stream().mapToInt(Integer::intValue).toArray();
    }

    List<LckdElection> elections() {
        return List.copyOf(elections);
    }

    /** Whether an election follows the 0-based step {@code step} (the reference: {@code i_iter % val_pred_every == 0}). */
    boolean electionDue(long step) {
        return step % config.electEvery() == 0;
    }

    /** The unweighted distillation term of one forward pass (a device scalar). */
    Tensor distillation(UNet3d.Output out, Tensor mask) {
        return distillation(out.modalityFeatures(), mask, teacherSet());
    }

    /**
     * {@code Σ_t Σ_s mean_b∈both(t,s) mean|f_s − sg(f_t)|} over {@code features} {@code B×K×C×d×h×w}
     * and availability {@code mask} {@code B×K}; s = t adds 0 (its value and gradient are 0).
     */
    static Tensor distillation(Tensor features, Tensor mask, int[] teachers) {
        long[] s = features.shape();
        Tensor f = features.reshape(s[0], s[1], s[2] * s[3] * s[4] * s[5]);
        Tensor total = null;
        for (int t : teachers) {
            Tensor dist = f.sub(f.narrow(1, t, 1).detach()).abs().mean(2, false);        // B×K
            Tensor both = mask.mul(mask.narrow(1, t, 1));                                  // B×K: student and teacher present
            Tensor pairs = dist.mul(both).sum(0, false).div(both.sum(0, false).clampMin(1.0)).sum();
            total = total == null ? pairs : total.add(pairs);
        }
        return total;
    }

    /** Elects after step {@code step} (the model's current weights) and logs the result. */
    LckdElection elect(UNet3d model, long step) {
        LckdElection e = LckdElection.hold(model, patches, step, teachers);
        teachers = e.teachers().clone();
        elections.add(e);
        StringBuilder b = new StringBuilder();
        for (int r = 0; r < 3; r++) {
            if (r > 0) b.append(", ");
            int m = teachers[r];
            b.append(REGIONS.get(r)).append(' ').append(modalities.get(m)).append(String.format(Locale.ROOT, " (Dice %.3f)", e.dice()[m][r]));
        }
        LOG.info("LCKD election after step {}: {}; teachers {}", step + 1, b, names(teacherSet()));
        return e;
    }

    private List<String> names(int[] idx) {
        return Arrays.stream(idx).mapToObj(modalities::get).toList();
    }

    /** The teachers per region and every election (its step and single-modality Dice), as checkpoint state and {@code lckd.json}. */
    ObjectNode state() {
        ObjectNode s = Json.object();
        ObjectNode t = s.putObject("teachers");
        for (int r = 0; r < 3; r++) t.put(REGIONS.get(r), modalities.get(teachers[r]));
        ArrayNode list = s.putArray("elections");
        for (LckdElection e : elections) {
            ObjectNode o = list.addObject();
            o.put("afterStep", e.afterStep() + 1);
            ObjectNode won = o.putObject("teachers");
            for (int r = 0; r < 3; r++) won.put(REGIONS.get(r), modalities.get(e.teachers()[r]));
            ObjectNode dice = o.putObject("dice");
            for (int m = 0; m < modalities.size(); m++) {
                ArrayNode row = dice.putArray(modalities.get(m));
                for (double d : e.dice()[m]) {
                    if (Double.isFinite(d)) row.add(d); else row.addNull();
                }
            }
        }
        return s;
    }

    /** Restores the teachers and the elections of a checkpoint's {@link #state()}; absent state keeps the initial teachers. */
    void restore(JsonNode state) {
        if (state == null || !state.has("teachers")) return;
        for (int r = 0; r < 3; r++) teachers[r] = indexOf(state.get("teachers").path(REGIONS.get(r)).asText());
        elections.clear();
        for (JsonNode o : state.path("elections")) {
            double[][] dice = new double[modalities.size()][3];
            for (int m = 0; m < modalities.size(); m++) {
                JsonNode row = o.path("dice").path(modalities.get(m));
                for (int r = 0; r < 3; r++) dice[m][r] = row.path(r).isNumber() ? row.path(r).asDouble() : Double.NaN;
            }
            int[] won = new int[3];
            for (int r = 0; r < 3; r++) won[r] = indexOf(o.path("teachers").path(REGIONS.get(r)).asText());
            elections.add(new LckdElection(o.path("afterStep").asLong() - 1, dice, won));
        }
    }

    private int indexOf(String modality) {
        int i = modalities.indexOf(modality);
        if (i < 0) throw new IllegalArgumentException("the checkpoint's LCKD teacher '" + modality + "' is not one of the modalities " + modalities);
        return i;
    }
}
