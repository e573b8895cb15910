#!/usr/bin/env python3
"""PyTorch-eager twins of causalmm's JMH step benchmarks (the anchor of issue 12).

Each twin builds the same architecture, sizes, batch, optimizer and loss as the Java benchmark of the
same name, so one step does the same math:

  TrainStep     late-fusion | concat | tmc | qmf  x  none | c3r | imml | cmir, size paper | large
                (2 modalities x 20 features, 2 classes; paper: in->64->ELU->32->ELU->128, mu = first 64,
                batch 256; large: in->512->256->1024, mu = 512, batch 1024)
  ImageTextStep late-fusion | concatbow | tmc | qmf | mmbt-small | mmbt  x  none | c3r
                (3x16x16 images + 12-word texts over 64 ids, 4 classes, batch 64)
  Segmentation  --bench unet --size 32,64,128 [--batch B]: seg-train's default 3-D U-Net (4 modalities
                zero-filled + 4 mask channels, width 8, depth 3, InstanceNorm3d(affine), LeakyReLU 0.01,
                strided-conv down, transposed-conv up, 3 sigmoid regions), soft Dice + BCE, Adam lr 3e-3
                without weight decay, as SegmentationBenchmark; batch 1 unless --batch

A step: forward, the model's loss, the regulariser (with the terms Java also computes), backward, Adam
(lr 1e-3, weight decay 1e-4), zero_grad(set_to_none=True); on CUDA one synchronize per step, as the
Java fixture does. The twins are written the way a PyTorch user would write them (F.cross_entropy,
F.normalize, F.kl_div, ...), not transliterated op by op; see bench/RESULTS.md.

Runs on Debian's python3-torch 1.13 (CPU) and on any newer torch; --compile wraps the loss in
torch.compile(mode="reduce-overhead") where torch >= 2 (else every row says why it was skipped).

  /usr/bin/python3 bench/python/twins.py --threads 2 --json out.json          # all paper-size steps
  /usr/bin/python3 bench/python/twins.py --bench trainstep --model tmc --reg c3r --size paper
  /usr/bin/python3 bench/python/twins.py --param-counts                         # parameters per twin
  /usr/bin/python3 bench/python/twins.py --ops                                  # per-op overhead
"""
import argparse
import json
import math
import os
import platform
import random
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

PAD, BLANK = 0, 1


# ----------------------------------------------------------------------------- encoders (nn/)

class MlpEncoder(nn.Module):
    """in -> hidden... with ELU between layers; mean_half keeps the first half (mu) of the last layer."""

    def __init__(self, d_in, hidden, mean_half=True):
        super().__init__()
        widths = [d_in] + list(hidden)
        self.layers = nn.ModuleList(nn.Linear(a, b) for a, b in zip(widths, widths[1:]))
        self.feature_dim = hidden[-1] // 2 if mean_half else hidden[-1]
        self.mean_half = mean_half

    def forward(self, x):
        for i, layer in enumerate(self.layers):
            x = layer(x)
            if i + 1 < len(self.layers):
                x = F.elu(x)
        return x[:, :self.feature_dim] if self.mean_half else x


class ImageTrunk(nn.Module):
    """Two 3x3 convs (C -> 16 -> 32) with ReLU and 2x2 max pooling, pooled to `tokens` rows of 32."""
    MEAN, STD = 0.45, 0.225

    def __init__(self, channels, width=32, tokens=3):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, max(8, width // 2), 3, padding=1)
        self.conv2 = nn.Conv2d(max(8, width // 2), width, 3, padding=1)
        self.tokens, self.width = tokens, width

    def forward(self, pixels):
        x = pixels * (1.0 / (255.0 * self.STD)) - self.MEAN / self.STD
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return F.adaptive_avg_pool2d(x, (self.tokens, 1)).squeeze(3).transpose(1, 2)


class ImageEncoder(nn.Module):
    def __init__(self, channels, hidden):
        super().__init__()
        self.trunk = ImageTrunk(channels)
        flat = self.trunk.tokens * self.trunk.width
        self.mlp = MlpEncoder(flat, hidden) if hidden else None
        self.feature_dim = self.mlp.feature_dim if hidden else flat

    def forward(self, x):
        t = self.trunk(x).reshape(x.shape[0], -1)
        return self.mlp(t) if self.mlp is not None else t


class BagOfWords(nn.Module):
    def __init__(self, vocab, hidden, dim=64):
        super().__init__()
        self.embedding = nn.Embedding(vocab, dim, padding_idx=PAD)
        self.mlp = MlpEncoder(dim, hidden) if hidden else None
        self.feature_dim = self.mlp.feature_dim if hidden else dim

    def forward(self, ids):
        bag = self.embedding(ids.long()).sum(1)
        return self.mlp(bag) if self.mlp is not None else bag


class Identity(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.feature_dim = dim

    def forward(self, x):
        return x.reshape(x.shape[0], self.feature_dim)


def make_encoder(kind, shape, hidden, vocab=64):
    if kind == "features":
        return MlpEncoder(shape[0], hidden) if hidden else Identity(shape[0])
    if kind == "image":
        return ImageEncoder(shape[0], hidden)
    return BagOfWords(vocab, hidden)


# ----------------------------------------------------------------------------- models (baselines/)

class UnimodalHeads(nn.Module):
    """Late fusion, TMC and QMF: one encoder and one linear head per modality, no fused Z."""
    fused_dim = 0
    classifier = None

    def __init__(self, mods, classes, hidden):
        super().__init__()
        self.encoders = nn.ModuleList(make_encoder(k, s, hidden) for k, s in mods)
        self.heads = nn.ModuleList(nn.Linear(e.feature_dim, classes) for e in self.encoders)
        self.classes = classes

    def feature_dims(self):
        return [e.feature_dim for e in self.encoders]

    def encode(self, xs):
        return [e(x) for e, x in zip(self.encoders, xs)]

    def head_logits(self, hs):
        return [head(h) for head, h in zip(self.heads, hs)]

    def forward(self, xs):
        out = self.forward_features(self.encode(xs))
        out["inputs"] = xs
        return out

    def loss(self, out, labels, indices):
        return self.base_loss(out, labels)

    def fused_loss(self, logits, labels):
        return F.cross_entropy(logits, labels)


class LateFusion(UnimodalHeads):
    def fuse_and_predict(self, hs):
        return torch.stack(self.head_logits(hs), 1).mean(1)

    def forward_features(self, hs):
        logits = self.head_logits(hs)
        return dict(features=hs, fused=None, logits=torch.stack(logits, 1).mean(1), modality_logits=logits)

    def base_loss(self, out, labels):
        return F.cross_entropy(out["logits"], labels)


def tmc_combine(a1, a2, classes):
    s1, s2 = a1.sum(1, keepdim=True), a2.sum(1, keepdim=True)
    b1, b2 = (a1 - 1) / s1, (a2 - 1) / s2
    u1, u2 = classes / s1, classes / s2
    kappa = b1.sum(1, keepdim=True) * b2.sum(1, keepdim=True) - (b1 * b2).sum(1, keepdim=True)
    norm = (1 - kappa).clamp_min(1e-8)
    b = (b1 * b2 + b1 * u2 + b2 * u1) / norm
    u = u1 * u2 / norm
    return b * (classes / u) + 1


def evidential_loss(alpha, labels, kl_weight):
    y = F.one_hot(labels, alpha.shape[1]).to(alpha.dtype)
    s = alpha.sum(1, keepdim=True)
    fit = (y * (torch.digamma(s) - torch.digamma(alpha))).sum(1)
    if kl_weight == 0:
        return fit.mean()
    at = y + (1 - y) * alpha
    st = at.sum(1, keepdim=True)
    kl = (torch.lgamma(st).squeeze(1) - torch.lgamma(at).sum(1) - math.lgamma(alpha.shape[1])
          + ((at - 1) * (torch.digamma(at) - torch.digamma(st))).sum(1))
    return (fit + kl_weight * kl).mean()


class TMC(UnimodalHeads):
    kl_weight = 0.0  # epoch 0 of a 10-epoch annealing, as in the Java benchmark

    def alphas(self, hs):
        return [F.softplus(l) + 1 for l in self.head_logits(hs)]

    def fuse_and_predict(self, hs):
        a = self.alphas(hs)
        fused = a[0]
        for x in a[1:]:
            fused = tmc_combine(fused, x, self.classes)
        return fused

    def forward_features(self, hs):
        a = self.alphas(hs)
        fused = a[0]
        for x in a[1:]:
            fused = tmc_combine(fused, x, self.classes)
        return dict(features=hs, fused=None, logits=fused, modality_logits=a)

    def base_loss(self, out, labels):
        loss = evidential_loss(out["logits"], labels, self.kl_weight)
        for a in out["modality_logits"]:
            loss = loss + evidential_loss(a, labels, self.kl_weight)
        return loss

    def fused_loss(self, alpha, labels):
        return evidential_loss(alpha, labels, self.kl_weight)


class QMF(UnimodalHeads):
    def __init__(self, mods, classes, hidden, train_size):
        super().__init__(mods, classes, hidden)
        self.register_buffer("history", torch.zeros(len(mods), train_size))

    @staticmethod
    def confidence(logits):
        return torch.logsumexp(logits, 1, keepdim=True) / 10.0

    def fused(self, logits):
        return sum(l * self.confidence(l).detach() for l in logits)

    def fuse_and_predict(self, hs):
        return self.fused(self.head_logits(hs))

    def forward_features(self, hs):
        l = self.head_logits(hs)
        return dict(features=hs, fused=None, logits=self.fused(l), modality_logits=l)

    def base_loss(self, out, labels):
        loss = F.cross_entropy(out["logits"], labels)
        for l in out["modality_logits"]:
            loss = loss + F.cross_entropy(l, labels)
        return loss

    def loss(self, out, labels, indices):
        loss = self.base_loss(out, labels)
        for k, logits in enumerate(out["modality_logits"]):
            h = self.history[k]
            with torch.no_grad():
                h.index_add_(0, indices, F.cross_entropy(logits, labels, reduction="none"))
                lo = h.min()
                hn = (h[indices] - lo) / (h.max() - lo).clamp_min(1e-12)
            w = self.confidence(logits).squeeze(1)
            diff = hn - hn.roll(-1, 0)
            loss = loss + F.relu(diff.sign() * (w - w.roll(-1, 0)) - diff.abs()).mean()
        return loss


class FusedHead(nn.Module):
    """Concat fusion, ConcatBow and MMBT: fused Z and one linear classifier W."""

    def fuse_and_predict(self, hs):
        return self.classifier(self.fuse(hs))

    def forward(self, xs):
        out = self.forward_features(self.encode(xs))
        out["inputs"] = xs
        return out

    def forward_features(self, hs):
        z = self.fuse(hs)
        return dict(features=hs, fused=z, logits=self.classifier(z), modality_logits=[])

    def loss(self, out, labels, indices):
        return F.cross_entropy(out["logits"], labels)

    def fused_loss(self, logits, labels):
        return F.cross_entropy(logits, labels)


class Concat(FusedHead):
    def __init__(self, mods, classes, hidden):
        super().__init__()
        self.encoders = nn.ModuleList(make_encoder(k, s, hidden) for k, s in mods)
        self.fused_dim = sum(e.feature_dim for e in self.encoders)
        self.classifier = nn.Linear(self.fused_dim, classes)
        self.classes = classes

    def feature_dims(self):
        return [e.feature_dim for e in self.encoders]

    def encode(self, xs):
        return [e(x) for e, x in zip(self.encoders, xs)]

    def fuse(self, hs):
        return torch.cat(hs, 1)


class Block(nn.Module):
    """Pre-norm transformer block with fused attention (scaled_dot_product_attention where torch >= 2)."""

    def __init__(self, h, heads, ffn, dropout):
        super().__init__()
        self.heads, self.h, self.dropout = heads, h, dropout
        self.ln1, self.ln2 = nn.LayerNorm(h), nn.LayerNorm(h)
        self.qkv, self.out = nn.Linear(h, 3 * h), nn.Linear(h, h)
        self.ff1, self.ff2 = nn.Linear(h, ffn), nn.Linear(ffn, h)

    def forward(self, x, keep):
        b, l, _ = x.shape
        p = self.qkv(self.ln1(x)).reshape(b, l, 3, self.heads, self.h // self.heads)
        q, k, v = (p.select(2, i).transpose(1, 2) for i in range(3))
        if hasattr(F, "scaled_dot_product_attention"):
            a = F.scaled_dot_product_attention(q, k, v, attn_mask=keep)
        else:  # torch 1.13: the same math unfused
            s = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
            a = s.masked_fill(~keep, float("-inf")).softmax(-1) @ v
        a = a.transpose(1, 2).reshape(b, l, self.h)
        x = x + F.dropout(self.out(a), self.dropout, self.training)
        return x + F.dropout(self.ff2(F.gelu(self.ff1(self.ln2(x)))), self.dropout, self.training)


class MMBT(FusedHead):
    """Image tokens and word embeddings in one BERT-style encoder; [CLS] pooled, tanh, linear."""

    def __init__(self, mods, classes, layers, h, heads, ffn, image_tokens, dropout=0.1, vocab=64):
        super().__init__()
        self.h, self.dropout, self.kinds = h, dropout, [k for k, _ in mods]
        self.tokenizers, self.projections, self.tokens = nn.ModuleList(), nn.ModuleList(), []
        seg0, longest = 0, 0
        for kind, shape in mods:
            if kind == "image":
                t = ImageTrunk(shape[0], 32, image_tokens)
                self.tokenizers.append(t)
                self.projections.append(nn.Linear(t.width, h))
                self.tokens.append(t.tokens)
                seg0 += t.tokens
            else:
                e = nn.Embedding(vocab, h, padding_idx=PAD)
                self.tokenizers.append(e)
                self.projections.append(nn.Identity())
                self.tokens.append(shape[0])
                longest = max(longest, shape[0])
        self.image_segment = seg0 + 2
        self.special = nn.Embedding(2, h)
        self.positions = nn.Embedding(max(self.image_segment, longest), h)
        self.types = nn.Embedding(2, h)
        self.embed_norm = nn.LayerNorm(h)
        self.blocks = nn.ModuleList(Block(h, heads, ffn, dropout) for _ in range(layers))
        self.final_norm = nn.LayerNorm(h)
        self.pooler = nn.Linear(h, h)
        self.classifier = nn.Linear(h, classes)
        self.fused_dim = h
        self.classes = classes

    def feature_dims(self):
        return [t * self.h for t in self.tokens]

    def encode(self, xs):
        out = []
        for kind, tok, proj, x in zip(self.kinds, self.tokenizers, self.projections, xs):
            t = proj(tok(x)) if kind == "image" else tok(x.long())
            out.append(t.reshape(x.shape[0], -1))
        return out

    def fuse(self, hs):
        b, h = hs[0].shape[0], self.h
        sp, pos, ty = self.special.weight, self.positions.weight, self.types.weight
        image = [sp[0:1].unsqueeze(0).expand(b, 1, h)]
        texts = []
        for kind, t, f in zip(self.kinds, self.tokens, hs):
            seq = f.reshape(b, t, h)
            (texts if kind == "tokens" else image).append(seq)
        image.append(sp[1:2].unsqueeze(0).expand(b, 1, h))
        segments = [torch.cat(image, 1) + (pos[:self.image_segment] + ty[0:1])]
        keep = [torch.ones(b, self.image_segment, dtype=torch.bool, device=hs[0].device)]
        for t in texts:
            segments.append(t + (pos[:t.shape[1]] + ty[1:2]))
            keep.append(t.abs().sum(2) > 0)
        x = torch.cat(segments, 1)
        keep = torch.cat(keep, 1).reshape(b, 1, 1, x.shape[1])
        x = F.dropout(self.embed_norm(x), self.dropout, self.training)
        for block in self.blocks:
            x = block(x, keep)
        return torch.tanh(self.pooler(self.final_norm(x[:, 0])))


# ----------------------------------------------------------------------------- regularisers (causal/)

def klf(u, w):
    """KL(softmax(u) || softmax(w)) summed over classes, batch mean (C3R's L_v and L_fe)."""
    return F.kl_div(F.log_softmax(w, 1), F.log_softmax(u, 1), reduction="sum", log_target=True) / u.shape[0]


class C3R(nn.Module):
    """Spec §2: instrument (self-attention over modality tokens), closed-form normalised counterfactual
    step (eta 0.1, no second order), expected risks, L_v (0.75) and L_fe (0.4); a calibrator and head
    where the model has no fused Z."""

    def __init__(self, model, calibrator_dim=64):
        super().__init__()
        dims = model.feature_dims()
        same = all(d == dims[0] for d in dims)
        self.d = d = dims[0] if same else calibrator_dim
        self.projections = nn.ModuleList() if same else nn.ModuleList(nn.Linear(x, d) for x in dims)
        self.wqkv = nn.Linear(d, 3 * d, bias=False)
        self.model_head = model.fused_dim > 0 and model.classifier is not None
        dz = model.fused_dim if self.model_head else calibrator_dim
        if not self.model_head:
            self.calibrator = nn.Linear(sum(dims), dz)
            self.aux_head = nn.Linear(dz, model.classes)
        self.pv = nn.Linear(d, dz) if dz != d else None
        self.alpha = 1.0 / (2 * math.sqrt(d))

    def instrument(self, hs):
        if len(self.projections):
            hs = [p(h) for p, h in zip(self.projections, hs)]
        qkv = self.wqkv(torch.stack(hs, 1))
        q, k, u = qkv.split(self.d, 2)
        scores = q @ k.transpose(1, 2) * (1 / math.sqrt(self.d) + 2 * self.alpha)
        scores = scores - self.alpha * k.square().sum(2, keepdim=True).transpose(1, 2)
        v = (scores.softmax(2) @ u).mean(1)
        return self.pv(v) if self.pv is not None else v

    def compute(self, model, out, labels):
        if self.model_head:
            z, head, logits = out["fused"], model.classifier, out["logits"]
        else:
            z = self.calibrator(torch.cat(out["features"], 1))
            head = self.aux_head
            logits = head(z)
        lv = klf(self.instrument(out["features"]), z)
        with torch.no_grad():
            y = F.one_hot(labels, logits.shape[1]).bool()
            ascent = head(z).masked_fill(y, float("-inf")).softmax(1) - y.float()
            g = ascent @ head.weight
            g = g * (z.norm(dim=1, keepdim=True) / g.norm(dim=1, keepdim=True).clamp_min(1e-30))
        z_bar = z + 0.1 * g
        logits_bar = head(z_bar)
        col = labels.unsqueeze(1)
        p_hat = logits.softmax(1).gather(1, col)
        p_bar = logits_bar.softmax(1).gather(1, col)
        loss = (1 - p_hat).mean() + p_bar.mean() + 0.75 * lv + 0.4 * klf(z, z_bar)
        if not self.model_head:
            loss = loss + F.cross_entropy(logits, labels)
        # the diagnostic terms the Java regulariser also returns every step
        _suff = 1 - (logits.argmax(1) == labels).float().mean()
        _nec = (logits_bar.argmax(1) == labels).float().mean()
        return loss


class IMML(nn.Module):
    """Spec §3: discriminative-knowledge weights omega (on the model), MDKE (NT-Xent, tau 0.1, both
    directions, gamma1 1e-2) over 64->512->128 ReLU projection heads, and the front-door L_beta with
    two Beta(0.1, 0.1) neighbours (gamma2 1)."""

    def __init__(self, model, predominant=0, tau=0.1, neighbours=2, seed=0):
        super().__init__()
        self.heads = nn.ModuleList(nn.Sequential(nn.Linear(d, 512), nn.ReLU(), nn.Linear(512, 128)) for d in model.feature_dims())
        self.predominant, self.tau, self.neighbours = predominant, tau, neighbours
        self.rng = random.Random(seed)
        self.tensor_lambdas = False  # torch.compile: lambdas as tensors (a float would recompile)

    @staticmethod
    def contrastive(ab, an, tau, eye):
        """Eq. 3 given the cross similarities ab (N x N, /tau) and the unit anchors an."""
        aa = (an @ an.t() / tau).masked_fill(eye, -1e9)
        return (torch.logsumexp(torch.cat([ab, aa], 1), 1) - ab.diagonal()).mean()

    @classmethod
    def mdke(cls, xi, tau):
        """Both directions of NT-Xent over two modalities, as IMML.mdke in Java: each xi normalised
        once and the reverse pair's similarities the transpose of the forward pair's (three N x N x d
        matmuls, not four)."""
        a, b = F.normalize(xi[0], dim=1), F.normalize(xi[1], dim=1)
        eye = torch.eye(a.shape[0], dtype=torch.bool, device=a.device)
        ab = a @ b.t() / tau
        return cls.contrastive(ab, a, tau, eye) + cls.contrastive(ab.t(), b, tau, eye)

    def lambdas(self, device):
        lams = [self.rng.betavariate(0.1, 0.1) for _ in range(self.neighbours)]
        return [torch.tensor(l, device=device) for l in lams] if self.tensor_lambdas else lams

    def compute(self, model, out, labels, lams):
        hs = out["features"]
        k = len(hs)
        xi = [head(h) for head, h in zip(self.heads, hs)]
        mdke = self.mdke(xi, self.tau)
        total = 0
        for n, lam in enumerate(lams, start=1):
            mixed = [h * lam if m == self.predominant else h.roll(-n, 0) * ((1 - lam) / (k - 1)) for m, h in enumerate(hs)]
            logits = model.fuse_and_predict(mixed)
            total = total + lam * model.fused_loss(logits, labels) + (1 - lam) * model.fused_loss(logits, labels.roll(-n, 0))
        return 1e-2 * mdke + total / len(lams)


class Omega(nn.Module):
    """IMML's discriminative-knowledge weights: the model's features times a learnt omega (starts at 1)."""

    def __init__(self, model):
        super().__init__()
        self.base = model
        self.omega = nn.ParameterList(nn.Parameter(torch.ones(d)) for d in model.feature_dims())

    def __getattr__(self, name):
        try:
            return super().__getattr__(name)
        except AttributeError:
            return getattr(self.base, name)

    def encode(self, xs):
        return [h * w for h, w in zip(self.base.encode(xs), self.omega)]

    def forward(self, xs):
        out = self.base.forward_features(self.encode(xs))
        out["inputs"] = xs
        return out

    def loss(self, out, labels, indices):
        return self.base.loss(out, labels, indices)


class Split(nn.Module):
    """CmIR's invariant/spurious split: two d->d linear heads on every modality's feature."""

    def __init__(self, model):
        super().__init__()
        self.base = model
        dims = model.feature_dims()
        self.inv = nn.ModuleList(nn.Linear(d, d) for d in dims)
        self.spu = nn.ModuleList(nn.Linear(d, d) for d in dims)

    def __getattr__(self, name):
        try:
            return super().__getattr__(name)
        except AttributeError:
            return getattr(self.base, name)

    def encode(self, xs):
        return [f(h) for f, h in zip(self.inv, self.base.encode(xs))]

    def forward(self, xs):
        h = self.base.encode(xs)
        out = self.base.forward_features([f(x) for f, x in zip(self.inv, h)])
        out["inputs"], out["spu"] = xs, [f(x) for f, x in zip(self.spu, h)]
        return out

    def loss(self, out, labels, indices):
        return self.base.loss(out, labels, indices)


class CmIR(nn.Module):
    """Spec §4, paired form: three noisy environments (levels 1, 2, 3 times the per-feature std),
    relative-L1 invariance between every pair, orthogonality (off-diagonal 0.1), 2d->64->D
    decoders with MSE; lambdas 0.1 each."""

    def __init__(self, model, kinds, input_dims):
        super().__init__()
        self.kinds = kinds
        dims = model.feature_dims()
        self.decoders = nn.ModuleList(
            nn.Sequential(nn.Linear(2 * d, 64), nn.ReLU(), nn.Linear(64, n)) if k != "tokens" else nn.Identity()
            for d, k, n in zip(dims, kinds, input_dims))
        for m, n in enumerate(input_dims):
            self.register_buffer(f"std{m}", torch.ones(1, n))  # the data's per-feature std in Java

    def perturb(self, x, m, level):
        flat = x.reshape(x.shape[0], -1)
        if self.kinds[m] == "tokens":
            hit = (torch.rand_like(flat) < min(1.0, level * 0.25)).float() * (flat > PAD + 0.5).float()
            out = flat + hit * (BLANK - flat)
        else:
            out = flat + level * torch.randn_like(flat) * getattr(self, f"std{m}")
        return out.reshape(x.shape)

    @staticmethod
    def orthogonality(inv, spu):
        b = inv.shape[0]
        sq = (F.normalize(inv, dim=1) @ F.normalize(spu, dim=1).t()).square()
        diag = sq.diagonal().sum()
        return diag / b + 0.01 * (sq.sum() - diag) / (b * (b - 1))

    @staticmethod
    def code_scale(z):
        var = z.var(0, unbiased=False, keepdim=True)
        return (var + var.mean() * 1e-6 + 1e-30).sqrt()

    def compute(self, model, out, labels):
        xs, inv, spu = out["inputs"], out["features"], out["spu"]
        dec, rec = 0, 0
        for m, (x, i, s) in enumerate(zip(xs, inv, spu)):
            dec = dec + self.orthogonality(i, s)
            if self.kinds[m] == "tokens":
                continue
            target = x.reshape(x.shape[0], -1)
            if self.kinds[m] == "image":
                target = target / 255.0
            rec = rec + F.mse_loss(self.decoders[m](torch.cat([i, s], 1)), target)
        codes = [model.encode([self.perturb(x, m, level) for m, x in enumerate(xs)]) for level in (1.0, 2.0, 3.0)]
        scales = [self.code_scale(z) for z in inv]
        total, pairs = 0, 0
        for a in range(len(codes)):
            for b in range(a + 1, len(codes)):
                for m in range(len(inv)):
                    total = total + ((codes[a][m] - codes[b][m]).abs() / scales[m]).mean()
                pairs += 1
        return 0.1 * total / pairs + 0.1 * dec + 0.1 * rec


# ----------------------------------------------------------------------------- segmentation (seg/)

class UBlock(nn.Module):
    """conv 3^3 (stride s) -> IN -> LReLU -> conv 3^3 -> IN -> LReLU (nn.UNet3d.Block, plain)."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv3d(cin, cout, 3, stride, padding=1)
        self.norm1 = nn.InstanceNorm3d(cout, affine=True)
        self.conv2 = nn.Conv3d(cout, cout, 3, 1, padding=1)
        self.norm2 = nn.InstanceNorm3d(cout, affine=True)

    def forward(self, x):
        h = F.leaky_relu(self.norm1(self.conv1(x)), 0.01)
        return F.leaky_relu(self.norm2(self.conv2(h)), 0.01)


class UNet3d(nn.Module):
    """nn.UNet3d with Fusion.CHANNELS: modalities + availability planes, skips by concatenation."""

    def __init__(self, k=4, out=3, width=8, depth=3):
        super().__init__()
        w = lambda l: min(width * 8, width << l)
        self.k, self.depth = k, depth
        cin, enc = 2 * k, []
        for l in range(depth + 1):
            enc.append(UBlock(cin, w(l), 1 if l == 0 else 2))
            cin = w(l)
        self.enc = nn.ModuleList(enc)
        ups, dec, below = [], [], w(depth)
        for l in range(depth - 1, -1, -1):
            ups.append(nn.ConvTranspose3d(below, w(l), 2, 2))
            dec.append(UBlock(2 * w(l), w(l), 1))
            below = w(l)
        self.ups, self.dec = nn.ModuleList(ups), nn.ModuleList(dec)
        self.head = nn.Conv3d(w(0), out, 1)

    def forward(self, inputs):
        x, mask, self.targets = inputs
        b, k, d, h_, w_ = x.shape
        h = torch.cat([x, mask.view(b, k, 1, 1, 1).expand(b, k, d, h_, w_)], 1)
        skips = []
        for block in self.enc:
            h = block(h)
            skips.append(h)
        for i in range(self.depth):
            h = self.dec[i](torch.cat([self.ups[i](h), skips[self.depth - 1 - i]], 1))
        return self.head(h)

    def loss(self, logits, labels, indices):
        y = self.targets
        p = torch.sigmoid(logits)
        dims = (0, 2, 3, 4)
        dice = 1 - (2 * (p * y).sum(dims) + 1) / (p.sum(dims) + y.sum(dims) + 1)
        return dice.mean() + F.binary_cross_entropy_with_logits(logits, y)


def unet_inputs(side, batch, device):
    """A planted tumour (WT/TC/ET spheres) in noise, one modality missing, as SegmentationBenchmark."""
    r = torch.arange(side, dtype=torch.float32, device=device) - side / 2
    dist = (r.view(-1, 1, 1) ** 2 + r.view(1, -1, 1) ** 2 + r.view(1, 1, -1) ** 2).sqrt()
    rw = side * 0.2
    wt, tc = dist <= rw, dist <= 0.55 * rw
    et = tc & (dist > 0.55 * rw - 1.6)
    y = torch.stack([wt, tc, et]).float().unsqueeze(0).expand(batch, 3, side, side, side).contiguous()
    mask = torch.tensor([[1.0, 0.0, 1.0, 1.0]], device=device).expand(batch, 4).contiguous()
    x = (wt.float() * 1.5 + 0.35 * (torch.rand(batch, 4, side, side, side, device=device) * 2 - 1)) * mask.view(batch, 4, 1, 1, 1)
    return [x, mask, y]


# ----------------------------------------------------------------------------- the step fixture

def build(bench, model_name, reg_name, size, device, batch_override=0):
    """The model, regulariser, optimizer and fixed inputs of one Java benchmark configuration."""
    if bench == "trainstep":
        batch = batch_override or (256 if size == "paper" else 1024)
        hidden = [64, 32, 128] if size == "paper" else [512, 256, 1024]
        mods, classes = [("features", (20,)), ("features", (20,))], 2
        inputs = [torch.rand(batch, 20, device=device), torch.rand(batch, 20, device=device)]
    elif bench == "unet":
        batch = batch_override or 1
        net = UNet3d().to(device).train()
        params = list(net.parameters())
        return net, None, params, unet_inputs(int(size), batch, device), None, None
    elif bench == "imagetext":
        batch, hidden = 64, [64, 32, 128]
        mods, classes = [("image", (3, 16, 16)), ("tokens", (12,))], 4
        inputs = [torch.rand(batch, 3, 16, 16, device=device) * 255,
                  (torch.rand(batch, 12, device=device) * 60 + 2).long().float()]
    else:
        raise SystemExit(f"unknown bench {bench}")
    if model_name == "late-fusion":
        net = LateFusion(mods, classes, hidden)
    elif model_name == "concat":
        net = Concat(mods, classes, hidden)
    elif model_name == "concatbow":
        net = Concat(mods, classes, None)
    elif model_name == "tmc":
        net = TMC(mods, classes, hidden)
    elif model_name == "qmf":
        net = QMF(mods, classes, hidden, batch)
    elif model_name == "mmbt-small":
        net = MMBT(mods, classes, 2, 64, 4, 128, 3)
    elif model_name == "mmbt":
        net = MMBT(mods, classes, 4, 256, 4, 1024, 3)
    else:
        raise SystemExit(f"unknown model {model_name}")
    reg = None
    if reg_name == "c3r":
        reg = C3R(net)
    elif reg_name == "imml":
        net = Omega(net)
        reg = IMML(net)
    elif reg_name == "cmir":
        net = Split(net)
        kinds = [k for k, _ in mods]
        reg = CmIR(net, kinds, [math.prod(s) for _, s in mods])
    elif reg_name != "none":
        raise SystemExit(f"unknown regulariser {reg_name}")
    net.to(device).train()
    params = list(net.parameters()) + (list(reg.to(device).parameters()) if reg is not None else [])
    labels = torch.zeros(batch, dtype=torch.long, device=device)
    indices = torch.arange(batch, device=device)
    return net, reg, params, inputs, labels, indices


class Step:
    """One training step; with compile=True the loss (forward + regulariser) is
    torch.compile(mode="reduce-overhead")d and backward/Adam stay eager."""

    def __init__(self, bench, model, reg, size, device, compile=False, batch=0):
        self.net, self.reg, params, self.inputs, self.labels, self.indices = build(bench, model, reg, size, device, batch)
        self.n_params = sum(p.numel() for p in params)
        self.opt = torch.optim.Adam(params, lr=3e-3) if bench == "unet" else torch.optim.Adam(params, lr=1e-3, weight_decay=1e-4)
        self.sync = device.startswith("cuda")
        self.device = device
        self.loss_fn = self._loss
        if compile:
            if isinstance(self.reg, IMML):
                self.reg.tensor_lambdas = True
            self.loss_fn = torch.compile(self._loss, mode="reduce-overhead")

    def _loss(self, inputs, labels, indices, extra):
        out = self.net(inputs)
        loss = self.net.loss(out, labels, indices)
        if isinstance(self.reg, IMML):
            loss = loss + self.reg.compute(self.net, out, labels, extra)
        elif self.reg is not None:
            loss = loss + self.reg.compute(self.net, out, labels)
        return loss

    def run(self):
        extra = self.reg.lambdas(self.device) if isinstance(self.reg, IMML) else None
        loss = self.loss_fn(self.inputs, self.labels, self.indices, extra)
        loss.backward()
        self.opt.step()
        self.opt.zero_grad(set_to_none=True)
        if self.sync:
            torch.cuda.synchronize()
        return loss


def time_step(step, warmup_s, iters, iter_s):
    """JMH-like: warm up for warmup_s, then `iters` iterations of iter_s seconds; µs per step each."""
    t_end = time.perf_counter() + warmup_s
    n = 0
    while time.perf_counter() < t_end or n < 3:
        step.run()
        n += 1
    scores = []
    for _ in range(iters):
        n, t0 = 0, time.perf_counter()
        while True:
            step.run()
            n += 1
            t = time.perf_counter() - t0
            if t >= iter_s:
                break
        scores.append(t / n * 1e6)
    return scores


def thread_counts(threads):
    """--threads best: 1 and every core (the anchor is PyTorch at its best count); else the count in use."""
    if threads == "best":
        return sorted({1, os.cpu_count() or 1})
    return [torch.get_num_threads()]


def measure(bench, model, reg, size, variant, args):
    """One row's timing at each thread count of --threads; the row reports the fastest count's time,
    which count that was (threads) and every count's time (us_per_step_by_threads)."""
    by_threads = {}
    for n in thread_counts(args.threads):
        torch.set_num_threads(n)
        torch.manual_seed(0)
        step = Step(bench, model, reg, size, args.device, compile=variant == "compile", batch=args.batch)
        scores = time_step(step, args.warmup, args.iters, args.iter_time)
        by_threads[n] = dict(params=step.n_params, us_per_step=sum(scores) / len(scores), iterations_us=scores)
        del step
    best = min(by_threads, key=lambda n: by_threads[n]["us_per_step"])
    row = dict(by_threads[best], threads=best)
    if len(by_threads) > 1:
        row["us_per_step_by_threads"] = {str(n): r["us_per_step"] for n, r in by_threads.items()}
    return row


# ----------------------------------------------------------------------------- per-op overhead

def op_overheads(device, seconds=0.5):
    """µs per call of tiny ops (launch-bound: what a framework adds per op)."""
    a = torch.rand(4, 4, device=device)
    b = torch.rand(4, 4, device=device)
    w = torch.rand(8, 4, device=device)
    bias = torch.rand(8, device=device)
    labels = torch.zeros(4, dtype=torch.long, device=device)
    lin = nn.Linear(4, 8).to(device)
    ops = {
        "add": lambda: a + b,
        "mul_scalar": lambda: a * 0.5,
        "matmul": lambda: a @ b,
        "sum_dim": lambda: a.sum(1, keepdim=True),
        "linear_functional": lambda: F.linear(a, w, bias),
        "linear_module": lambda: lin(a),
        "cross_entropy": lambda: F.cross_entropy(a, labels),
        "softmax": lambda: a.softmax(1),
        "clamp_min": lambda: a.clamp_min(1e-12),
    }
    sync = torch.cuda.synchronize if device.startswith("cuda") else (lambda: None)
    result = {}
    with torch.no_grad():
        for name, fn in ops.items():
            for _ in range(1000):
                fn()
            sync()
            n, t0 = 0, time.perf_counter()
            while time.perf_counter() - t0 < seconds:
                for _ in range(100):
                    fn()
                n += 100
            sync()
            result[name] = (time.perf_counter() - t0) / n * 1e6
    return result


# ----------------------------------------------------------------------------- main

TRAINSTEP_MODELS = ["late-fusion", "concat", "tmc", "qmf"]
TRAINSTEP_REGS = ["none", "c3r", "imml", "cmir"]
IMAGETEXT_MODELS = ["late-fusion", "concatbow", "tmc", "qmf", "mmbt-small", "mmbt"]


def configs(args):
    out = []
    benches = ["trainstep", "imagetext"] if args.bench == "all" else [args.bench]
    if benches == ["unet"]:
        return [("unet", None, None, size) for size in (args.size if args.size != "paper" else "64,128").split(",")]
    for bench in benches:
        models = TRAINSTEP_MODELS if bench == "trainstep" else IMAGETEXT_MODELS
        regs = TRAINSTEP_REGS if bench == "trainstep" else ["none", "c3r"]
        sizes = args.size.split(",") if bench == "trainstep" else ["-"]
        for model in models:
            if args.model and model not in args.model.split(","):
                continue
            for reg in regs:
                if args.reg and reg not in args.reg.split(","):
                    continue
                for size in sizes:
                    out.append((bench, model, reg, size))
    return out


def versions():
    v = dict(torch=torch.__version__, python=platform.python_version(), threads=torch.get_num_threads(),
             machine=platform.machine(), processor=platform.processor() or platform.machine())
    try:  # Debian's python3-torch calls whatever libblas.so.3 the alternatives system points at
        import os
        v["blas"] = os.path.realpath("/etc/alternatives/libblas.so.3-x86_64-linux-gnu")
    except OSError:
        pass
    import re
    m = re.search(r"BLAS_INFO=(\w+)", torch.__config__.show())
    v["blas_info"] = m.group(1) if m else "?"
    if torch.cuda.is_available():
        v["cuda"] = torch.version.cuda
        v["gpu"] = torch.cuda.get_device_name(0)
    return v


def append_row(path, record):
    """One JSONL record, flushed and synced, before the next configuration starts."""
    with open(path, "a") as f:
        f.write(json.dumps(record) + "\n")
        f.flush()
        os.fsync(f.fileno())


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--bench", default="trainstep", choices=["trainstep", "imagetext", "all", "unet"])
    p.add_argument("--model", default="", help="comma-separated model names (default: all)")
    p.add_argument("--reg", default="", help="comma-separated regularisers (default: all)")
    p.add_argument("--size", default="paper", help="trainstep sizes: paper, large or paper,large")
    p.add_argument("--device", default="cpu")
    p.add_argument("--batch", type=int, default=0, help="trainstep batch (0: 256 paper, 1024 large), as JMH's -p batch")
    p.add_argument("--compile-models", default="", help="with --compile: only these models get the compiled variant")
    p.add_argument("--threads", default="0", help="torch.set_num_threads: N, 0 (leave as is) or best (1 and nproc, the faster reported)")
    p.add_argument("--warmup", type=float, default=2.0, help="seconds of warm-up per configuration")
    p.add_argument("--iters", type=int, default=3, help="measurement iterations per configuration")
    p.add_argument("--iter-time", type=float, default=1.0, help="seconds per measurement iteration")
    p.add_argument("--compile", action="store_true", help="also time torch.compile(mode='reduce-overhead') variants")
    p.add_argument("--param-counts", action="store_true", help="print the parameter count of every twin and exit")
    p.add_argument("--ops", action="store_true", help="measure per-op overhead and exit")
    p.add_argument("--json", default="", help="write the results here")
    p.add_argument("--append", default="", help="append one JSON line per configuration to this file as soon as it is "
                   "measured (so a run cut off by a timeout keeps what it measured)")
    args = p.parse_args()
    if args.threads not in ("0", "best"):
        torch.set_num_threads(int(args.threads))
    torch.manual_seed(0)
    random.seed(0)
    result = dict(versions=versions(), device=args.device, rows=[])

    if args.ops:
        result["ops_us"] = op_overheads(args.device)
        print(json.dumps(result["ops_us"], indent=1))
    elif args.param_counts:
        for bench, model, reg, size in configs(args):
            net, r, params, *_ = build(bench, model, reg, size, "cpu")
            n = sum(p.numel() for p in params)
            result["rows"].append(dict(bench=bench, model=model, reg=reg, size=size, params=n))
            print(f"{bench:10s} {model or '-':12s} {reg or '-':5s} {size:6s} {n}")
    else:
        variants = ["eager"] + (["compile"] if args.compile else [])
        for bench, model, reg, size in configs(args):
            for variant in variants:
                label = f"{size}/b{args.batch}" if args.batch and bench == "trainstep" else size
                if bench == "unet":
                    label = f"{size}/b{args.batch or 1}"   # JMH's -p size=S -p batch=B key
                row = dict(bench=bench, model=model, reg=reg, size=label, variant=variant)
                if variant == "compile" and args.compile_models and model not in args.compile_models.split(","):
                    continue
                if variant == "compile" and not hasattr(torch, "compile"):
                    row["skipped"] = f"torch {torch.__version__} has no torch.compile (needs >= 2.0)"
                else:
                    try:
                        row.update(measure(bench, model, reg, size, variant, args))
                    except Exception as e:  # one failing twin must not hide the others
                        row["error"] = f"{type(e).__name__}: {e}"
                result["rows"].append(row)
                if args.append:
                    append_row(args.append, dict(row, device=args.device, versions=result["versions"]))
                shown = f"{row['us_per_step']:10.1f} us/step" if "us_per_step" in row else row.get("skipped", row.get("error"))
                print(f"{bench:10s} {model or '-':12s} {reg or '-':5s} {size:6s} {variant:8s} {shown}", flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=1)


if __name__ == "__main__":
    main()
