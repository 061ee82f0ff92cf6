#!/usr/bin/python3
"""Medical Transformer (Jun, Jeong, Heo, Suk 2021): an independent PyTorch re-implementation of the
two pre-training stages released in github.com/ejjun92/MedicalTransformer, written from reading
that code (no code copied). Module attribute names are the authors' so that `state_dict()` keys and
shapes equal theirs: a checkpoint written by their scripts loads here by name once the
`module.` prefix of their nn.DataParallel wrapper is stripped (see `strip_data_parallel`).

Stage 1 (1_Pretraining_Triplet_Loss, prepretrain.py with --approach 25d):
    TripletModel        three slice encoders (axial `encoding`, `encoding_sag`, `encoding_cor`),
                        whole-plane average pooling; trained with `triplet_step`.
Stage 2 (2_Pretraining_Masked_Encoding_Vector_Prediction, pretrain_ae.py):
    MaskedEncodingModel one slice encoder `encoding` (fixed k x k average-pool window, k = 3) and
                        one Transformer `TF` shared by the three views; `masked_encoding_step`.

Conventions (the authors'): a volume is [B, D0, D1, D2] (193x229x193 MNI, average-pooled to
96x114x96). A view tensor is [B, 1, H, W, S]: the slice plane is (H, W), the slices run along the
LAST axis, and every conv/pool kernel is (k, k, 1). Encodings are [B, d_f, S].
    axial    = slices along D2, plane (D0, D1)  (the volume as is)
    sagittal = slices along D0, plane (D2, D1)  (permute 0,1,4,3,2 of [B,1,D0,D1,D2])
    coronal  = slices along D1, plane (D0, D2)  (permute 0,1,2,4,3)

CLI (Debian's /usr/bin/python3 with python3-torch; numpy; single-threaded):
    medical_transformer.py count                      parameter counts at the authors' defaults
    medical_transformer.py fixtures [--out DIR]       writes the test fixtures (default ./fixtures)
    medical_transformer.py check [--fixtures DIR]     recomputes every fixture from its files
"""
import argparse
import dataclasses
import json
import math
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402

torch.set_num_threads(1)

# Stage 2 runs the views in this order; the index is the view-embedding row (pretrain_ae: TF(..., [0|1|2])).
VIEWS = ("axial", "sagittal", "coronal")
# Stage 1 keeps one encoder per view under these attribute names (plane 'axial' | 'sag' | 'cor').
STAGE1_ENCODERS = {"axial": "encoding", "sagittal": "encoding_sag", "coronal": "encoding_cor"}
# Stage 1 draws the three Bezier curves in this order (prepretrain.py: p_cor, p_sag, p_axial).
STAGE1_CURVE_ORDER = ("coronal", "sagittal", "axial")


@dataclasses.dataclass(frozen=True)
class Config:
    """Hyper-parameters with the authors' defaults (pretrain_ae.py argparse; opts.py for stage 1)."""
    inplanes: int = 16          # stem width; stages are inplanes x (1, 2, 4, 8)
    depth: int = 18             # 18 -> BasicBlocks (2,2,2,2); 34 -> (3,4,6,3). Bottleneck depths not mirrored.
    d_f: int = 64               # encoding width = Transformer d_model
    pool_window: int = 3        # stage-2 encoder: AvgPool3d((k,k,1)), stride k (is_pool=1 -> 3, is_pool=0 -> 7)
    max_slicelen: int = 114     # positional table length AND base of its exponent
    num_heads: int = 4
    d_k: int = 256              # per-head width, hard-coded in the authors' MultiHeadAttention
    d_ff: int = 128
    num_stack: int = 1
    dropout: float = 0.1        # all four dropouts of an encoder layer
    mask_ratio: float = 0.1
    margin: float = 1.0         # stage-1 TripletMarginLoss margin (p = 2, eps = 1e-6)

    def stage_widths(self):
        return [self.inplanes * f for f in (1, 2, 4, 8)]

    def blocks_per_stage(self):
        table = {18: (2, 2, 2, 2), 34: (3, 4, 6, 3)}
        if self.depth not in table:
            raise ValueError("only BasicBlock depths 18 and 34 are mirrored")
        return table[self.depth]


# ---------------------------------------------------------------------------------------------
# Views
# ---------------------------------------------------------------------------------------------

def to_view(volume, view):
    """[B, D0, D1, D2] -> [B, 1, H, W, S] for one view (see the module docstring)."""
    v = volume.unsqueeze(1)
    if view == "axial":
        return v
    if view == "sagittal":
        return v.permute(0, 1, 4, 3, 2)
    if view == "coronal":
        return v.permute(0, 1, 2, 4, 3)
    raise ValueError(view)


def mask_plane(volume_shape, view, authors_quirk=True):
    """(H, W) of the constant -1 slices whose encodings replace masked tokens.

    The authors build the sagittal mask slices with the AXIAL plane size (D0, D1) instead of the
    sagittal (D2, D1) (pretrain_ae: Multiview_MEP.forward, sagittal branch); identical whenever
    D0 == D2, as at 96x114x96. authors_quirk=False uses each view's own plane."""
    _, d0, d1, d2 = volume_shape
    if view == "axial":
        return d0, d1
    if view == "sagittal":
        return (d0, d1) if authors_quirk else (d2, d1)
    if view == "coronal":
        return d0, d2
    raise ValueError(view)


# ---------------------------------------------------------------------------------------------
# Slice encoder: ResNet of BasicBlocks with (k,k,1) kernels and affine-free InstanceNorm3d
# ---------------------------------------------------------------------------------------------

def _plane_conv(cin, cout, stride):
    return nn.Conv3d(cin, cout, kernel_size=(3, 3, 1), stride=(stride, stride, 1), padding=(1, 1, 0), bias=False)


class BasicUnit(nn.Module):
    """Residual unit; attribute names = the authors' BasicBlock (conv1, bn1, conv2, bn2, relu, downsample)."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = _plane_conv(cin, cout, stride)
        self.bn1 = nn.InstanceNorm3d(cout)          # affine=False, no running stats: no state
        self.conv2 = _plane_conv(cout, cout, 1)
        self.bn2 = nn.InstanceNorm3d(cout)
        self.relu = nn.ReLU()
        shortcut = None
        if stride != 1 or cin != cout:              # 1x1 projection exactly in these cases
            shortcut = nn.Sequential(
                nn.Conv3d(cin, cout, kernel_size=(1, 1, 1), stride=(stride, stride, 1), bias=False),
                nn.InstanceNorm3d(cout))
        self.downsample = shortcut

    def forward(self, x):
        h = self.relu(self.bn1(self.conv1(x)))
        h = self.bn2(self.conv2(h))
        skip = x if self.downsample is None else self.downsample(x)
        return self.relu(h + skip)


class SliceEncoder(nn.Module):
    """The authors' ResNet (both stages' models/ResNet_Model.py) on view tensors [B, 1, H, W, S].

    whole_plane=True  : stage-1 pooling, mean over the whole final (h, w) map;
    whole_plane=False : stage-2 pooling, AvgPool3d((k,k,1)) with stride k and no padding; the result
                        must be 1x1 (k <= h, w < 2k), so only the top-left k x k window is averaged
                        (at 96x114 slices the final map is 3x4 and column 4 is dropped).
    InstanceNorm3d normalises each (sample, channel) over H x W x S jointly, i.e. across ALL slices
    of the view, so a slice's encoding depends on the other slices of the same scan."""

    def __init__(self, cfg, whole_plane):
        super().__init__()
        c = cfg.inplanes
        self.whole_plane = whole_plane
        self.window = cfg.pool_window
        self.conv1 = nn.Conv3d(1, c, kernel_size=(7, 7, 1), stride=(2, 2, 1), padding=(3, 3, 0), bias=False)
        self.bn1 = nn.InstanceNorm3d(c)
        self.relu = nn.ReLU()
        self.maxpool = nn.MaxPool3d(kernel_size=(3, 3, 1), stride=(2, 2, 1), padding=(1, 1, 0))
        cin = c
        for stage, (width, count) in enumerate(zip(cfg.stage_widths(), cfg.blocks_per_stage())):
            stride = 1 if stage == 0 else 2
            units = [BasicUnit(cin, width, stride)] + [BasicUnit(width, width, 1) for _ in range(count - 1)]
            setattr(self, "layer%d" % (stage + 1), nn.Sequential(*units))
            cin = width
        if not whole_plane:
            self.avgpool = nn.AvgPool3d((self.window, self.window, 1))   # stateless, as the authors'
        self.fc = nn.Linear(cin, cfg.d_f)

    def features(self, x):
        """Output of layer4: [B, 8*inplanes, ceil(H/32), ceil(W/32), S]."""
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        return self.layer4(self.layer3(self.layer2(self.layer1(x))))

    def pooled(self, x):
        f = self.features(x)
        if self.whole_plane:   # AvgPool3d((h, w, 1), stride 1): the mean over the whole final map
            return F.avg_pool3d(f, (f.shape[2], f.shape[3], 1), stride=1)[:, :, 0, 0, :]
        p = self.avgpool(f)
        if p.shape[2] != 1 or p.shape[3] != 1:
            raise ValueError("fixed %dx%d pool on a %dx%d map does not give 1x1 (authors' view() would "
                             "then mix channels and positions)" % (self.window, self.window, f.shape[2], f.shape[3]))
        return p[:, :, 0, 0, :]

    def forward(self, x):
        """[B, 1, H, W, S] -> [B, d_f, S] (a per-slice linear layer on the pooled [B, C, S])."""
        return self.fc(self.pooled(x).transpose(1, 2)).transpose(1, 2)


# ---------------------------------------------------------------------------------------------
# Stage 1: three encoders, triplet loss
# ---------------------------------------------------------------------------------------------

class TripletModel(nn.Module):
    """Plane_Feature_extraction: attribute names encoding (axial), encoding_sag, encoding_cor."""

    def __init__(self, cfg):
        super().__init__()
        self.encoding = SliceEncoder(cfg, whole_plane=True)
        self.encoding_sag = SliceEncoder(cfg, whole_plane=True)
        self.encoding_cor = SliceEncoder(cfg, whole_plane=True)

    def encoder(self, view):
        return getattr(self, STAGE1_ENCODERS[view])

    def forward(self, volume, view):
        return self.encoder(view)(to_view(volume, view))


@dataclasses.dataclass(frozen=True)
class BezierCurve:
    """Stage-1 positive: intensity map through a cubic Bezier with ends (0,0), (1,1) and two random
    inner control points; inverted=True pairs the sorted x with unsorted y (a decreasing map)."""
    p1: tuple
    p2: tuple
    inverted: bool
    n_times: int = 100000

    @staticmethod
    def draw(rng):
        """Five uniforms in the authors' order: p1.x, p1.y, p2.x, p2.y, then inverted = u < 0.5.
        (They draw from Python's global `random`; here a numpy Generator is passed in.)"""
        u = rng.random(5)
        return BezierCurve((float(u[0]), float(u[1])), (float(u[2]), float(u[3])), bool(u[4] < 0.5))

    def table(self):
        """(xp, fp) fed to np.interp. Control-point weights are C(3,i) t^(3-i) (1-t)^i for points
        [(0,0), p1, p2, (1,1)], so t = 0 gives (1,1) and t = 1 gives (0,0); t = linspace(0, 1, n)."""
        t = np.linspace(0.0, 1.0, self.n_times)
        weights = np.array([math.comb(3, i) * t ** (3 - i) * (1 - t) ** i for i in range(4)])
        xs = np.dot(np.array([0.0, self.p1[0], self.p2[0], 1.0]), weights)
        ys = np.dot(np.array([0.0, self.p1[1], self.p2[1], 1.0]), weights)
        if self.inverted:
            return np.sort(xs), ys
        return np.sort(xs), np.sort(ys)

    def apply(self, values):
        """np.interp in float64 on the float32 input; returns float32 (their .float())."""
        xp, fp = self.table()
        return np.interp(np.asarray(values, dtype=np.float64), xp, fp).astype(np.float32)

    def as_json(self):
        return {"p1": list(self.p1), "p2": list(self.p2), "inverted": self.inverted, "n_times": self.n_times}


def interp_like_numpy(x, xp, fp):
    """What np.interp does, spelled out (for ports): j = largest index with xp[j] <= x; x < xp[0] ->
    fp[0]; j == last or x == xp[j] -> fp[j]; else fp[j] + (fp[j+1]-fp[j])/(xp[j+1]-xp[j]) * (x-xp[j]),
    computed as slope*(x - xp[j]) + fp[j] in float64."""
    x = np.asarray(x, dtype=np.float64)
    j = np.searchsorted(xp, x, side="right") - 1
    out = np.empty_like(x)
    low = j < 0
    last = j >= len(xp) - 1
    mid = ~(low | last)
    out[low] = fp[0]
    out[last] = fp[-1]
    jm = j[mid]
    xm = x[mid]
    exact = xm == xp[jm]
    slope = (fp[jm + 1] - fp[jm]) / (xp[jm + 1] - xp[jm])
    out[mid] = np.where(exact, fp[jm], slope * (xm - xp[jm]) + fp[jm])
    return out


def triplet_loss(anchor, positive, negative, margin=1.0, eps=1e-6):
    """torch.nn.TripletMarginLoss(margin, p=2, eps=1e-6, reduction='mean') on [B, d_f, S] encodings,
    spelled out: the distance runs over the LAST axis (slices): d[b,c] = ||a[b,c,:] - x[b,c,:] + eps||_2,
    loss = mean over all B*d_f pairs of max(0, margin + d_ap - d_an). Returns (loss, d_ap, d_an)."""
    d_ap = torch.linalg.vector_norm(anchor - positive + eps, ord=2, dim=-1)
    d_an = torch.linalg.vector_norm(anchor - negative + eps, ord=2, dim=-1)
    return torch.clamp(margin + d_ap - d_an, min=0.0).mean(), d_ap, d_an


def triplet_step(model, volume, curves, margin=1.0):
    """One stage-1 forward as prepretrain.py (approach 25d): per view, anchor = the scan, positive =
    the same scan through that view's Bezier curve (one curve per view, shared by the whole batch),
    negative = the NEXT scan of the batch (roll by one; the last scan takes the first). The three
    view losses are summed. Returns a dict of every intermediate."""
    out = {}
    total = 0.0
    negatives = torch.roll(volume, shifts=-1, dims=0)
    for view in STAGE1_CURVE_ORDER:
        positive = torch.from_numpy(curves[view].apply(volume.detach().cpu().numpy()))
        ea = model(volume, view)
        ep = model(positive, view)
        en = model(negatives, view)
        loss, d_ap, d_an = triplet_loss(ea, ep, en, margin)
        out.update({"anchor_" + view: ea, "positive_" + view: ep, "negative_" + view: en,
                    "d_ap_" + view: d_ap, "d_an_" + view: d_an, "loss_" + view: loss})
        total = total + loss
    out["loss_total"] = total
    return out


# ---------------------------------------------------------------------------------------------
# Stage 2: shared Transformer over slice encodings
# ---------------------------------------------------------------------------------------------

def position_table(length, d):
    """The authors' fixed table [length, d]: column j holds f(pos / length**(2j/d)) with f = sin for
    even j and cos for odd j. The base is the table length (max_slicelen), not 10000, and the
    exponent uses j itself (not 2*floor(j/2)). Computed in float64, stored float32."""
    if d % 2:
        raise ValueError("d_f must be even")
    pe = torch.zeros(length, d)
    for pos in range(length):
        for j in range(d):
            angle = pos / (length ** ((2 * j) / d))
            pe[pos, j] = math.sin(angle) if j % 2 == 0 else math.cos(angle)
    return pe


class Norm(nn.Module):
    """alpha * (x - mean) / (std + eps) + bias over the last axis; std is the UNBIASED one (n - 1),
    eps = 1e-6 is added to the std (not to the variance)."""

    def __init__(self, d, eps=1e-6):
        super().__init__()
        self.alpha = nn.Parameter(torch.ones(d))
        self.bias = nn.Parameter(torch.zeros(d))
        self.eps = eps

    def forward(self, x):
        centred = x - x.mean(dim=-1, keepdim=True)
        return self.alpha * centred / (x.std(dim=-1, keepdim=True, unbiased=True) + self.eps) + self.bias


class Attention(nn.Module):
    """MultiHeadAttention: d_model -> heads*d_k for q, k, v (d_k = 256 regardless of d_model),
    softmax(q k^T / sqrt(d_k)), dropout on the attention weights, heads concatenated, -> d_model.
    No attention mask takes effect (the authors pass an all-zero mask)."""

    def __init__(self, heads, d_model, d_k, dropout):
        super().__init__()
        self.h = heads
        self.d_k = d_k
        self.q_linear = nn.Linear(d_model, heads * d_k)
        self.v_linear = nn.Linear(d_model, heads * d_k)
        self.k_linear = nn.Linear(d_model, heads * d_k)
        self.dropout = nn.Dropout(dropout)
        self.out = nn.Linear(heads * d_k, d_model)

    def forward(self, x):
        b, s, _ = x.shape

        def split(layer):
            return layer(x).view(b, s, self.h, self.d_k).transpose(1, 2)   # [B, h, S, d_k]

        q, k, v = split(self.q_linear), split(self.k_linear), split(self.v_linear)
        weights = torch.softmax(q @ k.transpose(-2, -1) / math.sqrt(self.d_k), dim=-1)
        mixed = self.dropout(weights) @ v
        return self.out(mixed.transpose(1, 2).reshape(b, s, self.h * self.d_k))


class FeedForward(nn.Module):
    def __init__(self, d_model, d_ff, dropout):
        super().__init__()
        self.linear_1 = nn.Linear(d_model, d_ff)
        self.dropout = nn.Dropout(dropout)
        self.linear_2 = nn.Linear(d_ff, d_model)

    def forward(self, x):
        return self.linear_2(self.dropout(F.relu(self.linear_1(x))))


class EncoderLayer(nn.Module):
    """Pre-norm: x + drop(attn(norm_1 x)), then x + drop(ff(norm_2 x))."""

    def __init__(self, cfg):
        super().__init__()
        self.norm_1 = Norm(cfg.d_f)
        self.norm_2 = Norm(cfg.d_f)
        self.attn = Attention(cfg.num_heads, cfg.d_f, cfg.d_k, cfg.dropout)
        self.ff = FeedForward(cfg.d_f, cfg.d_ff, cfg.dropout)
        self.dropout_1 = nn.Dropout(cfg.dropout)
        self.dropout_2 = nn.Dropout(cfg.dropout)

    def forward(self, x):
        x = x + self.dropout_1(self.attn(self.norm_1(x)))
        return x + self.dropout_2(self.ff(self.norm_2(x)))


class EncodingBlock(nn.Module):
    """num_stack layers, then a final Norm."""

    def __init__(self, cfg):
        super().__init__()
        self.layers = nn.ModuleList([EncoderLayer(cfg) for _ in range(cfg.num_stack)])
        self.norm = Norm(cfg.d_f)

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return self.norm(x)


class PositionalEncoder(nn.Module):
    """tokens * sqrt(d_f) + pe[:S] + seg_embedding[view]; `pe` is a persistent buffer [1, L, d_f]
    (so it is in the authors' state_dict); seg_embedding has 3 rows (axial 0, sagittal 1, coronal 2)."""

    def __init__(self, cfg):
        super().__init__()
        self.scale = math.sqrt(cfg.d_f)
        self.register_buffer("pe", position_table(cfg.max_slicelen, cfg.d_f).unsqueeze(0))
        self.seg_embedding = nn.Embedding(3, cfg.d_f)

    def forward(self, tokens, view_row):
        s = tokens.shape[1]
        if s > self.pe.shape[1]:
            raise ValueError("%d slices but a positional table of %d" % (s, self.pe.shape[1]))
        return tokens * self.scale + self.pe[:, :s] + self.seg_embedding.weight[view_row]


class Transformer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.pos_embed = PositionalEncoder(cfg)
        self.encoding_block = EncodingBlock(cfg)

    def embed(self, tokens, view_row):
        return self.pos_embed(tokens, view_row)

    def forward(self, tokens, view_row):
        """[B, S, d_f] -> [B, S, d_f]."""
        return self.encoding_block(self.embed(tokens, view_row))


class MaskedEncodingModel(nn.Module):
    """Multiview_MEP: `encoding` (fixed-window pooling) and `TF`."""

    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        self.encoding = SliceEncoder(cfg, whole_plane=False)
        self.TF = Transformer(cfg)

    def freeze_encoder(self):
        """Stage 2 freezes the encoder with requires_grad = False (is_finetune_resnet = 1); it stays
        in train mode, which changes nothing (InstanceNorm without running stats, no dropout)."""
        for p in self.encoding.parameters():
            p.requires_grad_(False)


def mask_count(slices, ratio):
    """int(S * ratio): truncation, so 96 -> 9 and 114 -> 11 at ratio 0.1."""
    return int(slices * ratio)


def draw_mask_indices(random_state, volume_shape, ratio=0.1):
    """The authors' draw, one per view in the order axial, sagittal, coronal, each shared by the whole
    batch: numpy legacy RandomState.choice(S, int(S*ratio), replace=False) (= the first m entries of
    a random permutation; unsorted). Pass np.random.RandomState(seed) to replay np.random.seed(seed)."""
    _, d0, d1, d2 = volume_shape
    slices = {"axial": d2, "sagittal": d0, "coronal": d1}
    return {v: [int(i) for i in random_state.choice(slices[v], mask_count(slices[v], ratio), replace=False)]
            for v in VIEWS}


def masked_encoding_step(model, volume, mask_indices, authors_sagittal_quirk=True):
    """One stage-2 forward with the masked slice indices given per view. Per view: encode all slices;
    encode a block of m constant -1 slices (the [MASK] tokens); target = encodings at the masked
    indices; replace them by the mask encodings; run the shared Transformer with this view's
    embedding row; prediction = its outputs at the masked indices. Loss = sum over the three views of
    MSE(prediction, target), each MSE the mean over B * d_f * m elements."""
    out = {}
    total = 0.0
    b = volume.shape[0]
    for row, view in enumerate(VIEWS):
        idx = torch.as_tensor(list(mask_indices[view]), dtype=torch.long)
        enc = model.encoding(to_view(volume, view))                       # [B, d, S]
        h, w = mask_plane(tuple(volume.shape), view, authors_sagittal_quirk)
        blank = torch.full((b, 1, h, w, len(idx)), -1.0, dtype=volume.dtype)
        mask_tokens = model.encoding(blank)                               # [B, d, m]
        target = enc[:, :, idx]
        tokens = enc.clone()
        tokens[:, :, idx] = mask_tokens
        embedded = model.TF.embed(tokens.transpose(1, 2), row)            # [B, S, d]
        hidden = model.TF.encoding_block(embedded).transpose(1, 2)        # [B, d, S]
        pred = hidden[:, :, idx]
        loss = F.mse_loss(pred, target)
        out.update({"encoding_" + view: enc, "mask_token_" + view: mask_tokens, "tokens_" + view: tokens,
                    "transformer_input_" + view: embedded, "transformer_" + view: hidden,
                    "prediction_" + view: pred, "target_" + view: target, "mse_" + view: loss})
        total = total + loss
    out["loss"] = total
    return out


# ---------------------------------------------------------------------------------------------
# Weights: the authors' initialisation, checkpoint names, fixture randomisation
# ---------------------------------------------------------------------------------------------

def authors_init_(model):
    """What the authors' top-level models do after construction (their ResNet's own conv init is
    overwritten): Conv3d weight ~ kaiming_normal_(fan_in, leaky_relu, a=0) = N(0, 2/fan_in) with
    fan_in = cin*kh*kw; Linear weight ~ N(0, 0.01^2), bias 0; Embedding keeps torch's N(0, 1);
    Norm alpha 1, bias 0. (No conv has a bias; InstanceNorm has no parameters.)"""
    for m in model.modules():
        if isinstance(m, nn.Conv3d):
            nn.init.kaiming_normal_(m.weight, mode="fan_in", nonlinearity="leaky_relu")
        elif isinstance(m, nn.Linear):
            nn.init.normal_(m.weight, 0.0, 0.01)
            nn.init.zeros_(m.bias)
    return model


def strip_data_parallel(state):
    """The authors save nn.DataParallel(model).state_dict(): every key starts with 'module.'."""
    return {(k[len("module."):] if k.startswith("module.") else k): v for k, v in state.items()}


def stage2_encoder_from_stage1(stage1_state):
    """pretrain_ae.py keeps the stage-1 keys that also exist in the stage-2 model: only the
    'encoding.*' ones, i.e. the AXIAL encoder of Plane_Feature_extraction (encoding_sag/encoding_cor
    are dropped silently)."""
    state = strip_data_parallel(stage1_state)
    return {k: v for k, v in state.items() if k.startswith("encoding.")}


def fixture_weights_(model, seed):
    """Seeded random values for every parameter, non-trivial everywhere: conv N(0, 2/fan_in),
    linear weight N(0, 1/fan_in), biases N(0, 0.1^2), Norm alpha 1 + N(0, 0.2^2), Norm bias
    N(0, 0.1^2), view embedding N(0, 1). The positional buffer stays the authors' table."""
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            leaf = name.rsplit(".", 1)[-1]
            if name.endswith("seg_embedding.weight"):
                p.copy_(torch.randn(p.shape, generator=gen))
            elif leaf == "alpha":
                p.copy_(1.0 + 0.2 * torch.randn(p.shape, generator=gen))
            elif leaf == "bias":
                p.copy_(0.1 * torch.randn(p.shape, generator=gen))
            elif p.dim() == 5:
                fan_in = p.shape[1] * p.shape[2] * p.shape[3] * p.shape[4]
                p.copy_(torch.randn(p.shape, generator=gen) * math.sqrt(2.0 / fan_in))
            elif p.dim() == 2:
                p.copy_(torch.randn(p.shape, generator=gen) / math.sqrt(p.shape[1]))
            else:
                raise AssertionError(name)
    return model


def count(module, trainable_only=False):
    return sum(p.numel() for p in module.parameters() if p.requires_grad or not trainable_only)


def counts_at(cfg):
    enc = SliceEncoder(cfg, whole_plane=False)
    tf = Transformer(cfg)
    s2 = MaskedEncodingModel(cfg)
    s2.freeze_encoder()
    s1 = TripletModel(cfg)
    return {"encoder": count(enc), "transformer": count(tf), "stage2_model": count(s2),
            "stage1_model": count(s1), "stage2_trainable": count(s2, trainable_only=True),
            "position_table_buffer_elements": int(s2.TF.pos_embed.pe.numel())}


def state_listing(module):
    return [[k, list(v.shape)] for k, v in module.state_dict().items()]


# ---------------------------------------------------------------------------------------------
# Fixtures
# ---------------------------------------------------------------------------------------------

def _volume(rng, shape):
    """Random scans, min-max normalised per scan to [0, 1] like the authors' data (exact 0 and 1)."""
    x = rng.random(shape)
    for i in range(shape[0]):
        x[i] = (x[i] - x[i].min()) / (x[i].max() - x[i].min())
    return x.astype(np.float32)


def _np(t):
    t = t.detach().cpu()
    if t.dim() == 0:
        t = t.reshape(1)
    return t.numpy().astype(np.float32)


def _write_case(root, name, case, weights, inputs, outputs):
    folder = os.path.join(root, "medical-transformer-" + name)
    os.makedirs(folder, exist_ok=True)
    meta = {"case": name, "generator": "tools/authors-reference/medical_transformer.py"}
    safetensors_io.save(os.path.join(folder, "weights.safetensors"), weights, meta)
    safetensors_io.save(os.path.join(folder, "inputs.safetensors"), inputs, meta)
    safetensors_io.save(os.path.join(folder, "outputs.safetensors"), outputs, meta)
    case = dict(case)
    case["files"] = {
        "weights.safetensors": {k: {"shape": list(np.shape(v)), "dtype": "F32"} for k, v in weights.items()},
        "inputs.safetensors": {k: {"shape": list(np.shape(v)), "dtype": safetensors_io._code(np.asarray(v))}
                               for k, v in inputs.items()},
        "outputs.safetensors": {k: {"shape": list(np.shape(v)), "dtype": "F32"} for k, v in outputs.items()},
    }
    with open(os.path.join(folder, "case.json"), "w") as f:
        json.dump(case, f, indent=2)
        f.write("\n")
    return folder


def _state_np(model):
    return {k: v.detach().cpu().numpy().astype(np.float32) for k, v in model.state_dict().items()}


COMMON = {
    "source": "github.com/ejjun92/MedicalTransformer @ d61bdf91f1171f10944033ed5d16f4d82b60a290",
    "layout": {
        "volume": "[B, D0, D1, D2] float32 in [0, 1] (min-max per scan)",
        "view_tensor": "[B, 1, H, W, S]; slices along the last axis",
        "axial": "slices along D2, plane (D0, D1): volume.unsqueeze(1)",
        "sagittal": "slices along D0, plane (D2, D1): volume.unsqueeze(1).permute(0,1,4,3,2)",
        "coronal": "slices along D1, plane (D0, D2): volume.unsqueeze(1).permute(0,1,2,4,3)",
        "encoding": "[B, d_f, S]",
    },
    "weights_names": "the authors' state_dict keys without the 'module.' prefix of nn.DataParallel",
    "mode": "eval (dropout off); InstanceNorm3d(affine=False, track_running_stats=False) is the same in "
            "train and eval, so every loss here is also the train-mode loss when dropout = 0",
    "instance_norm": "InstanceNorm3d eps 1e-5, biased variance, statistics over H x W x S jointly per "
                     "(sample, channel): across all slices of the view",
}


def case_encoder_pool(root):
    cfg = Config(inplanes=4, d_f=16, pool_window=3)
    fixed = fixture_weights_(SliceEncoder(cfg, whole_plane=False), seed=11).eval()
    whole = SliceEncoder(cfg, whole_plane=True).eval()
    whole.load_state_dict(fixed.state_dict())
    rng = np.random.default_rng(11)
    slices = _volume(rng, (1, 96, 114, 3))                       # one view tensor without the channel axis
    x = torch.from_numpy(slices).unsqueeze(1)
    with torch.no_grad():
        feats = fixed.features(x)
        outputs = {
            "layer4_features": _np(feats),
            "pooled_fixed_window": _np(fixed.pooled(x)),
            "pooled_whole_plane": _np(whole.pooled(x)),
            "encoding_fixed_window": _np(fixed(x)),
            "encoding_whole_plane": _np(whole(x)),
            "encoding_fixed_window_slice0_alone": _np(fixed(x[..., :1])),
            "encoding_fixed_window_minus_one_slice": _np(fixed(torch.full((1, 1, 96, 114, 1), -1.0))),
        }
    weights = {"encoding." + k: v for k, v in _state_np(fixed).items()}
    case = dict(COMMON)
    case.update({
        "description": "One slice encoder (authors' ResNet-18 of BasicBlocks, (k,k,1) kernels) on a view "
                       "tensor at the authors' slice plane 96x114 with 3 slices, narrow channels 4-8-16-32 "
                       "and d_f 16. The final map is 3x4 as at the authors' input: the stage-2 fixed 3x3 "
                       "window (stride 3) averages columns 0-2 and DROPS column 3; the stage-1 encoder "
                       "(same weights, same state-dict keys) averages all 12 positions. Also shows that "
                       "InstanceNorm couples slices: slice 0 encoded alone differs from slice 0 of the 3.",
        "config": dataclasses.asdict(cfg),
        "input": {"slices": "[1, 96, 114, 3] = view tensor [B, H, W, S]; unsqueeze(1) before the encoder"},
        "quirks": ["fixed 3x3 average-pool window on a 3x4 final map drops the 4th column",
                   "instance norm statistics over all slices of the view"],
        "tensors": {
            "layer4_features": "layer4 output [B, 32, 3, 4, S]",
            "pooled_fixed_window": "mean of layer4_features[:, :, 0:3, 0:3, :] -> [B, 32, S]",
            "pooled_whole_plane": "mean of layer4_features over the whole 3x4 plane -> [B, 32, S]",
            "encoding_fixed_window": "stage-2 encoder output [B, 16, S]",
            "encoding_whole_plane": "stage-1 encoder output [B, 16, S]",
            "encoding_fixed_window_slice0_alone": "stage-2 encoder on slices[..., :1] only [B, 16, 1]",
            "encoding_fixed_window_minus_one_slice": "stage-2 encoder on one constant -1 slice of 96x114 "
                                                     "(the [MASK] token of the axial/sagittal views)",
        },
        "weights_prefix": "encoding. (as in both stages' models; stage-1 axial encoder)",
        "expected_params": {"encoder": count(fixed)},
        "tolerance": {"abs": 1e-4, "rel": 1e-4},
    })
    return _write_case(root, "encoder-pool", case, weights, {"slices": slices}, outputs)


def _pick_curves(seed):
    """Draws the three curves from np.random.default_rng(seed) in the authors' order (coronal,
    sagittal, axial); the seed is chosen so that both kinds (inverted and not) occur."""
    rng = np.random.default_rng(seed)
    return {view: BezierCurve.draw(rng) for view in STAGE1_CURVE_ORDER}


def case_stage1(root):
    cfg = Config(inplanes=4, d_f=16)
    model = fixture_weights_(TripletModel(cfg), seed=21).eval()
    seed = 21
    while len({c.inverted for c in _pick_curves(seed).values()}) < 2:
        seed += 1
    curves = _pick_curves(seed)
    rng = np.random.default_rng(21)
    volume = _volume(rng, (3, 40, 36, 24))
    probe = np.concatenate([np.array([0.0, 1.0, 0.5, 1e-7, 1 - 1e-7], dtype=np.float32),
                            rng.random(2043).astype(np.float32),
                            volume[0].reshape(-1)[:2048]]).astype(np.float32)
    with torch.no_grad():
        res = triplet_step(model, torch.from_numpy(volume), curves, cfg.margin)
    outputs = {k: _np(v) for k, v in res.items()}
    for view in STAGE1_CURVE_ORDER:
        outputs["bezier_probe_" + view] = curves[view].apply(probe)
    case = dict(COMMON)
    case.update({
        "description": "Stage-1 triplet pre-pretraining (prepretrain.py, approach 25d) on a batch of 3 "
                       "tiny scans 40x36x24: three encoders (encoding = axial, encoding_sag, encoding_cor), "
                       "whole-plane average pooling, channels 4-8-16-32, d_f 16. Final maps: axial plane "
                       "40x36 -> 2x2, sagittal 24x36 -> 1x2, coronal 40x24 -> 2x1.",
        "config": dataclasses.asdict(cfg),
        "batch": 3,
        "volume_shape": list(volume.shape),
        "protocol": {
            "anchor": "the volume, in each view's layout",
            "positive": "the volume through the view's Bezier curve (curves below; one per view, shared "
                        "by the batch), then the view's layout",
            "negative": "the next scan: torch.roll(volume, -1, dim 0), i.e. scan i -> scan (i+1) % B",
            "loss_view": "TripletMarginLoss(margin 1, p 2, eps 1e-6): d[b,c] = ||a[b,c,:]-x[b,c,:]+1e-6||_2 "
                         "over the slice axis; mean over b, c of max(0, 1 + d_ap - d_an)",
            "loss_total": "loss_coronal + loss_sagittal + loss_axial",
        },
        "bezier_curves": {v: curves[v].as_json() for v in STAGE1_CURVE_ORDER},
        "bezier": "t = linspace(0, 1, n_times) (float64); w_i(t) = C(3,i) t^(3-i) (1-t)^i for control points "
                  "P = [(0,0), p1, p2, (1,1)]; xs = sum_i P_i.x w_i, ys = sum_i P_i.y w_i; "
                  "not inverted: xp = sort(xs), fp = sort(ys); inverted: xp = sort(xs), fp = ys (t order); "
                  "out = float32(np.interp(float64(v), xp, fp))",
        "bezier_draw": "5 uniforms [0,1): p1.x, p1.y, p2.x, p2.y, then inverted = u5 < 0.5 (authors: Python "
                       "random.random(); here numpy default_rng(%d) in the order coronal, sagittal, axial)" % seed,
        "tensors": {
            "volume": "input [3, 40, 36, 24]",
            "bezier_probe": "float32 probe values (0, 1, 0.5, 1e-7, 1-1e-7, 2043 uniforms, the first 2048 "
                            "voxels of scan 0)",
            "bezier_probe_<view>": "bezier_probe through that view's curve",
            "anchor_<view> / positive_<view> / negative_<view>": "encodings [3, 16, S]",
            "d_ap_<view>, d_an_<view>": "pairwise distances [3, 16] (over slices)",
            "loss_<view>": "[1]",
            "loss_total": "[1]",
        },
        "losses": {k: float(res[k]) for k in ("loss_coronal", "loss_sagittal", "loss_axial", "loss_total")},
        "expected_params": {"stage1_model": count(model), "per_encoder": count(model.encoding)},
        "tolerance": {"abs": 1e-4, "rel": 1e-4, "bezier_abs": 1e-6},
    })
    return _write_case(root, "stage1-triplet", case, _state_np(model),
                       {"volume": volume, "bezier_probe": probe}, outputs)


def _stage2_case(root, name, cfg, shape, seed, description, keep, quirks):
    model = fixture_weights_(MaskedEncodingModel(cfg), seed=seed).eval()
    rng = np.random.default_rng(seed)
    volume = _volume(rng, shape)
    mask = draw_mask_indices(np.random.RandomState(seed), shape, cfg.mask_ratio)
    with torch.no_grad():
        res = masked_encoding_step(model, torch.from_numpy(volume), mask)
    outputs = {k: _np(v) for k, v in res.items() if any(k.startswith(p) for p in keep)}
    inputs = {"volume": volume}
    for view in VIEWS:
        inputs["mask_index_" + view] = np.array(mask[view], dtype=np.int64)
    _, d0, d1, d2 = shape
    slices = {"axial": d2, "sagittal": d0, "coronal": d1}
    case = dict(COMMON)
    case.update({
        "description": description,
        "config": dataclasses.asdict(cfg),
        "batch": shape[0],
        "volume_shape": list(shape),
        "slices_per_view": slices,
        "view_embedding_rows": {v: i for i, v in enumerate(VIEWS)},
        "mask_indices": mask,
        "mask_draw": "np.random.RandomState(%d).choice(S, int(S*%g), replace=False) per view in the order "
                     "axial, sagittal, coronal (the authors use the global np.random the same way)"
                     % (seed, cfg.mask_ratio),
        "quirks": quirks,
        "protocol": {
            "encoding_<view>": "encoder(view tensor) [B, d_f, S]",
            "mask_token_<view>": "encoder(constant -1 block [B, 1, H, W, m]) [B, d_f, m]; (H, W) of the axial "
                                 "plane for axial AND sagittal (authors' quirk), (D0, D2) for coronal",
            "tokens_<view>": "encoding_<view> with columns mask_index_<view> replaced by mask_token_<view> "
                             "(column k of the mask block goes to index mask_index[k])",
            "transformer_input_<view>": "tokens^T * sqrt(d_f) + pe[:S] + seg_embedding[row] [B, S, d_f]",
            "transformer_<view>": "encoding_block(transformer_input)^T [B, d_f, S]",
            "prediction_<view>": "transformer_<view>[:, :, mask_index]",
            "target_<view>": "encoding_<view>[:, :, mask_index]",
            "mse_<view>": "mean over B*d_f*m of (prediction - target)^2",
            "loss": "mse_axial + mse_sagittal + mse_coronal",
        },
        "losses": {k: float(res[k]) for k in ("mse_axial", "mse_sagittal", "mse_coronal", "loss")},
        "expected_params": {"encoder": count(model.encoding), "transformer": count(model.TF),
                            "stage2_model": count(model), "stage2_trainable": count(model.TF)},
        "tensors_present": sorted(outputs),
        "tolerance": {"abs": 1e-4, "rel": 1e-4},
    })
    return _write_case(root, name, case, _state_np(model), inputs, outputs)


def case_stage2(root):
    cfg = Config(inplanes=4, d_f=16, pool_window=2, max_slicelen=65, num_heads=4, d_k=256, d_ff=32)
    return _stage2_case(
        root, "stage2-mep", cfg, (2, 33, 65, 33), 31,
        "Stage-2 masked encoding vector prediction (pretrain_ae.py, Multiview_MEP) on 2 tiny scans "
        "33x65x33 with channels 4-8-16-32, d_f 16, 4 heads of d_k 256 (q/k/v 16 -> 1024, as the "
        "authors' hard-coded 256), d_ff 32, one layer, max_slicelen 65. The fixed pool window is 2 here "
        "(the authors' is 3): final maps are axial 2x3, sagittal 2x3 (column 2 dropped, like the authors' "
        "3x4 at window 3) and coronal 2x2 (nothing dropped, like their 3x3).",
        keep=("encoding_", "mask_token_", "tokens_", "transformer_", "prediction_", "target_", "mse_", "loss"),
        quirks=["fixed 2x2 average-pool window drops the last column of the 2x3 axial/sagittal maps",
                "sagittal mask slices use the axial plane (D0, D1); D0 == D2 here so no visible effect",
                "positional base = max_slicelen (65), exponent 2j/d for every column j",
                "int() truncation of S*0.1: 33 -> 3, 65 -> 6"])


def case_stage2_width64(root):
    cfg = Config(inplanes=4, d_f=64, pool_window=1, max_slicelen=21, num_heads=4, d_k=256, d_ff=128)
    return _stage2_case(
        root, "stage2-width64", cfg, (2, 20, 21, 20), 41,
        "Stage 2 with the authors' Transformer at full width (d_f 64, 4 heads, d_k 256, d_ff 128, one "
        "layer, 3-row view embedding: exactly the 282,432 parameters) on a narrow encoder (4-8-16-32, "
        "fc 32 -> 64) and 2 scans 20x21x20. Final maps are 1x1, pool window 1 (no drop). "
        "S*0.1 truncates to 2 mask indices in every view (20 -> 2, 21 -> 2).",
        keep=("encoding_", "transformer_axial", "transformer_sagittal", "transformer_coronal",
              "prediction_", "target_", "mse_", "loss"),
        quirks=["positional base = max_slicelen (21)",
                "with m = 1 and a 1x1 final map InstanceNorm3d would see 1 element and raise (torch and the "
                "authors' code alike), so every view has m >= 2 here"])


def write_fixtures(root):
    os.makedirs(root, exist_ok=True)
    return [case_encoder_pool(root), case_stage1(root), case_stage2(root), case_stage2_width64(root)]


# ---------------------------------------------------------------------------------------------
# check: rebuild every fixture from its files
# ---------------------------------------------------------------------------------------------

def _compare(name, got, want, tol):
    got = np.asarray(got, dtype=np.float64).reshape(np.shape(want))
    want = np.asarray(want, dtype=np.float64)
    diff = float(np.max(np.abs(got - want))) if want.size else 0.0
    scale = float(np.max(np.abs(want))) if want.size else 0.0
    ok = diff <= tol["abs"] + tol["rel"] * scale
    return ok, "%-48s max|diff| %.3e  max|ref| %.3e  %s" % (name, diff, scale, "ok" if ok else "FAIL")


def check_fixtures(root):
    failures = 0
    for folder in sorted(os.listdir(root)):
        path = os.path.join(root, folder)
        if not folder.startswith("medical-transformer-") or not os.path.isdir(path):
            continue
        with open(os.path.join(path, "case.json")) as f:
            case = json.load(f)
        weights, _ = safetensors_io.load(os.path.join(path, "weights.safetensors"))
        inputs, _ = safetensors_io.load(os.path.join(path, "inputs.safetensors"))
        outputs, _ = safetensors_io.load(os.path.join(path, "outputs.safetensors"))
        cfg = Config(**case["config"])
        tol = case["tolerance"]
        print("== " + folder)
        got = {}
        with torch.no_grad():
            if folder.endswith("encoder-pool"):
                fixed = SliceEncoder(cfg, whole_plane=False)
                whole = SliceEncoder(cfg, whole_plane=True)
                state = {k[len("encoding."):]: torch.from_numpy(v) for k, v in weights.items()}
                fixed.load_state_dict(state, strict=True)
                whole.load_state_dict(state, strict=True)
                x = torch.from_numpy(inputs["slices"]).unsqueeze(1)
                got = {"layer4_features": fixed.features(x), "pooled_fixed_window": fixed.pooled(x),
                       "pooled_whole_plane": whole.pooled(x), "encoding_fixed_window": fixed(x),
                       "encoding_whole_plane": whole(x), "encoding_fixed_window_slice0_alone": fixed(x[..., :1]),
                       "encoding_fixed_window_minus_one_slice": fixed(torch.full((1, 1) + x.shape[2:4] + (1,), -1.0))}
            elif folder.endswith("stage1-triplet"):
                model = TripletModel(cfg)
                model.load_state_dict({k: torch.from_numpy(v) for k, v in weights.items()}, strict=True)
                curves = {v: BezierCurve(tuple(c["p1"]), tuple(c["p2"]), c["inverted"], c["n_times"])
                          for v, c in case["bezier_curves"].items()}
                got = triplet_step(model.eval(), torch.from_numpy(inputs["volume"]), curves, cfg.margin)
                for view, c in curves.items():
                    got["bezier_probe_" + view] = torch.from_numpy(c.apply(inputs["bezier_probe"]))
                    xp, fp = c.table()
                    mine = interp_like_numpy(inputs["bezier_probe"], xp, fp).astype(np.float32)
                    same = np.array_equal(mine, outputs["bezier_probe_" + view])
                    print("%-48s %s" % ("interp_like_numpy == np.interp (" + view + ")", "ok" if same else "FAIL"))
                    failures += 0 if same else 1
            else:
                model = MaskedEncodingModel(cfg)
                model.load_state_dict({k: torch.from_numpy(v) for k, v in weights.items()}, strict=True)
                mask = {v: inputs["mask_index_" + v].tolist() for v in VIEWS}
                got = masked_encoding_step(model.eval(), torch.from_numpy(inputs["volume"]), mask)
        for name, want in outputs.items():
            ok, line = _compare(name, _np(got[name]), want, tol)
            failures += 0 if ok else 1
            print(line)
        expected = case.get("expected_params", {})
        print("expected_params %s" % json.dumps(expected))
    print("FAILURES: %d" % failures)
    return failures


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("count", help="parameter counts at the authors' defaults (JSON)")
    fx = sub.add_parser("fixtures", help="write the test fixtures")
    here = os.path.dirname(os.path.abspath(__file__))
    fx.add_argument("--out", default=os.path.join(here, "fixtures"))
    ck = sub.add_parser("check", help="recompute every fixture from its files")
    ck.add_argument("--fixtures", default=os.path.join(here, "fixtures"))
    args = ap.parse_args(argv)
    if args.cmd == "count":
        result = counts_at(Config())
        result["config"] = dataclasses.asdict(Config())
        print(json.dumps(result, indent=2))
    elif args.cmd == "fixtures":
        for folder in write_fixtures(args.out):
            size = sum(os.path.getsize(os.path.join(folder, f)) for f in os.listdir(folder))
            print("%s  %d bytes" % (folder, size))
    elif args.cmd == "check":
        sys.exit(1 if check_fixtures(args.fixtures) else 0)


if __name__ == "__main__":
    main()
