#!/usr/bin/python3
"""A standalone PyTorch re-implementation of brainbench's four models, to time the same training
step in plain PyTorch/Python as brainbench's DJL backend runs it.

Subcommands:
  check    build every case of a fixtures folder, load brainbench's weights by their neutral names
           and compare the eval-mode outputs with the DJL model's (proves the same architecture);
  steps    time the full training step (forward, task loss, backward, global-norm clipping, AdamW,
           zeroing the gradients) per model and task, and count forward FLOPs;
  matmul   float32 square matmul GFLOP/s at the given threads: the machine's practical peak.

Each nn.Module below mirrors one Java class of backends/djl (named in its docstring); the spec
dataclasses mirror the records of harness/api (org.brainbench.api.model) with the same defaults.
Needs only torch and numpy (Debian's /usr/bin/python3); see README.md.
"""
import argparse
import dataclasses
import json
import math
import os
import platform
import statistics
import struct
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

# ---------------------------------------------------------------------------------------------
# Specs (org.brainbench.api.model.*Spec records, same fields, same defaults)
# ---------------------------------------------------------------------------------------------


def java_round(x):
    """Java's Math.round: half up (Python's round() rounds half to even)."""
    return int(math.floor(x + 0.5))


@dataclasses.dataclass(frozen=True)
class Cnn3dSpec:
    """Mirrors Cnn3dSpec: SFCN trunk (classify, regress) or 3D U-Net (segment)."""
    channels: tuple = (32, 64, 128, 256, 256, 64)
    width_factor: float = 1.0
    dropout: float = 0.5
    segmentation_levels: int = 4

    has_attention = False

    def widths(self):
        return [max(1, java_round(c * self.width_factor)) for c in self.channels]


@dataclasses.dataclass(frozen=True)
class SliceCnnSpec:
    """Mirrors SliceCnnSpec (the cnn encoder only; resnet18 is not mirrored)."""
    view: str = "axial"
    encoder: str = "cnn"
    channels: tuple = (32, 64, 128, 256, 256)
    embedding: int = 32
    aggregation: str = "mean"
    position_embedding: bool = False
    imagenet_weights: str = ""

    has_attention = False


@dataclasses.dataclass(frozen=True)
class MedicalTransformerSpec:
    """Mirrors MedicalTransformerSpec (the cnn slice encoder only; no pre-training head)."""
    views: tuple = ("sagittal", "coronal", "axial")
    encoder: str = "cnn"
    encoder_channels: tuple = (16, 32, 64, 128)
    embed_dim: int = 128
    depth: int = 4
    heads: int = 4
    mlp_ratio: float = 2.0
    dropout: float = 0.1
    mask_ratio: float = 0.3
    ema_momentum: float = 0.99
    collapse_guard: bool = True

    has_attention = True

    def hidden(self):
        return java_round(self.embed_dim * self.mlp_ratio)


@dataclasses.dataclass(frozen=True)
class InflatedVitSpec:
    """Mirrors InflatedVitSpec (from-scratch weights; no 2D pre-training head)."""
    patch: int = 8
    dim: int = 128
    depth: int = 4
    heads: int = 4
    mlp_ratio: float = 2.0
    dropout: float = 0.1
    inflation: str = "centering"
    weights: str = ""
    mask_ratio: float = 0.5
    decoder_channels: int = 16

    has_attention = True

    def hidden(self):
        return java_round(self.dim * self.mlp_ratio)

    def levels(self):
        return self.patch.bit_length() - 1

    def tap(self, level):
        """The Transformer block (1-based) whose output feeds decoder level `level`."""
        return max(1, java_round(self.depth * level / self.levels()))


def java_spec_string(spec):
    """The spec as Java's record toString prints it, to compare with a fixture's case.json."""

    def value(v):
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, (tuple, list)):
            return "[" + ", ".join(value(x) for x in v) + "]"
        return str(v)

    def camel(name):
        head, *rest = name.split("_")
        return head + "".join(w.capitalize() for w in rest)

    parts = [f"{camel(f.name)}={value(getattr(spec, f.name))}" for f in dataclasses.fields(spec)]
    return f"{type(spec).__name__}[{', '.join(parts)}]"


# the quickstart's models (ParityCase#quickstartModels, suites/quickstart.yaml)
QUICKSTART = {
    "cnn3d": Cnn3dSpec(width_factor=0.25, dropout=0.2, segmentation_levels=3),
    "medical-transformer": MedicalTransformerSpec(encoder_channels=(8, 16, 32, 32), embed_dim=64, depth=2, heads=4, dropout=0.1),
    "slice-cnn": SliceCnnSpec(channels=(8, 16, 32, 64, 64), embedding=32, aggregation="attention"),
    "inflated-vit": InflatedVitSpec(patch=8, dim=64, depth=3, heads=4, decoder_channels=8, dropout=0.0),
}

# task -> (input channels, outputs), as the quickstart cases
TASKS = {"classify": (1, 2), "regress": (1, 1), "segment": (2, 4)}


@dataclasses.dataclass(frozen=True)
class TaskHead:
    """Mirrors TaskHead: task type, input channels, input grid (D, H, W) and outputs."""
    task: str
    channels: int
    shape: tuple
    outputs: int


# ---------------------------------------------------------------------------------------------
# Initialisation (NamedParameters.applyInitializers)
# ---------------------------------------------------------------------------------------------


def he(layer):
    """Init.HE: DJL's Xavier(GAUSSIAN, IN, 2) = normal with sd sqrt(2 / fan_in); bias zero."""
    nn.init.kaiming_normal_(layer.weight, mode="fan_in", nonlinearity="relu")
    if layer.bias is not None:
        nn.init.zeros_(layer.bias)
    return layer


def trunc_normal(tensor):
    """Init.TRUNC_NORMAL: DJL's TruncatedNormalInitializer(0.02), re-drawn beyond 2 sd."""
    return nn.init.trunc_normal_(tensor, std=0.02, a=-0.04, b=0.04)


def timm(layer):
    """A Transformer linear layer: truncated normal weight (sd 0.02), zero bias."""
    trunc_normal(layer.weight)
    if layer.bias is not None:
        nn.init.zeros_(layer.bias)
    return layer


def learned(*shape):
    """A learned tensor (token, position or view embedding): ParamBlock with TRUNC_NORMAL."""
    return nn.Parameter(trunc_normal(torch.empty(*shape)))


def layer_norm(dim):
    """Layers.layerNorm: LayerNorm over the last axis, eps 1e-6 as timm's ViT."""
    return nn.LayerNorm(dim, eps=1e-6)


def upsample(x):
    """Nearest 2x upsampling (the Java code repeats every axis twice: the same function)."""
    return F.interpolate(x, scale_factor=2, mode="nearest")


# ---------------------------------------------------------------------------------------------
# Building blocks
# ---------------------------------------------------------------------------------------------


class MatMul(nn.Module):
    """A (batched) matrix product as a module, so the FLOP counter's hooks see attention."""

    def forward(self, a, b):
        return torch.matmul(a, b)


class ConvBnRelu3d(nn.Sequential):
    """Layers.convBnRelu: 3D convolution (no bias; kernel 3 with padding 1, or 1), batch norm, ReLU."""

    def __init__(self, cin, cout, kernel=3):
        super().__init__()
        self.conv = he(nn.Conv3d(cin, cout, kernel, padding=kernel // 2, bias=False))
        self.bn = nn.BatchNorm3d(cout, eps=1e-5, momentum=0.1)
        self.relu = nn.ReLU(inplace=True)


class ConvNormRelu2d(nn.Sequential):
    """Layers.convBnRelu2d (batch norm) or a ConvEncoder2d level with instance norm (no affine):
    3x3 convolution without bias, the norm, ReLU."""

    def __init__(self, cin, cout, instance_norm=False):
        super().__init__()
        self.conv = he(nn.Conv2d(cin, cout, 3, padding=1, bias=False))
        if instance_norm:
            self.norm = nn.InstanceNorm2d(cout, eps=1e-5, affine=False)
        else:
            self.bn = nn.BatchNorm2d(cout, eps=1e-5, momentum=0.1)
        self.relu = nn.ReLU(inplace=True)


class ConvEncoder2d(nn.Module):
    """ConvEncoder2d: levels of conv-norm-ReLU over slices (N, C, h, w), 2x max-pooling between
    levels and, if asked, after the last. Returns (every level's features, the final output)."""

    def __init__(self, cin, channels, instance_norm, pool_last):
        super().__init__()
        self.pool_last = pool_last
        ins = [cin] + list(channels[:-1])
        self.blocks = nn.ModuleList(ConvNormRelu2d(i, o, instance_norm) for i, o in zip(ins, channels))

    def forward(self, x):
        levels = []
        for i, block in enumerate(self.blocks):
            if i > 0:
                x = F.max_pool2d(x, 2)
            x = block(x)
            levels.append(x)
        return levels, F.max_pool2d(x, 2) if self.pool_last else x


class Attention(nn.Module):
    """The attention half of TransformerBlock: fused qkv, scaled dot-product attention over the
    heads (written out, so both batched matmuls are counted), output projection (timm names)."""

    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.scale = 1.0 / math.sqrt(dim // heads)
        self.qkv = timm(nn.Linear(dim, 3 * dim))
        self.proj = timm(nn.Linear(dim, dim))
        self.scores = MatMul()
        self.mix = MatMul()

    def forward(self, x):
        b, t, e = x.shape
        q, k, v = self.qkv(x).reshape(b, t, 3, self.heads, e // self.heads).permute(2, 0, 3, 1, 4).unbind(0)
        attn = (self.scores(q, k.transpose(-2, -1)) * self.scale).softmax(-1)
        return self.proj(self.mix(attn, v).transpose(1, 2).reshape(b, t, e))


class Mlp(nn.Module):
    """The MLP half of TransformerBlock: fc1, GELU, dropout, fc2 (timm names)."""

    def __init__(self, dim, hidden, dropout):
        super().__init__()
        self.fc1 = timm(nn.Linear(dim, hidden))
        self.fc2 = timm(nn.Linear(hidden, dim))
        self.drop = nn.Dropout(dropout)

    def forward(self, x):
        return self.fc2(self.drop(F.gelu(self.fc1(x))))


class TransformerBlock(nn.Module):
    """TransformerBlock: pre-norm timm layout, x + drop(attn(norm1(x))), x + drop(mlp(norm2(x)))."""

    def __init__(self, dim, hidden, heads, dropout):
        super().__init__()
        self.norm1 = layer_norm(dim)
        self.attn = Attention(dim, heads)
        self.norm2 = layer_norm(dim)
        self.mlp = Mlp(dim, hidden, dropout)
        self.drop = nn.Dropout(dropout)

    def forward(self, x):
        x = x + self.drop(self.attn(self.norm1(x)))
        return x + self.drop(self.mlp(self.norm2(x)))


# views: the axis of (D, H, W) the slices are taken along (View.java)
VIEW_AXIS = {"sagittal": 2, "coronal": 1, "axial": 0}


def to_slices(x, view):
    """SliceOps.toSlices: (B, C, D, H, W) to (B * S, C, h, w), slice by slice along the view's axis."""
    b, c = x.shape[:2]
    axis = 2 + VIEW_AXIS[view]
    rest = [a for a in (2, 3, 4) if a != axis]
    x = x.permute(0, axis, 1, *rest)
    return x.reshape(b * x.shape[1], c, x.shape[3], x.shape[4])


def from_slices(y, view, batch):
    """SliceOps.fromSlices: (B * S, K, h, w) back to (B, K, D, H, W)."""
    n, k, h, w = y.shape
    y = y.reshape(batch, n // batch, k, h, w)
    order = {"axial": (0, 2, 1, 3, 4), "coronal": (0, 2, 3, 1, 4), "sagittal": (0, 2, 3, 4, 1)}[view]
    return y.permute(*order)


# ---------------------------------------------------------------------------------------------
# Models
# ---------------------------------------------------------------------------------------------


class Cnn3d(nn.Module):
    """Cnn3dBlocks (classify, regress): SFCN blocks of conv-BN-ReLU with 2x max-pooling (the last
    block 1x1x1, no pooling), global average pooling, dropout, linear head."""

    def __init__(self, spec, head):
        super().__init__()
        widths = spec.widths()
        ins = [head.channels] + widths[:-1]
        last = len(widths) - 1
        self.blocks = nn.ModuleList(ConvBnRelu3d(i, o, 1 if b == last else 3) for b, (i, o) in enumerate(zip(ins, widths)))
        self.dropout = nn.Dropout(spec.dropout)
        self.head = he(nn.Linear(widths[-1], head.outputs))

    def forward(self, x):
        for b, block in enumerate(self.blocks):
            x = block(x)
            if b < len(self.blocks) - 1:
                x = F.max_pool3d(x, 2)
        return self.head(self.dropout(x.mean((2, 3, 4))))


class UNet3d(nn.Module):
    """UNet3dBlock (cnn3d segment): encoder levels with 2x max-pooling between them, decoder levels
    (nearest 2x upsampling, concatenation of the encoder's features, conv-BN-ReLU), a 1x1x1
    convolution to class logits."""

    def __init__(self, spec, head):
        super().__init__()
        w = spec.widths()[: spec.segmentation_levels]
        self.encoder = nn.ModuleList(ConvBnRelu3d(i, o) for i, o in zip([head.channels] + w[:-1], w))
        # decoder[l] works at level l: it takes level l+1's output upsampled and level l's skip
        self.decoder = nn.ModuleList(ConvBnRelu3d(w[l + 1] + w[l], w[l]) for l in range(len(w) - 1))
        self.head = he(nn.Conv3d(w[0], head.outputs, 1))

    def forward(self, x):
        skips = []
        for l, block in enumerate(self.encoder):
            x = block(x if l == 0 else F.max_pool3d(x, 2))
            skips.append(x)
        for l in reversed(range(len(self.decoder))):
            x = self.decoder[l](torch.cat([upsample(x), skips[l]], 1))
        return self.head(x)


class SliceCnnEncoder(ConvEncoder2d):
    """SliceCnnBlock's encoder: ConvEncoder2d with instance norm, plus (classify, regress) the 1x1
    convolution to the embedding (encoder.embed)."""

    def __init__(self, cin, channels, embedding, segment):
        super().__init__(cin, channels, instance_norm=True, pool_last=not segment)
        self.embed = None if segment else he(nn.Conv2d(channels[-1], embedding, 1))


class AttentionPooling(nn.Module):
    """SliceCnnBlock's attention aggregation (Ilse et al. 2018): softmax over slices of
    w . tanh(V h + b), then the weighted sum of the slice embeddings."""

    def __init__(self, dim):
        super().__init__()
        self.fc1 = he(nn.Linear(dim, dim))
        self.fc2 = he(nn.Linear(dim, 1, bias=False))

    def forward(self, h):
        a = self.fc2(torch.tanh(self.fc1(h))).softmax(1)  # (B, S, 1)
        return (h * a).sum(1)


class SliceUNetDecoder2d(nn.Module):
    """SliceCnnBlock's segmentation decoder: per level, upsample 2x, concatenate the encoder's
    features, 3x3 conv, instance norm, ReLU; a 1x1 convolution to classes."""

    def __init__(self, channels, classes):
        super().__init__()
        c = list(channels)
        self.blocks = nn.ModuleList(ConvNormRelu2d(c[i + 1] + c[i], c[i], instance_norm=True) for i in range(len(c) - 1))
        self.head = he(nn.Conv2d(c[0], classes, 1))

    def forward(self, levels):
        y = levels[-1]
        for i in reversed(range(len(self.blocks))):
            y = self.blocks[i](torch.cat([upsample(y), levels[i]], 1))
        return self.head(y)


class SliceCnn(nn.Module):
    """SliceCnnBlock: a shared 2D encoder over the slices of one view, then mean, max or attention
    aggregation of the slice embeddings and a linear head; or a per-slice 2D U-Net (segment)."""

    def __init__(self, spec, head):
        super().__init__()
        if spec.encoder != "cnn":
            raise NotImplementedError("only the cnn slice encoder is mirrored")
        self.view = spec.view
        self.embedding = spec.embedding
        self.aggregation = spec.aggregation
        segment = head.task == "segment"
        self.encoder = SliceCnnEncoder(head.channels, spec.channels, spec.embedding, segment)
        if segment:
            self.decoder = SliceUNetDecoder2d(spec.channels, head.outputs)
            return
        if spec.position_embedding:
            self.pos_embed = learned(head.shape[VIEW_AXIS[spec.view]], spec.embedding)
        else:
            self.pos_embed = None
        self.attention = AttentionPooling(spec.embedding) if spec.aggregation == "attention" else None
        self.head = he(nn.Linear(spec.embedding, head.outputs))

    def forward(self, x):
        b = x.shape[0]
        levels, last = self.encoder(to_slices(x, self.view))
        if self.encoder.embed is None:
            return from_slices(self.decoder(levels), self.view, b)
        h = self.encoder.embed(last).mean((2, 3)).reshape(b, -1, self.embedding)  # (B, S, E)
        if self.pos_embed is not None:
            h = h + self.pos_embed
        if self.aggregation == "attention":
            pooled = self.attention(h)
        elif self.aggregation == "max":
            pooled = h.amax(1)
        else:
            pooled = h.mean(1)
        return self.head(pooled)


class SliceEmbedder(ConvEncoder2d):
    """SliceEmbedder (cnn): ConvEncoder2d with batch norm, global average pooling and a linear map
    to the token width (encoder.proj). Returns (embeddings (N, E), every level's features)."""

    def __init__(self, cin, channels, embed_dim):
        super().__init__(cin, channels, instance_norm=False, pool_last=False)
        self.proj = he(nn.Linear(channels[-1], embed_dim))

    def forward(self, x):
        levels, last = super().forward(x)
        return self.proj(last.mean((2, 3))), levels


class MedicalTransformerDecoder(nn.Module):
    """MedicalTransformerBlock#segment: per view, each slice's token (projected to the deepest
    encoder width) is added to its deepest feature map; levels of upsample, concatenate,
    conv-BN-ReLU; a 1x1 convolution; the views' softmax probabilities are averaged and returned as
    log-probabilities."""

    def __init__(self, embed_dim, channels, classes):
        super().__init__()
        c = list(channels)
        self.token = he(nn.Linear(embed_dim, c[-1]))
        self.blocks = nn.ModuleList(ConvNormRelu2d(c[i + 1] + c[i], c[i]) for i in range(len(c) - 1))
        self.head = he(nn.Conv2d(c[0], classes, 1))

    def forward(self, tokens, features, views, b):
        probabilities = 0
        offset = 0
        for view, levels in zip(views, features):
            slices = levels[0].shape[0] // b
            t = self.token(tokens[:, offset:offset + slices].reshape(b * slices, -1))
            offset += slices
            y = levels[-1] + t[:, :, None, None]
            for i in reversed(range(len(self.blocks))):
                y = self.blocks[i](torch.cat([upsample(y), levels[i]], 1))
            probabilities = probabilities + from_slices(self.head(y), view, b).softmax(1)
        return (probabilities / len(views) + 1e-7).log()


class MedicalTransformer(nn.Module):
    """MedicalTransformerBlock: a shared 2D CNN embeds every slice of each view; slice-position and
    view embeddings are added, a [CLS] token prepended, pre-norm Transformer blocks, a final
    LayerNorm; a linear head on [CLS], or the 2D decoder fused over views (segment)."""

    def __init__(self, spec, head):
        super().__init__()
        if spec.encoder != "cnn":
            raise NotImplementedError("only the cnn slice encoder is mirrored")
        e = spec.embed_dim
        self.views = list(spec.views)
        self.embed_dim = e
        self.encoder = SliceEmbedder(head.channels, spec.encoder_channels, e)
        self.cls_token = learned(1, 1, e)
        self.view_embed = learned(len(self.views), e)
        self.pos_embed = nn.ParameterDict({v: learned(head.shape[VIEW_AXIS[v]], e) for v in self.views})
        self.blocks = nn.ModuleList(TransformerBlock(e, spec.hidden(), spec.heads, spec.dropout) for _ in range(spec.depth))
        self.norm = layer_norm(e)
        if head.task == "segment":
            self.head = None
            self.decoder = MedicalTransformerDecoder(e, spec.encoder_channels, head.outputs)
        else:
            self.head = timm(nn.Linear(e, head.outputs))

    def positions(self):
        """View and slice-position embeddings of the tokens of all views, (1, T, E)."""
        return torch.cat([self.pos_embed[v] + self.view_embed[i] for i, v in enumerate(self.views)], 0).unsqueeze(0)

    def forward(self, x):
        b = x.shape[0]
        embeddings, features = [], []
        for v in self.views:
            embedding, levels = self.encoder(to_slices(x, v))
            embeddings.append(embedding.reshape(b, -1, self.embed_dim))
            features.append(levels)
        tokens = torch.cat(embeddings, 1) + self.positions()
        seq = torch.cat([self.cls_token.expand(b, -1, -1), tokens], 1)
        for block in self.blocks:
            seq = block(seq)
        seq = self.norm(seq)
        if self.head is not None:
            return self.head(seq[:, 0])
        return self.decoder(seq[:, 1:], features, self.views, b)


class PatchEmbed3d(nn.Module):
    """VitTrunk.patchEmbedding (3D): a convolution of patch^3 voxels with stride patch (proj)."""

    def __init__(self, cin, dim, patch):
        super().__init__()
        self.proj = he(nn.Conv3d(cin, dim, patch, stride=patch))

    def forward(self, x):
        return self.proj(x).flatten(2).transpose(1, 2)  # (B, T, E)


class UnetrDecoder(nn.Module):
    """InflatedVitBlock's UNETR-style decoder: hidden states of tapped blocks upsampled to 1/2^j
    resolution (chains of upsample + conv-BN-ReLU), a conv block on the input at full resolution,
    and a decoder that upsamples the last (normalised) state level by level and fuses the skips."""

    def __init__(self, spec, head):
        super().__init__()
        n, f, dim = spec.levels(), spec.decoder_channels, spec.dim
        self.spec = spec
        self.enc0 = ConvBnRelu3d(head.channels, f)
        self.skips = nn.ModuleDict({
            str(j): nn.ModuleList(ConvBnRelu3d(dim if k == 0 else f << j, f << j) for k in range(n - j)) for j in range(1, n)})
        self.ups = nn.ModuleList(ConvBnRelu3d(dim if j == n - 1 else f << (j + 1), f << j) for j in range(n))
        self.fuse = nn.ModuleList(ConvBnRelu3d(2 * (f << j), f << j) for j in range(n))
        self.head = he(nn.Conv3d(f, head.outputs, 1))

    def grid(self, hidden, x):
        """Patch tokens of a hidden state (B, 1 + T, E) as a grid (B, E, d, h, w)."""
        p = self.spec.patch
        return hidden[:, 1:].transpose(1, 2).reshape(x.shape[0], -1, x.shape[2] // p, x.shape[3] // p, x.shape[4] // p)

    def forward(self, x, hidden, last):
        y = self.grid(last, x)
        for j in reversed(range(len(self.ups))):
            y = self.ups[j](upsample(y))
            if j == 0:
                skip = self.enc0(x)
            else:
                skip = self.grid(hidden[self.spec.tap(j) - 1], x)
                for block in self.skips[str(j)]:
                    skip = block(upsample(skip))
            y = self.fuse[j](torch.cat([y, skip], 1))
        return self.head(y)


class InflatedVit(nn.Module):
    """InflatedVitBlock with VitTrunk: 3D patch embedding, [CLS] token, position embeddings,
    pre-norm Transformer blocks, final LayerNorm; a linear head on the mean of the patch tokens,
    or the UNETR-style decoder (segment)."""

    def __init__(self, spec, head):
        super().__init__()
        tokens = math.prod(s // spec.patch for s in head.shape)
        self.patch_embed = PatchEmbed3d(head.channels, spec.dim, spec.patch)
        self.cls_token = learned(1, 1, spec.dim)
        self.pos_embed = learned(1, 1 + tokens, spec.dim)
        self.blocks = nn.ModuleList(TransformerBlock(spec.dim, spec.hidden(), spec.heads, spec.dropout) for _ in range(spec.depth))
        self.norm = layer_norm(spec.dim)
        if head.task == "segment":
            self.head = None
            self.decoder = UnetrDecoder(spec, head)
        else:
            self.head = timm(nn.Linear(spec.dim, head.outputs))

    def forward(self, x):
        tokens = self.patch_embed(x)
        seq = torch.cat([self.cls_token.expand(x.shape[0], -1, -1), tokens], 1) + self.pos_embed
        hidden = []
        for block in self.blocks:
            seq = block(seq)
            hidden.append(seq)
        last = self.norm(seq)
        if self.head is not None:
            return self.head(last[:, 1:].mean(1))  # mean of the patch tokens, not [CLS]
        return self.decoder(x, hidden, last)


def build_model(model_id, head, spec=None):
    """The PyTorch model of a brainbench model id and task head (the quickstart spec by default)."""
    spec = spec or QUICKSTART[model_id]
    if model_id == "cnn3d":
        return UNet3d(spec, head) if head.task == "segment" else Cnn3d(spec, head)
    return {"slice-cnn": SliceCnn, "medical-transformer": MedicalTransformer, "inflated-vit": InflatedVit}[model_id](spec, head)


def quickstart_head(task, size):
    channels, outputs = TASKS[task]
    return TaskHead(task, channels, (size, size, size), outputs)


def neutral_state(model):
    """The model's state under brainbench's neutral names: parameters and batch-norm running
    statistics (PyTorch's extra num_batches_tracked counters are not part of it)."""
    return {k: v for k, v in model.state_dict().items() if not k.endswith("num_batches_tracked")}


# ---------------------------------------------------------------------------------------------
# Loss (TaskLoss), training step (DjlModel.trainStep), FLOPs
# ---------------------------------------------------------------------------------------------

DICE_SMOOTH = 1e-5


def task_loss(task, out, target):
    """TaskLoss: classify cross-entropy; regress L1 (TrainingConfig.defaults); segment
    cross-entropy (mean over voxels) + 1 - mean soft Dice of the foreground classes over the batch."""
    if task == "classify":
        return F.cross_entropy(out, target)
    if task == "regress":
        return (out.reshape(-1) - target.reshape(-1)).abs().mean()
    k = out.shape[1]
    one_hot = F.one_hot(target, k).permute(0, 4, 1, 2, 3).to(out.dtype)
    log_prob = out.log_softmax(1)
    ce = -(log_prob * one_hot).sum(1).mean()
    prob = log_prob.exp()
    dims = (0, 2, 3, 4)
    intersection = (prob * one_hot).sum(dims)
    total = prob.sum(dims) + one_hot.sum(dims)
    dice = (2 * intersection + DICE_SMOOTH) / (total + DICE_SMOOTH)
    return ce + 1 - dice[1:].mean()


def train_step(model, optimizer, task, x, target, clip=1.0):
    """DjlModel.trainStep: train-mode forward, loss (read back, as the harness does), backward,
    global-norm gradient clipping, AdamW update, gradients cleared."""
    loss = task_loss(task, model(x), target)
    value = loss.item()
    loss.backward()
    nn.utils.clip_grad_norm_(model.parameters(), clip)
    optimizer.step()
    optimizer.zero_grad(set_to_none=True)
    return value


def forward_flops(model, x):
    """Forward FLOPs of one batch: 2 x multiply-accumulates of every convolution, linear layer and
    attention matmul, from the shapes seen by forward hooks (norms, activations, pooling excluded)."""
    total = 0

    def hook(module, inputs, output):
        nonlocal total
        if isinstance(module, (nn.Conv2d, nn.Conv3d, nn.ConvTranspose2d, nn.ConvTranspose3d)):
            if isinstance(module, (nn.ConvTranspose2d, nn.ConvTranspose3d)):
                macs = inputs[0].numel() * module.out_channels // module.groups
            else:
                macs = output.numel() * module.in_channels // module.groups
            total += 2 * macs * math.prod(module.kernel_size)
        elif isinstance(module, nn.Linear):
            total += 2 * output.numel() * module.in_features
        elif isinstance(module, MatMul):
            total += 2 * output.numel() * inputs[0].shape[-1]

    handles = [m.register_forward_hook(hook) for m in model.modules()]
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            model(x)
    finally:
        model.train(was_training)
        for h in handles:
            h.remove()
    return total


def harness_threads(spec):
    """The harness's intra-op threads: 1 for models with attention, else all cores (DjlModel)."""
    return 1 if spec.has_attention else len(os.sched_getaffinity(0))


def set_threads(threads):
    if torch.get_num_threads() != threads:
        torch.set_num_threads(threads)


# ---------------------------------------------------------------------------------------------
# safetensors (by hand: 8-byte little-endian header length, JSON header, raw little-endian data)
# ---------------------------------------------------------------------------------------------


def read_safetensors(path):
    raw = Path(path).read_bytes()
    (length,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + length])
    header.pop("__metadata__", None)
    tensors = {}
    for name, info in header.items():
        if info["dtype"] != "F32":
            raise ValueError(f"{path}: {name} is {info['dtype']}, only F32 is read")
        start, end = info["data_offsets"]
        data = np.frombuffer(raw, dtype="<f4", count=(end - start) // 4, offset=8 + length + start)
        tensors[name] = torch.from_numpy(data.reshape(info["shape"]).astype(np.float32))
    return tensors


# ---------------------------------------------------------------------------------------------
# Subcommands
# ---------------------------------------------------------------------------------------------


def check_case(folder):
    """Checks one fixture case; returns (problems, max|diff| / max|ref|, parameter count)."""
    case = json.loads((folder / "case.json").read_text())
    head = TaskHead(case["task"], case["inputChannels"], tuple(case["shape"]), case["outputs"])
    spec = QUICKSTART[case["model"]]
    problems = []
    if java_spec_string(spec) != case["spec"]:
        problems.append(f"spec differs: {java_spec_string(spec)} vs {case['spec']}")
    set_threads(case.get("threads", 1))
    torch.manual_seed(0)
    model = build_model(case["model"], head, spec)

    mine = {n: (list(p.shape), p.requires_grad) for n, p in model.named_parameters()}
    theirs = {p["name"]: (p["shape"], p["trainable"]) for p in case["parameters"]}
    for name in sorted(mine.keys() - theirs.keys()):
        problems.append(f"extra parameter {name}")
    for name in sorted(theirs.keys() - mine.keys()):
        problems.append(f"missing parameter {name}")
    for name in sorted(mine.keys() & theirs.keys()):
        if mine[name] != theirs[name]:
            problems.append(f"{name}: {mine[name]} vs {theirs[name]}")
    count = sum(p.numel() for p in model.parameters())
    if count != case["specCount"]:
        problems.append(f"parameter count {count} vs specCount {case['specCount']}")

    weights = read_safetensors(folder / "weights.safetensors")
    state = neutral_state(model)
    for name in sorted(state.keys() - weights.keys()):
        problems.append(f"weights lack {name}")
    for name in sorted(weights.keys() - state.keys()):
        problems.append(f"weights name unknown {name}")
    for name in sorted(state.keys() & weights.keys()):
        if state[name].shape != weights[name].shape:
            problems.append(f"{name}: shape {list(state[name].shape)} vs weights {list(weights[name].shape)}")
    if problems:
        return problems, float("nan"), count
    with torch.no_grad():
        for name, value in weights.items():
            state[name].copy_(value)

    batch = read_safetensors(folder / "batch.safetensors")
    model.eval()
    with torch.no_grad():
        out = model(batch["images"]).reshape(batch["outputs"].shape[0], -1)
    ref = batch["outputs"]
    if out.shape != ref.shape:
        return [f"output shape {list(out.shape)} vs {list(ref.shape)}"], float("nan"), count
    rel = ((out - ref).abs().max() / ref.abs().max()).item()
    return problems, rel, count


def cmd_check(args):
    folders = sorted(p.parent for p in Path(args.fixtures).glob("*/case.json"))
    if not folders:
        sys.exit(f"no */case.json under {args.fixtures}")
    failed = 0
    for folder in folders:
        problems, rel, count = check_case(folder)
        ok = not problems and rel <= args.tolerance
        failed += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {folder.name:32s} params {count:>8d}  max|diff|/max|ref| {rel:.2e}")
        for p in problems[:20]:
            print(f"     {p}")
    print(f"{len(folders) - failed}/{len(folders)} cases agree (tolerance {args.tolerance:g})")
    sys.exit(1 if failed else 0)


def random_batch(task, head, batch, generator):
    x = torch.randn(batch, head.channels, *head.shape, generator=generator)
    if task == "classify":
        y = torch.arange(batch) % 2
    elif task == "regress":
        y = torch.randn(batch, generator=generator)
    else:
        y = torch.randint(0, head.outputs, (batch, *head.shape), generator=generator)
    return x, y


def all_cases():
    return [f"{m}/{t}" for m in QUICKSTART for t in TASKS]


def time_case(name, args):
    model_id, task = name.split("/")
    spec = QUICKSTART[model_id]
    head = quickstart_head(task, args.size)
    threads = args.threads or harness_threads(spec)
    set_threads(threads)
    torch.manual_seed(args.seed)
    model = build_model(model_id, head, spec).train()
    # DJL's AdamW decays every parameter (norms and biases too); betas and eps are DJL's defaults
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-4)
    x, y = random_batch(task, head, args.batch, torch.Generator().manual_seed(args.seed))
    flops = forward_flops(model, x)
    for _ in range(args.warmup):
        train_step(model, optimizer, task, x, y)
    times = []
    for _ in range(args.steps):
        start = time.perf_counter()
        train_step(model, optimizer, task, x, y)
        times.append(time.perf_counter() - start)
    median = statistics.median(times)
    return {
        "case": name,
        "size": args.size,
        "batch": args.batch,
        "threads": threads,
        "paramsTotal": sum(p.numel() for p in model.parameters()),
        "paramsTrainable": sum(p.numel() for p in model.parameters() if p.requires_grad),
        "msPerStepMedian": round(median * 1e3, 3),
        "msPerStepMean": round(statistics.fmean(times) * 1e3, 3),
        "volumesPerSecond": round(args.batch / median, 3),
        "forwardFlops": flops,
        "trainFlops": 3 * flops,
        "steps": args.steps,
        "torch": torch.__version__,
        "python": platform.python_version(),
    }


def cmd_steps(args):
    cases = args.cases.split(",") if args.cases else all_cases()
    unknown = [c for c in cases if c not in all_cases()]
    if unknown:
        sys.exit(f"unknown cases {unknown}; known: {', '.join(all_cases())}")
    results = []
    print(f"{'case':30s} {'thr':>3s} {'params':>8s} {'ms/step':>10s} {'mean':>10s} {'vol/s':>8s} {'GFLOP/step':>10s} {'GFLOP/s':>8s}")
    for name in cases:
        r = time_case(name, args)
        results.append(r)
        gflops = r["trainFlops"] / 1e9
        print(f"{name:30s} {r['threads']:>3d} {r['paramsTotal']:>8d} {r['msPerStepMedian']:>10.1f} {r['msPerStepMean']:>10.1f} "
              f"{r['volumesPerSecond']:>8.2f} {gflops:>10.2f} {gflops / (r['msPerStepMedian'] / 1e3):>8.2f}", flush=True)
    if args.json:
        path = Path(args.json)
        if args.update and path.exists():
            results = merge_steps(json.loads(path.read_text()), results, args.best)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(results, indent=2) + "\n")
        tmp.replace(path)


def merge_steps(existing, fresh, best):
    """Rows of an earlier steps file with the fresh ones in place of the same case, size and batch
    (with best, only where the fresh one is faster: bin/bench compare keeps each case's best round)."""
    key = lambda r: (r["case"], r["size"], r["batch"])
    rows = {key(r): r for r in existing}
    for r in fresh:
        old = rows.get(key(r))
        if old is None or not best or r["msPerStepMedian"] < old["msPerStepMedian"]:
            rows[key(r)] = r
    return list(rows.values())


def cmd_profile(args):
    """Per-op self time of the training step under torch.profiler, in the shape brainbench's
    OpProfile writes for DJL, so the two tables can be joined op by op."""
    from torch.profiler import ProfilerActivity, profile

    name = args.case
    if name not in all_cases():
        sys.exit(f"unknown case {name}; known: {', '.join(all_cases())}")
    model_id, task = name.split("/")
    spec = QUICKSTART[model_id]
    head = quickstart_head(task, args.size)
    set_threads(harness_threads(spec))
    torch.manual_seed(args.seed)
    model = build_model(model_id, head, spec).train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-4)
    x, y = random_batch(task, head, args.batch, torch.Generator().manual_seed(args.seed))
    for _ in range(args.warmup):
        train_step(model, optimizer, task, x, y)
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        start = time.perf_counter()
        for _ in range(args.steps):
            train_step(model, optimizer, task, x, y)
        elapsed = time.perf_counter() - start
    ops = sorted(prof.key_averages(), key=lambda e: -e.self_cpu_time_total)
    result = {
        "case": name,
        "size": args.size,
        "batch": args.batch,
        "msPerStep": elapsed * 1e3 / args.steps,
        "ops": {e.key: {"calls": e.count / args.steps, "selfMs": e.self_cpu_time_total / 1e3 / args.steps} for e in ops},
        "torch": torch.__version__,
    }
    print(f"{name} {args.size}^3 batch {args.batch}: {result['msPerStep']:.1f} ms/step (under the profiler)")
    for key, op in list(result["ops"].items())[:25]:
        print(f"{key[:48]:48s} {op['calls']:8.1f} {op['selfMs']:10.2f}")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1) + "\n")


def cmd_matmul(args):
    threads = args.threads or 2
    set_threads(threads)
    n = args.n
    a, b = torch.randn(n, n), torch.randn(n, n)
    c = torch.empty(n, n)
    for _ in range(3):
        torch.mm(a, b, out=c)
    rates = []
    for _ in range(args.runs):
        start = time.perf_counter()
        torch.mm(a, b, out=c)
        rates.append(2 * n ** 3 / (time.perf_counter() - start) / 1e9)
    result = {
        "n": n,
        "threads": threads,
        "runs": args.runs,
        "gflopsBest": round(max(rates), 2),
        "gflopsMedian": round(statistics.median(rates), 2),
        "torch": torch.__version__,
        "python": platform.python_version(),
    }
    print(f"matmul {n}x{n} float32, {threads} threads: best {result['gflopsBest']:.1f} GFLOP/s, median {result['gflopsMedian']:.1f} GFLOP/s")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)

    check = sub.add_parser("check", help="compare with brainbench's reference fixtures")
    check.add_argument("--fixtures", required=True, help="folder of <model>__<task>/ case folders")
    check.add_argument("--tolerance", type=float, default=1e-4, help="largest max|diff| / max|ref| (default 1e-4)")
    check.set_defaults(run=cmd_check)

    steps = sub.add_parser("steps", help="time the training step per model and task")
    steps.add_argument("--size", type=int, required=True, help="cubic input side (a multiple of 16, at least 32)")
    steps.add_argument("--batch", type=int, default=8)
    steps.add_argument("--steps", type=int, default=20, help="timed steps")
    steps.add_argument("--warmup", type=int, default=5, help="untimed steps first")
    steps.add_argument("--cases", help="comma-separated model/task (default: all 12)")
    steps.add_argument("--threads", type=int, help="intra-op threads for every case (default: as the harness)")
    steps.add_argument("--seed", type=int, default=0)
    steps.add_argument("--json", help="write the results here")
    steps.add_argument("--update", action="store_true", help="merge into --json: replace the rows of the same case/size/batch, keep the rest")
    steps.add_argument("--best", action="store_true", help="with --update: replace a row only if the new one is faster")
    steps.set_defaults(run=cmd_steps)

    prof = sub.add_parser("profile", help="per-op self time of one case's training step (torch.profiler)")
    prof.add_argument("case", help="model/task, e.g. slice-cnn/segment")
    prof.add_argument("--size", type=int, required=True, help="cubic input side")
    prof.add_argument("--batch", type=int, default=4)
    prof.add_argument("--steps", type=int, default=5, help="profiled steps")
    prof.add_argument("--warmup", type=int, default=3, help="unprofiled steps first")
    prof.add_argument("--seed", type=int, default=0)
    prof.add_argument("--json", help="write the per-step op table here")
    prof.set_defaults(run=cmd_profile)

    matmul = sub.add_parser("matmul", help="float32 square matmul GFLOP/s")
    matmul.add_argument("--n", type=int, default=1024)
    matmul.add_argument("--threads", type=int, help="intra-op threads (default 2)")
    matmul.add_argument("--runs", type=int, default=20)
    matmul.add_argument("--json", help="write the result here")
    matmul.set_defaults(run=cmd_matmul)

    args = parser.parse_args()
    # one inter-op thread, as the harness starts PyTorch; must precede any parallel work
    torch.set_num_interop_threads(1)
    args.run(args)


if __name__ == "__main__":
    main()
