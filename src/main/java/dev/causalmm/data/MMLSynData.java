package dev.causalmm.data;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * MMLSynData, the synthetic multimodal benchmark of the C3R paper, built as spec §2.7 prescribes
 * (the paper's Appendix D.1 is unavailable): CaSN's generator of a sufficient-and-necessary cause
 * (SN), a sufficient cause (SF), a necessary cause (NC) and a spurious factor (SP), lifted to K
 * modalities by a fixed random orthogonal mixing per modality.
 *
 * <p>Per sample: {@code sn ~ B(0.5)}, {@code y = sn XOR B(0.15)}, {@code sf = sn ? 1 : B(0.1)},
 * {@code nc = sn·B(0.9)}, {@code sp = s·sn·1_d + (1−s)·N(0, I_d)},
 * {@code t = [sn·1_d, sf·1_d, nc·1_d, sp] + N(0, σ²)}, and for modality k
 * {@code x_k = sigmoid(κ1(t_k R_k + ε_k)²)} with {@code κ1(u) = max(u − 0.5, 0)} on positive u,
 * {@code t_k} = t with the blocks modality k does not observe zeroed, {@code ε_k ~ N(0, σ²)}.
 * The mixings R_k are shared by the train, validation and test splits; only s (and the samples) differ.
 * Everything is drawn from {@link Random} seeded by the config, so a seed fixes the data exactly.
 */
public final class MMLSynData {

    /** The four latent factor blocks, in the order they appear in {@code t}. */
    public enum Factor { SN, SF, NC, SP }

    /** One split: the dataset plus its latent factors for representation analysis. */
    public record Split(ArrayDataset dataset, float[] sn, float[] sf, float[] nc, float[] sp, int blockDim, double spurious) {
        /** The latent factor {@code f} as {@code n × width} rows (width 1 for SN/SF/NC, d for SP). */
        public double[][] factor(Factor f) {
            int n = sn.length;
            double[][] out = new double[n][];
            for (int i = 0; i < n; i++) {
                out[i] = switch (f) {
                    case SN -> new double[] {sn[i]};
                    case SF -> new double[] {sf[i]};
                    case NC -> new double[] {nc[i]};
                    case SP -> {
                        double[] r = new double[blockDim];
                        for (int j = 0; j < blockDim; j++) r[j] = sp[i * blockDim + j];
                        yield r;
                    }
                };
            }
            return out;
        }
    }

    /** The train / validation / test splits. */
    public record Splits(Split train, Split val, Split test, MMLSynConfig config) {}

    private MMLSynData() {}

    public static Splits generate(MMLSynConfig c) {
        Random mixRng = new Random(c.seed() * 1_000_003L + 17);
        int dim = c.inputDim();
        double[][][] mix = new double[c.modalities()][][];
        for (int k = 0; k < c.modalities(); k++) mix[k] = randomOrthogonal(dim, mixRng);
        Split train = split("mmlsyn-train", c, mix, c.trainSize(), c.spuriousTrain(), new Random(c.seed() * 31 + 1));
        Split val = split("mmlsyn-val", c, mix, Math.max(c.valSize(), 0), c.spuriousTrain(), new Random(c.seed() * 31 + 2));
        Split test = split("mmlsyn-test", c, mix, c.testSize(), c.spuriousTest(), new Random(c.seed() * 31 + 3));
        return new Splits(train, val, test, c);
    }

    private static Split split(String name, MMLSynConfig c, double[][][] mix, int n, double s, Random r) {
        int d = c.blockDim();
        int dim = c.inputDim();
        int k = c.modalities();
        float[][] x = new float[k][n * dim];
        int[] y = new int[n];
        float[] sn = new float[n];
        float[] sf = new float[n];
        float[] nc = new float[n];
        float[] sp = new float[n * d];
        double[] t = new double[dim];
        double[] tk = new double[dim];
        List<Set<Factor>> masks = new ArrayList<>();
        for (int m = 0; m < k; m++) masks.add(c.factorMasks().isEmpty() ? EnumSet.allOf(Factor.class) : c.factorMasks().get(m));
        for (int i = 0; i < n; i++) {
            int vSn = r.nextDouble() < 0.5 ? 1 : 0;
            int flip = r.nextDouble() < 0.15 ? 1 : 0;
            y[i] = vSn ^ flip;
            int vSf = vSn == 1 ? 1 : (r.nextDouble() < 0.1 ? 1 : 0);
            int vNc = vSn * (r.nextDouble() < 0.9 ? 1 : 0);
            sn[i] = vSn;
            sf[i] = vSf;
            nc[i] = vNc;
            for (int j = 0; j < d; j++) {
                double v = s * vSn + (1 - s) * r.nextGaussian();
                sp[i * d + j] = (float) v;
                t[j] = vSn;
                t[d + j] = vSf;
                t[2 * d + j] = vNc;
                t[3 * d + j] = v;
            }
            for (int j = 0; j < dim; j++) t[j] += c.noiseStd() * r.nextGaussian();
            for (int m = 0; m < k; m++) {
                Set<Factor> seen = masks.get(m);
                for (int j = 0; j < dim; j++) tk[j] = seen.contains(Factor.values()[j / d]) ? t[j] : 0.0;
                double[][] rm = mix[m];
                for (int col = 0; col < dim; col++) {
                    double u = 0;
                    for (int j = 0; j < dim; j++) u += tk[j] * rm[j][col];
                    u += c.noiseStd() * r.nextGaussian();
                    double kappa = u > 0 ? u - 0.5 : 0.0;
                    x[m][i * dim + col] = (float) (1.0 / (1.0 + Math.exp(-kappa * kappa)));
                }
            }
        }
        List<ModalitySpec> specs = new ArrayList<>();
        for (int m = 0; m < k; m++) specs.add(ModalitySpec.vector("m" + m, dim));
        return new Split(new ArrayDataset(name, specs, x, y, null, 2), sn, sf, nc, sp, d, s);
    }

    /** A Haar-random orthogonal matrix: Gram–Schmidt on Gaussian columns. */
    static double[][] randomOrthogonal(int n, Random r) {
        double[][] q = new double[n][n];
        for (int col = 0; col < n; col++) {
            double[] v = new double[n];
            for (int i = 0; i < n; i++) v[i] = r.nextGaussian();
            for (int prev = 0; prev < col; prev++) {
                double dot = 0;
                for (int i = 0; i < n; i++) dot += v[i] * q[i][prev];
                for (int i = 0; i < n; i++) v[i] -= dot * q[i][prev];
            }
            double norm = 0;
            for (double e : v) norm += e * e;
            norm = Math.sqrt(norm);
            for (int i = 0; i < n; i++) q[i][col] = v[i] / norm;
        }
        return q;
    }
}
