package dev.causalmm.nn;

import java.util.List;
import java.util.Locale;

/**
 * A pretrained TorchScript encoder for one modality (a {@code torch.jit.save} file).
 *
 * @param modality the modality's name ({@code image}, {@code text}, {@code m0}, …)
 * @param file     the TorchScript file
 * @param mode     {@code frozen} (its weights stay; only the MLP on top trains), {@code finetune}
 *                 (its weights train with the model and are saved in the checkpoint) or {@code cache}
 *                 (run once over the dataset; the features are cached on disk and the modality
 *                 becomes a feature vector)
 * @param input    how the loader's values are prepared: {@code raw} (as they are), {@code unit}
 *                 (images / 255), {@code imagenet} (images / 255, then ImageNet's mean and std)
 */
public record PretrainedEncoderSpec(String modality, String file, String mode, String input) {
    public static final List<String> MODES = List.of("frozen", "finetune", "cache");
    public static final List<String> INPUTS = List.of("raw", "unit", "imagenet");

    public PretrainedEncoderSpec {
        if (modality == null || modality.isBlank()) throw new IllegalArgumentException("a pretrained encoder needs a modality name");
        if (file == null || file.isBlank()) throw new IllegalArgumentException("pretrained encoder of '" + modality + "': no TorchScript file given");
        if (mode == null) mode = "frozen";
        if (input == null) input = "unit";
        if (!MODES.contains(mode)) throw new IllegalArgumentException("pretrained encoder mode '" + mode + "': expected one of " + MODES);
        if (!INPUTS.contains(input)) throw new IllegalArgumentException("pretrained encoder input '" + input + "': expected one of " + INPUTS);
    }

    /**
     * Parses the command-line form {@code MODALITY=FILE[,mode=frozen|finetune|cache][,input=raw|unit|imagenet]}
     * (a bare {@code frozen}/{@code finetune}/{@code cache} also names the mode).
     */
    public static PretrainedEncoderSpec parse(String s) {
        int eq = s.indexOf('=');
        if (eq <= 0) throw new IllegalArgumentException("--encoder '" + s + "': expected MODALITY=FILE[,mode=frozen|finetune|cache][,input=raw|unit|imagenet]");
        String[] parts = s.substring(eq + 1).split(",");
        String mode = null, input = null;
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].trim().toLowerCase(Locale.ROOT);
            if (p.startsWith("mode=")) mode = p.substring(5);
            else if (p.startsWith("input=")) input = p.substring(6);
            else if (MODES.contains(p)) mode = p;
            else throw new IllegalArgumentException("--encoder '" + s + "': unknown setting '" + parts[i] + "' (mode=…, input=…)");
        }
        PretrainedEncoderSpec spec = new PretrainedEncoderSpec(s.substring(0, eq).trim(), parts[0].trim(), mode, input);
        requireTorchScript(spec.file());
        return spec;
    }

    /** A {@code torch.jit.save} file is a zip archive: refuse anything else before the run starts, not when the model is built. */
    private static void requireTorchScript(String file) {
        java.nio.file.Path p = java.nio.file.Path.of(file);
        byte[] head = new byte[4];
        try (var in = java.nio.file.Files.newInputStream(p)) {
            if (in.readNBytes(head, 0, 4) == 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) return;
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("--encoder " + file + ": cannot read it (" + e.getMessage() + ")");
        }
        throw new IllegalArgumentException("--encoder " + file + ": not a TorchScript file (torch.jit.save writes a zip archive)");
    }

    public boolean cached() {
        return mode.equals("cache");
    }
}
