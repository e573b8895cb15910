package dev.causalmm.seg;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.causalmm.io.Json;
import dev.causalmm.nn.UNetConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Everything needed to rebuild a trained segmentation model and to feed it data the way it was
 * trained: the network's shape, the dataset-wide modality order, the inference window, the label
 * scheme and the data options (discovery globs, normalisation) as the CLI gave them. Written as
 * {@code config.json} next to the weights.
 *
 * @param unet     the network
 * @param modalities the channel order (e.g. flair, t1c)
 * @param patch    training patch and inference window sides {px, py, pz}
 * @param seed     the seed the weights were initialised from
 * @param labelScheme label numbering of the data (brats2015, brats2018, …)
 * @param data     the data options (opaque to this package; the CLI reads them back), may be empty
 * @param downsample the model works on a grid this many times coarser than the cases' (1 = full
 *     resolution; see {@link Resampling}); {@code patch} is in coarse voxels
 */
public record SegModelConfig(UNetConfig unet, List<String> modalities, int[] patch, long seed, String labelScheme, ObjectNode data,
                             int downsample) {
    /** A full-resolution model. */
    public SegModelConfig(UNetConfig unet, List<String> modalities, int[] patch, long seed, String labelScheme, ObjectNode data) {
        this(unet, modalities, patch, seed, labelScheme, data, 1);
    }

    public SegModelConfig {
        if (downsample < 1 || downsample > 8) throw new IllegalArgumentException("downsample factor must be in 1..8, got " + downsample);
        modalities = List.copyOf(modalities);
        if (modalities.size() != unet.modalities()) {
            throw new IllegalArgumentException(modalities.size() + " modality names " + modalities + " for a U-Net of "
                    + unet.modalities() + " inputs");
        }
        patch = patch.clone();
        for (int p : patch) {
            if (p <= 0 || p % unet.divisor() != 0) {
                throw new IllegalArgumentException("patch sides must be positive multiples of " + unet.divisor()
                        + " (2^depth), got " + Arrays.toString(patch));
            }
        }
        data = data == null ? Json.object() : data.deepCopy();
    }

    @Override
    public int[] patch() {
        return patch.clone();
    }

    public ObjectNode toJson() {
        ObjectNode o = Json.object();
        o.put("format", "causalmm-seg-1");
        ObjectNode u = o.putObject("unet");
        u.put("modalities", unet.modalities());
        u.put("outChannels", unet.outChannels());
        u.put("baseWidth", unet.baseWidth());
        u.put("maxWidth", unet.maxWidth());
        u.put("depth", unet.depth());
        u.put("residual", unet.residual());
        u.put("fusion", unet.fusion().name().toLowerCase(Locale.ROOT));
        u.put("leakySlope", unet.leakySlope());
        ArrayNode m = o.putArray("modalities");
        modalities.forEach(m::add);
        ArrayNode p = o.putArray("patch");
        for (int s : patch) p.add(s);
        o.put("seed", seed);
        o.put("labelScheme", labelScheme);
        o.set("data", data);
        o.put("downsample", downsample);
        return o;
    }

    public static SegModelConfig fromJson(JsonNode o, String source) {
        if (!"causalmm-seg-1".equals(o.path("format").asText())) {
            throw new IllegalArgumentException(source + ": not a causalmm segmentation model config (format "
                    + o.path("format") + ", expected \"causalmm-seg-1\")");
        }
        JsonNode u = o.get("unet");
        UNetConfig unet = new UNetConfig(u.get("modalities").asInt(), u.get("outChannels").asInt(), u.get("baseWidth").asInt(),
                u.get("maxWidth").asInt(), u.get("depth").asInt(), u.get("residual").asBoolean(),
                UNetConfig.Fusion.valueOf(u.get("fusion").asText().toUpperCase(Locale.ROOT)), u.get("leakySlope").asDouble());
        List<String> mods = new ArrayList<>();
        o.get("modalities").forEach(n -> mods.add(n.asText()));
        int[] patch = new int[3];
        for (int i = 0; i < 3; i++) patch[i] = o.get("patch").get(i).asInt();
        return new SegModelConfig(unet, mods, patch, o.get("seed").asLong(), o.path("labelScheme").asText("brats2018"),
                o.has("data") ? (ObjectNode) o.get("data") : Json.object(), o.path("downsample").asInt(1));
    }
}
