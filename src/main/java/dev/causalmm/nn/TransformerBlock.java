package dev.causalmm.nn;

import dev.causalmm.engine.Functional;
import dev.causalmm.engine.Tensor;

/**
 * One pre-LN transformer encoder layer: {@code x + Attn(LN(x))}, then {@code x + FFN(LN(x))} with a
 * GELU feed-forward network. Attention runs in LibTorch's fused scaled-dot-product kernel, with
 * Q, K and V from one {@code H → 3H} projection (one matrix product instead of three).
 */
public final class TransformerBlock extends Module {
    private final int heads;
    private final int hidden;
    private final double dropout;
    private final LayerNorm ln1;
    private final LayerNorm ln2;
    private final Linear qkv;
    private final Linear out;
    private final Linear ff1;
    private final Linear ff2;

    public TransformerBlock(int hidden, int heads, int ffn, double dropout, Init init) {
        if (hidden % heads != 0) throw new IllegalArgumentException("hidden size " + hidden + " is not a multiple of the " + heads + " heads");
        this.heads = heads;
        this.hidden = hidden;
        this.dropout = dropout;
        ln1 = registerModule("ln1", new LayerNorm(hidden));
        qkv = registerModule("qkv", new Linear(hidden, 3 * hidden, init));
        out = registerModule("out", new Linear(hidden, hidden, init));
        ln2 = registerModule("ln2", new LayerNorm(hidden));
        ff1 = registerModule("ff1", new Linear(hidden, ffn, init));
        ff2 = registerModule("ff2", new Linear(ffn, hidden, init));
    }

    /** {@code B×L×H → B×L×H}. */
    public Tensor forward(Tensor x) {
        return forward(x, null);
    }

    /** As {@link #forward(Tensor)}; {@code keep} ({@code B×1×1×L} bool, or null) hides padded keys. */
    public Tensor forward(Tensor x, Tensor keep) {
        long b = x.size(0), l = x.size(1), dh = hidden / heads;
        // B×L×3H → 3×B×A×L×dh (one reshape and one permute-like transpose pair)
        Tensor p = qkv.forward(ln1.forward(x)).reshape(b, l, 3, heads, dh);
        Tensor q = p.select(2, 0).transpose(1, 2);
        Tensor k = p.select(2, 1).transpose(1, 2);
        Tensor v = p.select(2, 2).transpose(1, 2);
        Tensor a = Functional.scaledDotProductAttention(q, k, v, keep).transpose(1, 2).reshape(b, l, hidden);
        x = x.add(Functional.dropout(out.forward(a), dropout, isTraining()));
        Tensor f = Functional.dropout(ff2.forward(Functional.gelu(ff1.forward(ln2.forward(x)))), dropout, isTraining());
        return x.add(f);
    }
}
