#!/usr/bin/python3
"""TransSeg (Zhang et al. 2022, "Adapting Pre-trained Vision Transformers from 2D to 3D through
Weight Inflation Improves Medical Image Segmentation") written again in plain PyTorch + numpy.

This is brainbench's own implementation of the facts read in the authors' release
(yuhui-zh15/TransSeg); no code is copied from it. Module and parameter names are chosen so that
`state_dict()` keys and shapes equal those of the authors' `SegmentationModel` (src/model.py) with
encoder "beit" and decoder "upernet": `encoder.*` (BEiT3D), `decoder.*` (UPerHead), including the
buffers `encoder.blocks.N.attn.relative_position_index` (int64) and the batch-norm
`num_batches_tracked` counters (int64 scalars).

What is implemented (see docs/models/inflated-vit-zhang2022.md for the citations):
  - the "3D" patch embedding: a Conv3d whose kernel spans the whole window of `window` neighbouring
    slices (default 5) and `patch` x `patch` pixels, so the tokens lie on a 2D grid (one depth cell);
  - 2D -> 3D kernel inflation: RGB summed, divided by the input channels, repeated over depth, then
    `centering` (kernel only in the middle slice) or `averaging` (the authors' "inflation": / depth);
  - the BEiT relative-position-bias table resize from a 2D checkpoint grid to the new grid (the
    authors' geometric-progression resampling; their scipy interp2d cubic = a not-a-knot bicubic
    spline on the rectangular grid, written here with numpy only);
  - BEiT blocks: pre-norm (LayerNorm eps 1e-6), qkv with (q_bias, 0, v_bias), per-layer relative
    position bias with 3 extra entries for the [CLS] token, layer scale gamma_1/gamma_2, exact GELU,
    drop path (linear rule; 0 in the authors' runs), no absolute position embedding, no final norm;
  - UperNet over four tapped block outputs: fpn1 (2x deconv, BN, GELU, 2x deconv), fpn2 (2x
    deconv), fpn3 (identity), fpn4 (2x2 max pool); PPM scales 1,2,3,6; ConvModule = conv (no
    bias) + BN + ReLU; no auxiliary head; final bilinear upsampling (x4 at patch 16);
  - MONAI-0.6.dev2127 DiceFocalLoss(to_onehot_y=True, softmax=True): soft Dice on softmax
    probabilities plus a softmax focal loss (gamma 2), background included, both means;
  - the volume prediction: one window per slice with clamped (edge-replicated) neighbour indices,
    the window's centre-slice prediction stacked along depth.

Usage (Debian's /usr/bin/python3 with torch; 1 thread):
    transseg.py count
    transseg.py fixtures --out tools/authors-reference/fixtures
    transseg.py check tools/authors-reference/fixtures/inflated-vit-zhang2022-tiny
"""
import argparse
import json
import math
import sys
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent))
import safetensors_io  # noqa: E402

CASE_PREFIX = "inflated-vit-zhang2022"


# ---------------------------------------------------------------------------------------------
# Configuration
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Config:
    """Defaults are the authors' main.py/model.py defaults (BCV: 1 channel, 14 classes, 512 px)."""

    in_chans: int = 1
    num_classes: int = 14
    slice_size: int = 512  # H = W of one slice (img_size[0], img_size[1])
    window: int = 5  # neighbouring slices per window (img_size[2]); = depth of the patch kernel
    patch: int = 16
    dim: int = 768  # hidden_size; the UperNet channels equal it (model.py passes channels=hidden_size)
    depth: int = 12
    heads: int = 12
    mlp_dim: int = 3072  # mlp_ratio = mlp_dim // dim (integer division, as in model.py)
    taps: tuple = (3, 5, 7, 11)  # UPerHead layer_idxs: 0-based block indices
    pool_scales: tuple = (1, 2, 3, 6)
    layer_scale_init: float = 1.0  # init_values=1 in model.py
    qkv_bias: bool = True
    drop_path: float = 0.0
    decoder_dropout: float = 0.1  # Dropout2d before conv_seg (training only)
    final_scale: int = 0  # 0: patch // 4 (the authors hard-code 4, i.e. patch 16)

    @property
    def grid(self):
        """(Hp, Wp, Dp): the relative-position window of the authors (Dp = 1 for them)."""
        return (self.slice_size // self.patch, self.slice_size // self.patch, 1)

    @property
    def upsample(self):
        return self.final_scale or self.patch // 4


BRATS = Config(in_chans=4, num_classes=4, slice_size=240)  # scripts/train_msd_01.sh
DEFAULTS = Config()  # main.py defaults (= BCV, scripts/train_bcv.sh)
TINY = Config(in_chans=2, num_classes=4, slice_size=40, window=5, patch=8, dim=32, depth=5, heads=2,
              mlp_dim=128, taps=(0, 1, 2, 4))


# ---------------------------------------------------------------------------------------------
# 2D -> 3D: patch-kernel inflation and relative-position-table resize
# ---------------------------------------------------------------------------------------------


def inflate_patch_kernel(kernel_2d, in_chans, window, mode="centering"):
    """(E, C2, kh, kw) 2D patch kernel -> (E, in_chans, window, kh, kw) Conv3d kernel.

    g = sum over the 2D input channels (RGB -> gray), divided by in_chans, copied to every input
    channel and every depth slice; then `centering` keeps only depth index window // 2 (zeros
    elsewhere) and `averaging` (the authors' "inflation") divides by window. The bias is unchanged.
    """
    e, _, kh, kw = kernel_2d.shape
    gray = kernel_2d.sum(dim=1, keepdim=True) / in_chans
    per_channel = gray.expand(e, in_chans, kh, kw)
    kernel = per_channel.unsqueeze(2).expand(e, in_chans, window, kh, kw).clone()
    if mode in ("averaging", "inflation"):
        return kernel / window
    if mode == "centering":
        keep = torch.zeros(window, dtype=kernel.dtype)
        keep[window // 2] = 1
        return kernel * keep.view(1, 1, window, 1, 1)
    raise ValueError(f"unknown inflation mode {mode!r}")


def _not_a_knot_matrix(x, at):
    """Matrix A (len(at) x len(x)) with s(at) = A @ y for the not-a-knot cubic spline through
    (x, y). Points of `at` outside [x0, xn] are clamped to the ends (FITPACK's evaluation)."""
    x = np.asarray(x, dtype=np.float64)
    at = np.clip(np.asarray(at, dtype=np.float64), x[0], x[-1])
    m = len(x)
    h = np.diff(x)
    # Unknowns: second derivatives M (m); equations: continuity of s' inside, not-a-knot at both ends.
    lhs = np.zeros((m, m))
    rhs = np.zeros((m, m))  # rhs @ y
    for i in range(1, m - 1):
        lhs[i, i - 1], lhs[i, i], lhs[i, i + 1] = h[i - 1], 2 * (h[i - 1] + h[i]), h[i]
        rhs[i, i - 1] += 6 / h[i - 1]
        rhs[i, i] -= 6 / h[i - 1] + 6 / h[i]
        rhs[i, i + 1] += 6 / h[i]
    lhs[0, 0], lhs[0, 1], lhs[0, 2] = -1 / h[0], 1 / h[0] + 1 / h[1], -1 / h[1]
    lhs[m - 1, m - 3], lhs[m - 1, m - 2], lhs[m - 1, m - 1] = -1 / h[m - 3], 1 / h[m - 3] + 1 / h[m - 2], -1 / h[m - 2]
    second = np.linalg.solve(lhs, rhs)  # M = second @ y
    out = np.zeros((len(at), m))
    for r, t in enumerate(at):
        j = min(max(np.searchsorted(x, t, side="right") - 1, 0), m - 2)
        a, b = x[j + 1] - t, t - x[j]
        hj = h[j]
        out[r] += a ** 3 / (6 * hj) * second[j] + b ** 3 / (6 * hj) * second[j + 1]
        out[r] -= hj * a / 6 * second[j] + hj * b / 6 * second[j + 1]
        out[r, j] += a / hj
        out[r, j + 1] += b / hj
    return out


def geometric_ratio(src_half, dst_half):
    """The authors' bisection on [1.01, 1.5] until the width is <= 1e-6: q is the last midpoint,
    moving right down when 1 + q + ... + q^(src_half-1) > dst_half."""
    lo, hi = 1.01, 1.5
    q = None
    while hi - lo > 1e-6:
        q = (lo + hi) / 2.0
        if (1.0 - q ** src_half) / (1.0 - q) > dst_half:
            hi = q
        else:
            lo = q
    return q


def resize_rel_pos_table(table_2d, grid):
    """BEiT 2D table ((2S-1)^2 + 3, heads) -> the 3D model's ((2Hp-1)(2Wp-1)(2Dp-1) + 3, heads).

    The (2S-1)^2 part of each head is read as a (2S-1) x (2S-1) image over relative offsets,
    sampled at offsets -n..n (n = Hp - 1) on a stretched axis 0, +-1, +-(1+q), +-(1+q+q^2), ...
    (q from `geometric_ratio`) with a bicubic not-a-knot spline, repeated Dp times, then the 3
    [CLS] entries are appended unchanged. Returns the table unchanged when the sizes agree.
    """
    gh, gw, gd = grid
    if gh != gw:
        raise NotImplementedError("the authors support square grids only")
    dst_rows = (2 * gh - 1) * (2 * gw - 1) * (2 * gd - 1) + 3
    extra = dst_rows - (2 * gh - 1) * (2 * gw - 1) * (2 * gd - 1)
    rows, heads = table_2d.shape
    src = round((rows - extra) ** 0.5)
    dst = 2 * gh - 1
    if src == dst:
        return table_2d.clone()
    q = geometric_ratio(src // 2, dst // 2)
    pos = []
    total = 1.0
    for i in range(src // 2):
        pos.append(total)
        total += q ** (i + 1)
    axis = [-p for p in reversed(pos)] + [0.0] + pos
    half = dst // 2
    at = np.arange(-half, half + 0.1, 1.0)
    a = _not_a_knot_matrix(axis, at)
    body = table_2d[: rows - extra].double().numpy()
    cols = []
    for k in range(heads):
        z = body[:, k].reshape(src, src)
        cols.append((a @ z @ a.T).reshape(-1, 1))
    resized = torch.from_numpy(np.concatenate(cols, axis=1)).to(table_2d.dtype).repeat(gd, 1)
    return torch.cat([resized, table_2d[rows - extra:]], dim=0)


def relative_position_index(grid):
    """(N+1, N+1) int64, N = Hp*Wp*Dp, tokens ordered (h, w, d) with d fastest, row = query.

    [1+i, 1+j] = (hi-hj+Hp-1)*(2Wp-1)*(2Dp-1) + (wi-wj+Wp-1)*(2Dp-1) + (di-dj+Dp-1);
    [0, j] = R-3 ([CLS] query), [i, 0] = R-2 ([CLS] key), [0, 0] = R-1, R = table rows.
    """
    gh, gw, gd = grid
    rows = (2 * gh - 1) * (2 * gw - 1) * (2 * gd - 1) + 3
    hh, ww, dd = np.meshgrid(np.arange(gh), np.arange(gw), np.arange(gd), indexing="ij")
    hh, ww, dd = hh.reshape(-1), ww.reshape(-1), dd.reshape(-1)
    offset = ((hh[:, None] - hh[None, :] + gh - 1) * (2 * gw - 1) * (2 * gd - 1)
              + (ww[:, None] - ww[None, :] + gw - 1) * (2 * gd - 1)
              + (dd[:, None] - dd[None, :] + gd - 1))
    n = gh * gw * gd
    index = np.empty((n + 1, n + 1), dtype=np.int64)
    index[1:, 1:] = offset
    index[0, :] = rows - 3
    index[:, 0] = rows - 2
    index[0, 0] = rows - 1
    return torch.from_numpy(index)


# ---------------------------------------------------------------------------------------------
# Encoder (authors' BEiT3D)
# ---------------------------------------------------------------------------------------------


class PatchEmbed(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        kernel = (cfg.window, cfg.patch, cfg.patch)
        self.proj = nn.Conv3d(cfg.in_chans, cfg.dim, kernel_size=kernel, stride=kernel)

    def forward(self, x):  # x: B x C x D x H x W
        y = self.proj(x)  # B x E x Dp x Hp x Wp
        return y.flatten(2).transpose(1, 2)  # tokens in (d, h, w) order, w fastest


class Mlp(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x):
        return self.fc2(F.gelu(self.fc1(x)))


class Attention(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.heads = cfg.heads
        head_dim = cfg.dim // cfg.heads
        self.scale = head_dim ** -0.5
        self.qkv = nn.Linear(cfg.dim, 3 * head_dim * cfg.heads, bias=False)
        if cfg.qkv_bias:
            self.q_bias = nn.Parameter(torch.zeros(head_dim * cfg.heads))
            self.v_bias = nn.Parameter(torch.zeros(head_dim * cfg.heads))
        else:
            self.q_bias = self.v_bias = None
        grid = cfg.grid
        rows = (2 * grid[0] - 1) * (2 * grid[1] - 1) * (2 * grid[2] - 1) + 3
        self.relative_position_bias_table = nn.Parameter(torch.zeros(rows, cfg.heads))
        self.register_buffer("relative_position_index", relative_position_index(grid))
        self.proj = nn.Linear(head_dim * cfg.heads, cfg.dim)

    def position_bias(self):
        n = self.relative_position_index.shape[0]
        picked = self.relative_position_bias_table[self.relative_position_index.reshape(-1)]
        return picked.reshape(n, n, self.heads).permute(2, 0, 1)  # heads x query x key

    def forward(self, x):
        b, n, _ = x.shape
        bias = None
        if self.q_bias is not None:
            bias = torch.cat([self.q_bias, torch.zeros_like(self.v_bias), self.v_bias])
        qkv = F.linear(x, self.qkv.weight, bias).reshape(b, n, 3, self.heads, -1)
        q, k, v = qkv.permute(2, 0, 3, 1, 4).unbind(0)  # each B x heads x N x head_dim
        logits = torch.matmul(q * self.scale, k.transpose(-1, -2)) + self.position_bias().unsqueeze(0)
        out = torch.matmul(logits.softmax(dim=-1), v)
        return self.proj(out.transpose(1, 2).reshape(b, n, -1))


class DropPath(nn.Module):
    def __init__(self, p):
        super().__init__()
        self.p = p

    def forward(self, x):
        if self.p == 0.0 or not self.training:
            return x
        keep = 1.0 - self.p
        mask = torch.empty((x.shape[0],) + (1,) * (x.dim() - 1), dtype=x.dtype).bernoulli_(keep)
        return x * mask / keep


class Block(nn.Module):
    def __init__(self, cfg, drop_path):
        super().__init__()
        self.norm1 = nn.LayerNorm(cfg.dim, eps=1e-6)
        self.attn = Attention(cfg)
        self.norm2 = nn.LayerNorm(cfg.dim, eps=1e-6)
        self.mlp = Mlp(cfg.dim, int(cfg.dim * (cfg.mlp_dim // cfg.dim)))
        self.gamma_1 = nn.Parameter(torch.full((cfg.dim,), float(cfg.layer_scale_init)))
        self.gamma_2 = nn.Parameter(torch.full((cfg.dim,), float(cfg.layer_scale_init)))
        self.drop_path = DropPath(drop_path)

    def forward(self, x):
        x = x + self.drop_path(self.gamma_1 * self.attn(self.norm1(x)))
        return x + self.drop_path(self.gamma_2 * self.mlp(self.norm2(x)))


class Encoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cls_token = nn.Parameter(torch.zeros(1, 1, cfg.dim))
        self.patch_embed = PatchEmbed(cfg)
        rates = torch.linspace(0, cfg.drop_path, cfg.depth).tolist()
        self.blocks = nn.ModuleList([Block(cfg, rates[i]) for i in range(cfg.depth)])

    def forward(self, x):
        """x: B x C x D x H x W -> list (one per block) of B x T x dim patch tokens ([CLS] dropped)."""
        tokens = self.patch_embed(x)
        h = torch.cat([self.cls_token.expand(tokens.shape[0], -1, -1), tokens], dim=1)
        outs = []
        for block in self.blocks:
            h = block(h)
            outs.append(h[:, 1:])
        return outs


# ---------------------------------------------------------------------------------------------
# Decoder (authors' UPerHead with fpns=True)
# ---------------------------------------------------------------------------------------------


class ConvModule(nn.Module):
    """mmcv ConvModule with norm: conv (no bias) -> bn -> ReLU; children named conv and bn."""

    def __init__(self, cin, cout, k):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, k, padding=k // 2, bias=False)
        self.bn = nn.BatchNorm2d(cout)

    def forward(self, x):
        return F.relu(self.bn(self.conv(x)))


def _bilinear(x, size):
    return F.interpolate(x, size=tuple(size), mode="bilinear", align_corners=False)


class UperHead(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        c = cfg.dim
        self.upsample = cfg.upsample
        self.dropout = nn.Dropout2d(cfg.decoder_dropout)
        self.conv_seg = nn.Conv2d(c, cfg.num_classes, kernel_size=1)
        self.fpn1 = nn.Sequential(nn.ConvTranspose2d(c, c, 2, stride=2), nn.BatchNorm2d(c), nn.GELU(),
                                  nn.ConvTranspose2d(c, c, 2, stride=2))
        self.fpn2 = nn.Sequential(nn.ConvTranspose2d(c, c, 2, stride=2))
        self.fpn3 = nn.Identity()
        self.fpn4 = nn.MaxPool2d(kernel_size=2, stride=2)
        self.psp_modules = nn.ModuleList(
            [nn.Sequential(nn.AdaptiveAvgPool2d(s), ConvModule(c, c, 1)) for s in cfg.pool_scales])
        self.bottleneck = ConvModule(c + len(cfg.pool_scales) * c, c, 3)
        self.lateral_convs = nn.ModuleList([ConvModule(c, c, 1) for _ in range(3)])
        self.fpn_convs = nn.ModuleList([ConvModule(c, c, 3) for _ in range(3)])
        self.fpn_bottleneck = ConvModule(4 * c, c, 3)

    def forward(self, maps, trace=None):
        """maps: the four tapped token maps, each B x dim x Hp x Wp."""
        levels = [self.fpn1(maps[0]), self.fpn2(maps[1]), self.fpn3(maps[2]), self.fpn4(maps[3])]
        top = levels[3]
        pooled = [top] + [_bilinear(m(top), top.shape[2:]) for m in self.psp_modules]
        lat = [conv(levels[i]) for i, conv in enumerate(self.lateral_convs)]
        lat.append(self.bottleneck(torch.cat(pooled, dim=1)))
        for i in range(3, 0, -1):  # top-down, each level already holding the sum from above
            lat[i - 1] = lat[i - 1] + _bilinear(lat[i], lat[i - 1].shape[2:])
        outs = [self.fpn_convs[i](lat[i]) for i in range(3)] + [lat[3]]
        outs = [outs[0]] + [_bilinear(o, outs[0].shape[2:]) for o in outs[1:]]
        fused = self.fpn_bottleneck(torch.cat(outs, dim=1))
        logits = self.conv_seg(self.dropout(fused))
        side = logits.shape[-1] * self.upsample  # authors: square output of side W * 4
        if trace is not None:
            trace.update({f"levels.{i}": t for i, t in enumerate(levels)})
        return F.interpolate(logits, size=(side, side), mode="bilinear", align_corners=False)


# ---------------------------------------------------------------------------------------------
# The segmentation model, loss and the volume assembly
# ---------------------------------------------------------------------------------------------


class TransSeg(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        if cfg.dim % cfg.heads:
            raise ValueError("dim must be divisible by heads")
        self.cfg = cfg
        self.encoder = Encoder(cfg)
        self.decoder = UperHead(cfg)

    def forward(self, window, trace=None):
        """window: B x C x H x W x D (the authors' layout, D = cfg.window slices) -> (logits
        B x K x H x W for the centre slice, list of every block's B x T x dim tokens)."""
        x = window.permute(0, 1, 4, 2, 3).float()  # B x C x D x H x W
        tokens = self.encoder(x)
        hp = wp = self.cfg.slice_size // self.cfg.patch
        maps = [tokens[i].reshape(x.shape[0], hp, wp, -1).permute(0, 3, 1, 2) for i in self.cfg.taps]
        return self.decoder(maps, trace), tokens


def window_indices(num_slices, window):
    """Slice indices of the window centred on every slice: s + o - window//2, clamped to the
    volume (the authors' split_data_to_slices_nii.py with window 5: s-2..s+2 clamped)."""
    half = window // 2
    return [[min(max(s + o - half, 0), num_slices - 1) for o in range(window)] for s in range(num_slices)]


@torch.no_grad()
def predict_volume(model, volume, batch=8):
    """volume: B x C x H x W x S -> (logits B x K x H x W x S, mean final-layer token B x dim).

    Every slice gets its own window; the centre-slice logits are stacked along the last axis.
    The mean of the last block's patch tokens over all tokens of all windows is the recommended
    pooled feature for classification/regression heads (not part of the authors' release)."""
    idx = window_indices(volume.shape[-1], model.cfg.window)
    logits, sums, count = [], 0.0, 0
    for start in range(0, len(idx), batch):
        chunk = idx[start:start + batch]
        windows = torch.stack([volume[..., i] for i in chunk], dim=1)  # B x n x C x H x W x D
        flat = windows.reshape((-1,) + windows.shape[2:])
        out, tokens = model(flat)
        logits.append(out.reshape(volume.shape[0], len(chunk), *out.shape[1:]))
        last = tokens[-1].reshape(volume.shape[0], len(chunk), *tokens[-1].shape[1:])
        sums = sums + last.sum(dim=(1, 2))
        count += len(chunk) * last.shape[2]
    stacked = torch.cat(logits, dim=1)  # B x S x K x H x W
    return stacked.permute(0, 2, 3, 4, 1), sums / count


def dice_focal_loss(logits, labels, gamma=2.0, smooth_nr=1e-5, smooth_dr=1e-5,
                    lambda_dice=1.0, lambda_focal=1.0):
    """MONAI 0.6.dev2127 DiceFocalLoss(to_onehot_y=True, softmax=True), everything else default.

    logits B x K x H x W, labels B x 1 x H x W (class ids). p = softmax over K, t = one-hot.
      dice  = mean over (b, k) of 1 - (2 sum_v p t + 1e-5) / (sum_v t + sum_v p + 1e-5)
      focal = mean over (b, k) of mean_v [ -(1 - p)^gamma * t * log p ]   (log p = log_softmax)
    (background included in both; focal is therefore (1/K) x the usual per-voxel focal loss).
    Returns (total, dice, focal)."""
    k = logits.shape[1]
    onehot = torch.zeros_like(logits).scatter_(1, labels.long(), 1.0)
    prob = torch.softmax(logits, dim=1)
    axes = tuple(range(2, logits.dim()))
    inter = (prob * onehot).sum(dim=axes)
    denom = onehot.sum(dim=axes) + prob.sum(dim=axes)
    dice = (1.0 - (2.0 * inter + smooth_nr) / (denom + smooth_dr)).mean()
    logp = F.log_softmax(logits, dim=1).reshape(logits.shape[0], k, -1)
    pt = logp.exp()
    focal = (-(1.0 - pt).pow(gamma) * onehot.reshape(logits.shape[0], k, -1) * logp).mean(dim=-1).mean()
    return lambda_dice * dice + lambda_focal * focal, dice, focal


def volume_loss(volume_logits, volume_targets):
    """Dice+focal with every slice of an assembled volume a sample, as the authors' windows are:
    logits B x K x H x W x S and targets B x 1 x H x W x S to (B S) x K x H x W and (B S) x 1 x H x W."""
    k, h, w = volume_logits.shape[1:4]
    logits = volume_logits.permute(0, 4, 1, 2, 3).reshape(-1, k, h, w)
    targets = volume_targets.permute(0, 4, 1, 2, 3).reshape(-1, 1, h, w)
    return dice_focal_loss(logits, targets)


# ---------------------------------------------------------------------------------------------
# Parameter counts
# ---------------------------------------------------------------------------------------------


def counts(cfg):
    """Parameters (trainable tensors only; buffers listed apart), computed from the formulas."""
    c, e = cfg.dim, cfg.dim
    hid = e * (cfg.mlp_dim // e)
    gh, gw, gd = cfg.grid
    table = ((2 * gh - 1) * (2 * gw - 1) * (2 * gd - 1) + 3) * cfg.heads
    block = (2 * 2 * e  # norm1, norm2
             + 3 * e * e + (2 * e if cfg.qkv_bias else 0)  # qkv weight, q_bias, v_bias
             + table
             + e * e + e  # proj
             + e * hid + hid + hid * e + e  # mlp
             + 2 * e)  # gamma_1, gamma_2
    patch = cfg.in_chans * cfg.window * cfg.patch * cfg.patch * e + e
    encoder = e + patch + cfg.depth * block
    deconv = c * c * 4 + c
    bn = 2 * c
    s = len(cfg.pool_scales)
    decoder = (c * cfg.num_classes + cfg.num_classes  # conv_seg
               + 2 * deconv + bn + deconv  # fpn1, fpn2
               + s * (c * c + bn)  # psp
               + (c + s * c) * c * 9 + bn  # bottleneck
               + 3 * (c * c + bn) + 3 * (c * c * 9 + bn)  # lateral, fpn convs
               + 4 * c * c * 9 + bn)  # fpn_bottleneck
    n = gh * gw * gd + 1
    return {"encoder": encoder, "decoder": decoder, "total": encoder + decoder,
            "encoder_per_block": block, "patch_embed": patch, "relative_position_table_per_block": table,
            "buffers": {"relative_position_index_elements": cfg.depth * n * n,
                        "bn_running_stats_elements": 2 * c * (1 + s + 1 + 3 + 3 + 1),
                        "bn_layers": 1 + s + 1 + 3 + 3 + 1}}


def cmd_count(_args):
    torch.set_num_threads(1)
    for name, cfg in [("brain-tumour (scripts/train_msd_01.sh: 4 ch, 4 classes, 240x240x5)", BRATS),
                      ("authors' defaults (main.py: 1 ch, 14 classes, 512x512x5)", DEFAULTS),
                      ("tiny (fixture)", TINY)]:
        formula = counts(cfg)
        model = TransSeg(cfg)
        enc = sum(p.numel() for p in model.encoder.parameters())
        dec = sum(p.numel() for p in model.decoder.parameters())
        if (enc, dec) != (formula["encoder"], formula["decoder"]):
            raise SystemExit(f"count formula disagrees with the module: {enc}/{dec} vs {formula}")
        print(f"{name}: encoder {enc:,}  decoder {dec:,}  total {enc + dec:,}  "
              f"(per block {formula['encoder_per_block']:,}, patch embed {formula['patch_embed']:,}, "
              f"rel-pos table/block {formula['relative_position_table_per_block']:,})")


# ---------------------------------------------------------------------------------------------
# Fixtures
# ---------------------------------------------------------------------------------------------


def randomise(model, gen):
    """Seeded, non-trivial values for every parameter and buffer (BN statistics, layer scale,
    relative-position tables, q/v biases and the [CLS] token included)."""
    def normal(shape, std):
        return torch.randn(shape, generator=gen) * std

    with torch.no_grad():
        for name, p in model.named_parameters():
            leaf = name.rsplit(".", 1)[-1]
            if leaf in ("gamma_1", "gamma_2"):
                p.copy_(0.5 + torch.rand(p.shape, generator=gen))
            elif leaf == "relative_position_bias_table":
                p.copy_(normal(p.shape, 0.5))
            elif leaf == "cls_token":
                p.copy_(normal(p.shape, 0.5))
            elif leaf in ("q_bias", "v_bias") or (leaf == "bias" and p.dim() == 1 and "norm" not in name
                                                   and not _is_bn(model, name)):
                p.copy_(normal(p.shape, 0.1))
            elif "norm" in name or _is_bn(model, name):
                p.copy_((1.0 if leaf == "weight" else 0.0) + normal(p.shape, 0.1 if leaf == "weight" else 0.1))
            else:
                fan_in = p[0].numel() if not isinstance(_owner(model, name), nn.ConvTranspose2d) else p.shape[0] * 4
                p.copy_(normal(p.shape, 1.0 / math.sqrt(fan_in)))
        for name, m in model.named_modules():
            if isinstance(m, nn.BatchNorm2d):
                m.running_mean.copy_(normal(m.running_mean.shape, 0.2))
                m.running_var.copy_(0.5 + 1.5 * torch.rand(m.running_var.shape, generator=gen))
                m.num_batches_tracked.fill_(1234)


def _owner(model, param_name):
    return model.get_submodule(param_name.rsplit(".", 1)[0])


def _is_bn(model, param_name):
    return isinstance(_owner(model, param_name), nn.BatchNorm2d)


def _describe(cfg):
    gh, gw, gd = cfg.grid
    rows = (2 * gh - 1) * (2 * gw - 1) * (2 * gd - 1) + 3
    n = gh * gw * gd + 1
    return {
        "weights.safetensors": {
            "note": "every state_dict() entry of the authors' SegmentationModel(encoder='beit', decoder='upernet') "
                    "under their names; F32 except encoder.blocks.N.attn.relative_position_index and "
                    "decoder.*.num_batches_tracked (I64; the latter shape [] as in PyTorch)",
            "encoder.cls_token": "[1, 1, dim]",
            "encoder.patch_embed.proj.weight": "[dim, in_chans, window, patch, patch] Conv3d kernel (depth = window)",
            "encoder.blocks.N.attn.qkv.weight": "[3*dim, dim], rows q then k then v; no qkv.bias key: bias is "
                                                "cat(q_bias, zeros, v_bias)",
            "encoder.blocks.N.attn.relative_position_bias_table": f"[{rows}, heads] = [(2Hp-1)(2Wp-1)(2Dp-1)+3, heads], one per block",
            "encoder.blocks.N.attn.relative_position_index": f"[{n}, {n}] I64 buffer, see relative_position_index()",
            "encoder.blocks.N.gamma_1/gamma_2": "[dim] layer scale",
            "decoder.fpn1.0/.3, decoder.fpn2.0": "ConvTranspose2d weight [in, out, 2, 2] + bias",
            "decoder.fpn1.1": "BatchNorm2d (weight, bias, running_mean, running_var, num_batches_tracked)",
            "decoder.<ConvModule>.conv.weight / .bn.*": "conv without bias, then BatchNorm2d, then ReLU",
        },
        "inputs.safetensors": {
            "window": "[2, in_chans, H, W, window] two windows in the authors' layout B x C x H x W x D "
                      "(= volume windows of slices 0 and 3); the model permutes to B x C x D x H x W",
            "targets": "[2, 1, H, W] I64 class ids for the windows' centre slices",
            "volume": "[1, in_chans, H, W, S] a small volume (S slices)",
            "volume.targets": "[1, 1, H, W, S] I64 class ids of every slice of the volume",
            "inflation.kernel_2d": "[8, 3, patch, patch] a 2D RGB patch kernel",
            "relpos.table_2d": "[(2*4-1)^2+3, heads] a BEiT 2D table for a 4x4 grid",
        },
        "outputs.safetensors": {
            "taps.I": "[2, Hp*Wp, dim] patch tokens ([CLS] dropped) after block taps[I], eval mode",
            "window.logits": "[2, num_classes, H, W] decoder logits for the windows' centre slices",
            "loss.total / loss.dice / loss.focal": "[1] Dice+focal on window.logits vs targets",
            "decoder.levels.I": "[1, dim, ...] the four FPN-neck outputs (fpn1..fpn4) for the first window only",
            "volume.window_indices": "[S, window] I64 slice indices of each slice's window",
            "volume.logits": "[1, num_classes, H, W, S] assembled centre-slice logits",
            "volume.pooled": "[1, dim] mean of the last block's patch tokens over all tokens of all windows",
            "volume.loss.total": "[1] Dice+focal on volume.logits vs volume.targets, every slice a sample",
            "inflation.centering / inflation.averaging": "[8, in_chans, window, patch, patch]",
            "relpos.table_resized": f"[{rows}, heads] relpos.table_2d resized to the case grid",
        },
    }


def make_fixture(cfg, folder, seed=2022):
    torch.set_num_threads(1)
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    model = TransSeg(cfg)
    randomise(model, gen)
    model.eval()
    h = cfg.slice_size
    slices = 5
    volume = torch.randn((1, cfg.in_chans, h, h, slices), generator=gen)
    idx = window_indices(slices, cfg.window)
    window = torch.stack([volume[0][..., idx[0]], volume[0][..., idx[3]]])
    targets = torch.randint(0, cfg.num_classes, (2, 1, h, h), generator=gen)
    kernel_2d = torch.randn((8, 3, cfg.patch, cfg.patch), generator=gen) * 0.1
    table_2d = torch.randn(((2 * 4 - 1) ** 2 + 3, cfg.heads), generator=gen)
    volume_targets = torch.randint(0, cfg.num_classes, (1, 1, h, h, slices), generator=gen)

    trace = {}
    with torch.no_grad():
        logits, tokens = model(window, trace)
        total, dice, focal = dice_focal_loss(logits, targets)
        vol_logits, pooled = predict_volume(model, volume, batch=4)
        vol_total, _, _ = volume_loss(vol_logits, volume_targets)
    outputs = {f"taps.{i}": tokens[t] for i, t in enumerate(cfg.taps)}
    outputs["window.logits"] = logits
    outputs.update({f"decoder.{k}": v[:1] for k, v in trace.items()})  # first window only (size)
    outputs["loss.total"] = total.reshape(1)
    outputs["loss.dice"] = dice.reshape(1)
    outputs["loss.focal"] = focal.reshape(1)
    outputs["volume.window_indices"] = torch.tensor(idx, dtype=torch.int64)
    outputs["volume.logits"] = vol_logits
    outputs["volume.pooled"] = pooled
    outputs["volume.loss.total"] = vol_total.reshape(1)
    outputs["inflation.centering"] = inflate_patch_kernel(kernel_2d, cfg.in_chans, cfg.window, "centering")
    outputs["inflation.averaging"] = inflate_patch_kernel(kernel_2d, cfg.in_chans, cfg.window, "averaging")
    outputs["relpos.table_resized"] = resize_rel_pos_table(table_2d, cfg.grid)

    folder.mkdir(parents=True, exist_ok=True)
    weights = {k: v.contiguous() for k, v in model.state_dict().items()}
    safetensors_io.save(folder / "weights.safetensors", weights, {"format": "pt", "source": "transseg.py"})
    safetensors_io.save(folder / "inputs.safetensors",
                        {"window": window, "targets": targets, "volume": volume, "volume.targets": volume_targets,
                         "inflation.kernel_2d": kernel_2d, "relpos.table_2d": table_2d})
    safetensors_io.save(folder / "outputs.safetensors", {k: v.contiguous() for k, v in outputs.items()})

    conf = asdict(cfg)
    conf["taps"] = list(cfg.taps)
    conf["pool_scales"] = list(cfg.pool_scales)
    conf["final_scale"] = cfg.upsample
    case = {
        "model": "inflated-vit-zhang2022",
        "case": folder.name[len(CASE_PREFIX) + 1:],
        "source": "yuhui-zh15/TransSeg @ 0d343f1 (facts only); tools/authors-reference/transseg.py",
        "seed": seed,
        "mode": "eval (BatchNorm running statistics, Dropout2d off, drop path 0)",
        "config": conf,
        "derived": {
            "grid_hp_wp_dp": list(cfg.grid),
            "tokens_per_window": cfg.grid[0] * cfg.grid[1],
            "relative_position_table_rows": (2 * cfg.grid[0] - 1) * (2 * cfg.grid[1] - 1) + 3,
            "attention_sequence": cfg.grid[0] * cfg.grid[1] + 1,
            "mlp_hidden": cfg.dim * (cfg.mlp_dim // cfg.dim),
            "decoder_channels": cfg.dim,
            "fpn_level_sizes": [4 * cfg.grid[0], 2 * cfg.grid[0], cfg.grid[0], cfg.grid[0] // 2],
            "final_upsample": f"bilinear, align_corners=False, from {4 * cfg.grid[0]} to "
                              f"{4 * cfg.grid[0] * cfg.upsample} (authors: x4, i.e. patch 16)",
            "volume_slices": slices,
            "window_batch_slices": [0, 3],
        },
        "inflation": {"centering": "W3[e,c,d] = (sum_c' W2[e,c']) / in_chans if d == window//2 else 0",
                      "averaging": "W3[e,c,d] = (sum_c' W2[e,c']) / in_chans / window (authors' 'inflation')",
                      "bias": "copied"},
        "loss": {"name": "MONAI 0.6.dev2127 DiceFocalLoss(to_onehot_y=True, softmax=True)",
                 "total": float(total), "dice": float(dice), "focal": float(focal),
                 "gamma": 2.0, "smooth_nr": 1e-5, "smooth_dr": 1e-5, "include_background": True,
                 "lambda_dice": 1.0, "lambda_focal": 1.0},
        "parameters": {"case": counts(cfg), "brain_tumour_defaults": counts(BRATS),
                       "authors_defaults_main_py": counts(DEFAULTS)},
        "tolerance": {"float32": "max|diff| / max|ref| <= 1e-4"},
        "tensors": _describe(cfg),
    }
    (folder / "case.json").write_text(json.dumps(case, indent=2) + "\n")
    return folder


def cmd_check(args):
    """Reloads a fixture folder into TransSeg (strict, authors' names) and recomputes every output."""
    torch.set_num_threads(1)
    folder = Path(args.fixture)
    case = json.loads((folder / "case.json").read_text())
    conf = dict(case["config"])
    conf["taps"], conf["pool_scales"] = tuple(conf["taps"]), tuple(conf["pool_scales"])
    cfg = Config(**conf)
    weights, _ = safetensors_io.load(folder / "weights.safetensors")
    inputs, _ = safetensors_io.load(folder / "inputs.safetensors")
    expected, _ = safetensors_io.load(folder / "outputs.safetensors")
    model = TransSeg(cfg)
    model.load_state_dict({k: torch.from_numpy(v) for k, v in weights.items()}, strict=True)
    model.eval()
    t = {k: torch.from_numpy(v) for k, v in inputs.items()}
    trace = {}
    with torch.no_grad():
        logits, tokens = model(t["window"], trace)
        total, dice, focal = dice_focal_loss(logits, t["targets"])
        vol, pooled = predict_volume(model, t["volume"])
        vol_total, _, _ = volume_loss(vol, t["volume.targets"])
    got = {f"taps.{i}": tokens[j] for i, j in enumerate(cfg.taps)}
    got.update({"window.logits": logits, "loss.total": total.reshape(1), "loss.dice": dice.reshape(1),
                "loss.focal": focal.reshape(1), "volume.logits": vol, "volume.pooled": pooled, "volume.loss.total": vol_total.reshape(1),
                "volume.window_indices": torch.tensor(window_indices(t["volume"].shape[-1], cfg.window)),
                "inflation.centering": inflate_patch_kernel(t["inflation.kernel_2d"], cfg.in_chans, cfg.window, "centering"),
                "inflation.averaging": inflate_patch_kernel(t["inflation.kernel_2d"], cfg.in_chans, cfg.window, "averaging"),
                "relpos.table_resized": resize_rel_pos_table(t["relpos.table_2d"], cfg.grid)})
    got.update({f"decoder.{k}": v[:1] for k, v in trace.items()})
    worst = 0.0
    for name, ref in expected.items():
        mine = got[name].double()
        ref = torch.from_numpy(ref).double()
        err = float((mine - ref).abs().max() / max(float(ref.abs().max()), 1e-12))
        worst = max(worst, err)
        print(f"{name:28s} {list(ref.shape)!s:24s} max|diff|/max|ref| = {err:.2e}")
    print("OK" if worst <= 1e-4 else "FAILED", f"(worst {worst:.2e})")
    return 0 if worst <= 1e-4 else 1


def cmd_fixtures(args):
    out = Path(args.out)
    folder = make_fixture(TINY, out / f"{CASE_PREFIX}-tiny")
    for f in sorted(folder.iterdir()):
        print(f"{f}  {f.stat().st_size:,} bytes")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="cmd", required=True)
    sub.add_parser("count", help="parameter counts: brain-tumour config, authors' defaults, tiny")
    fx = sub.add_parser("fixtures", help="write the tiny fixture folder")
    fx.add_argument("--out", default=str(Path(__file__).resolve().parent / "fixtures"))
    ck = sub.add_parser("check", help="recompute a fixture folder and compare")
    ck.add_argument("fixture")
    args = parser.parse_args(argv)
    sys.exit({"count": cmd_count, "fixtures": cmd_fixtures, "check": cmd_check}[args.cmd](args) or 0)


if __name__ == "__main__":
    main()
