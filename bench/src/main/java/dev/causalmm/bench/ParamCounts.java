package dev.causalmm.bench;

import dev.causalmm.baselines.Baselines;
import dev.causalmm.causal.Regularizer;
import dev.causalmm.causal.Regularizers;
import dev.causalmm.data.ImageTextConfig;
import dev.causalmm.data.ImageTextData;
import dev.causalmm.data.MMLSynConfig;
import dev.causalmm.data.MMLSynData;
import dev.causalmm.engine.Engine;
import dev.causalmm.engine.Tensor;
import dev.causalmm.nn.Activation;
import dev.causalmm.nn.EncoderConfig;
import dev.causalmm.nn.MultimodalModel;
import java.util.List;

/**
 * Prints the trainable parameter count (model + regulariser) of every step-benchmark configuration,
 * one {@code bench model reg size count} line each, built exactly as {@link TrainStepBenchmark} and
 * {@link ImageTextStepBenchmark} build them: what bench/python/compare checks the PyTorch twins against.
 */
public final class ParamCounts {
    private ParamCounts() {}

    public static void main(String[] args) {
        Engine.init();
        var syn = MMLSynData.generate(MMLSynConfig.defaults(0).withSizes(512, 64, 8));
        for (String model : List.of("late-fusion", "concat", "tmc", "qmf")) {
            for (String reg : List.of("none", "c3r", "imml", "cmir")) {
                for (String size : List.of("paper", "large")) {
                    int batch = size.equals("paper") ? 256 : 1024;
                    EncoderConfig enc = size.equals("paper") ? EncoderConfig.c3rPaper()
                            : new EncoderConfig(List.of(512, 256, 1024), Activation.ELU, true);
                    Regularizer r = Regularizers.create(reg);
                    MultimodalModel net = r.adapt(Baselines.create(model, new int[] {20, 20}, 2, enc, batch, 0), 0);
                    print("trainstep", model, reg, size, net, r, syn.train().dataset(), syn.val().dataset());
                }
            }
        }
        var data = ImageTextData.generate(ImageTextConfig.defaults(0).withSizes(256, 64, 8));
        for (String model : List.of("late-fusion", "concatbow", "tmc", "qmf", "mmbt-small", "mmbt")) {
            for (String reg : List.of("none", "c3r")) {
                Regularizer r = Regularizers.create(reg);
                MultimodalModel net = r.adapt(Baselines.create(model, data.modalities(), data.numClasses(), EncoderConfig.c3rPaper(), 64, 0), 0);
                print("imagetext", model, reg, "-", net, r, data.train(), data.val());
            }
        }
    }

    private static void print(String bench, String model, String reg, String size, MultimodalModel net, Regularizer r,
                              dev.causalmm.data.MultimodalDataset train, dev.causalmm.data.MultimodalDataset val) {
        r.observeData(train, val);
        r.bind(net, 0);
        long n = net.parameterCount();
        for (Tensor p : r.parameters()) n += p.numel();
        System.out.printf("%s %s %s %s %d%n", bench, model, reg, size, n);
        r.close();
        net.close();
    }
}
