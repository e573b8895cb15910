package dev.causalmm.nn;

import dev.causalmm.data.ModalitySpec;
import dev.causalmm.engine.Device;
import dev.causalmm.engine.NoGrad;
import dev.causalmm.engine.ScriptModule;
import dev.causalmm.engine.Tensor;
import dev.causalmm.engine.TensorScope;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A pretrained TorchScript module as a modality's encoder: the loader's values (prepared as
 * {@link PretrainedEncoderSpec#input()} says) go through the module, its output is flattened to a
 * {@code B×D} feature. Frozen: its weights get no gradient and it runs in evaluation mode;
 * fine-tuned: its weights are this module's parameters (trained, checkpointed, restored).
 */
final class ScriptEncoder extends ModalityEncoder {
    private static final double[] IMAGENET_MEAN = {0.485, 0.456, 0.406}, IMAGENET_STD = {0.229, 0.224, 0.225};

    private final ScriptModule module;
    private final boolean trainable;
    private final String input;
    private final List<String> names = new ArrayList<>();
    private final int dim;
    private final ModalitySpec spec;

    public ScriptEncoder(ModalitySpec spec, PretrainedEncoderSpec p) {
        this.spec = spec;
        try {
            this.module = ScriptModule.load(Path.of(p.file()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.trainable = p.mode().equals("finetune");
        this.input = p.input();
        if (!input.equals("raw") && spec.kind() != ModalitySpec.Kind.IMAGE) {
            throw new IllegalArgumentException("pretrained encoder of '" + spec.name() + "': input=" + input + " is for images; use input=raw for "
                    + spec.kind().name().toLowerCase(Locale.ROOT));
        }
        module.requiresGrad(trainable);
        module.train(false);
        if (trainable) {
            for (Map.Entry<String, Tensor> e : module.namedParameters().entrySet()) {
                String name = "script." + e.getKey();
                names.add(name);
                registerParameter(name, e.getValue());
            }
        }
        // the feature width: one forward on a zero sample
        try (var s = TensorScope.open("probe"); var ng = NoGrad.enter()) {
            long[] shape = new long[spec.shape().length + 1];
            shape[0] = 1;
            System.arraycopy(spec.shape(), 0, shape, 1, spec.shape().length);
            Tensor out = module.forward(prepare(Tensor.zeros(shape)));
            if (out.size(0) != 1) throw new IllegalArgumentException(p.file() + ": forward of 1 sample returned " + out.size(0) + " rows");
            this.dim = (int) (out.numel());
        }
    }

    /** The TorchScript file's output width. */
    @Override
    public int featureDim() {
        return dim;
    }

    public boolean trainable() {
        return trainable;
    }

    private Tensor prepare(Tensor x) {
        if (input.equals("raw")) return x;
        Tensor u = x.div(255.0);
        if (input.equals("unit")) return u;
        long c = x.size(1);
        if (c != 3) throw new IllegalArgumentException("input=imagenet needs 3 channels, the images have " + c);
        try (Tensor mean = Tensor.of(new float[] {(float) IMAGENET_MEAN[0], (float) IMAGENET_MEAN[1], (float) IMAGENET_MEAN[2]}, 1, 3, 1, 1).unscoped();
             Tensor std = Tensor.of(new float[] {(float) IMAGENET_STD[0], (float) IMAGENET_STD[1], (float) IMAGENET_STD[2]}, 1, 3, 1, 1).unscoped();
             Tensor m = mean.to(x.device()).unscoped(); Tensor sd = std.to(x.device()).unscoped()) {
            return u.sub(m).div(sd);
        }
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor out;
        if (trainable) {
            out = module.forward(prepare(x));
        } else {
            try (var ng = NoGrad.enter()) {
                out = module.forward(prepare(x));
            }
        }
        return out.reshape(out.size(0), dim);
    }

    @Override
    public void setTraining(boolean on) {
        super.setTraining(on);
        module.train(on && trainable);
    }

    @Override
    public void to(Device device) {
        module.to(device);
        if (trainable) {
            Map<String, Tensor> fresh = module.namedParameters();
            for (String name : names) {
                Tensor t = fresh.get(name.substring("script.".length()));
                param(name).close();
                replaceParameter(name, t);
            }
        }
    }

    @Override
    public void close() {
        super.close();
        module.close();
    }

    @Override
    public String toString() {
        return "ScriptEncoder(" + module.file() + ", " + spec + " -> " + dim + (trainable ? ", fine-tuned" : ", frozen") + ")";
    }
}
