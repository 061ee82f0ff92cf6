#!/usr/bin/python3
"""2D-slice set networks (Gupta et al., ISBI 2021; ISBI 2023 follow-up) written again, for brainbench's
`slice-cnn` model under protocol `gupta2021`.

The module tree is laid out so that `state_dict()` keys are exactly the authors' keys at
umgupta/2d-slice-set-networks@4c361a9 (tag v2.0): src/arch/ukbb/brain_age_slice_set.py (MRI2DSlice)
with src/arch/slice_cnn_utils.py (Encoder1_2D, PooledAttention, PositionEncodingUKBB, ResNetEncoder),
e.g. `encoder_2d.encoder_2d.0.0.weight`, `encoder_2d.post_proc_conv.0.bias`,
`encoder_2d.position_encoder.position_encoding`, `encoder_2d.post_position_encoding.1.weight`,
`pooled_attention.S`, `pooled_attention.fc_k.weight`, `pooled_attention.ln0.weight`,
`pooled_attention.fc_o.bias`, `attn_post.weight`, `regressor.1.bias`; with a ResNet encoder
`encoder_2d.encoder_2d.layer2.0.downsample.0.weight` (torchvision's names, `fc` deleted) and
`encoder_2d.post_proc.0.weight`.

    /usr/bin/python3 tools/authors-reference/slice_set.py count
    /usr/bin/python3 tools/authors-reference/slice_set.py fixtures --out tools/authors-reference/fixtures
    /usr/bin/python3 tools/authors-reference/slice_set.py check --fixtures tools/authors-reference/fixtures
    /usr/bin/python3 tools/authors-reference/slice_set.py authors --src /tmp/authors_gupta [--fixtures DIR]

Extensions over the authors' code (none changes a state-dict key): encoder widths, the post-processing
width and the volume shape are parameters (the authors hard-code 32..256, 64 and 91x109x91); the
average-pool kernel and the position-encoding length follow from the volume shape. At the authors'
settings every shape equals theirs.
"""
import argparse
import json
import math
import sys
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent))
import safetensors_io  # noqa: E402

MNI_2MM = (91, 109, 91)
ENCODER1_CHANNELS = (32, 64, 128, 256, 256)
POST_CHANNELS = 64
UKB_MEAN_AGE = 62.68  # the regressor bias the authors hard-code for UK Biobank (ADNI: 0.0)
RESNET_LAYOUTS = {"resnet18": (2, 2, 2, 2), "resnet34": (3, 4, 6, 3)}
RESNET_WIDTHS = (64, 128, 256, 512)


def st_save(tensors, path, metadata=None):
    safetensors_io.save(str(path), {k: v.detach().cpu().contiguous() if hasattr(v, "detach") else v for k, v in tensors.items()}, metadata)


def st_load(path):
    tensors, _ = safetensors_io.load(str(path))
    return {k: torch.from_numpy(v) for k, v in tensors.items()}


def halve(shape, times):
    s = list(shape)
    for _ in range(times):
        s = [v // 2 for v in s]
    return tuple(s)


def slice_image_shape(volume_shape, slice_dim):
    """The 2D image of one slice: the two other axes in their original order (H, W, D) minus axis slice_dim."""
    return tuple(v for i, v in enumerate(volume_shape) if i != slice_dim - 1)


# ---------------------------------------------------------------------------------------------
# Encoder 1 (the ISBI 2021 slice encoder) and the position encoding
# ---------------------------------------------------------------------------------------------


class PositionEncoding(nn.Module):
    """A learned (F, S) table added to the per-slice features, then LayerNorm over (F, S) jointly.

    Parameter `position_encoding` has shape [1, F, S, 1, 1] (slice_dim 1), [1, F, 1, S, 1] (2) or
    [1, F, 1, 1, S] (3); `ln` is LayerNorm(shape[1:]) (elementwise affine of that shape, eps 1e-5), so
    the mean and variance are taken over all features AND all slices of one subject.
    Input/output: (S*B, F, 1, 1), slice-major (row s*B + b).
    """

    def __init__(self, feature_dim, slice_dim, n_slices):
        super().__init__()
        sizes = [1, feature_dim, 1, 1, 1]
        sizes[1 + slice_dim] = n_slices
        self.position_encoding = nn.Parameter(torch.zeros(*sizes))
        nn.init.kaiming_normal_(self.position_encoding, mode="fan_out", nonlinearity="linear")
        self.ln = nn.LayerNorm(sizes[1:])
        self.slice_dim = slice_dim
        self.n_slices = n_slices
        self.feature_dim = feature_dim

    def forward(self, x):
        n, f = x.shape[0], x.shape[1]
        s = self.n_slices
        b = n // s
        e = x.reshape(s, b, f).permute(1, 2, 0)  # (B, F, S)
        shape5 = [b, f, 1, 1, 1]
        shape5[1 + self.slice_dim] = s
        e = self.ln(e.reshape(shape5) + self.position_encoding)
        return e.reshape(b, f, s).permute(2, 0, 1).reshape(n, f, 1, 1)


def _encoder1_block(cin, cout):
    """conv3x3 (pad 1, stride 1, bias) -> InstanceNorm2d (no affine, no running stats) -> maxpool 2 -> ReLU"""
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1, stride=1), nn.InstanceNorm2d(cout),
                         nn.MaxPool2d(2, stride=2), nn.ReLU())


class Encoder1(nn.Module):
    """Per slice: 5 blocks -> conv1x1 256->64 (bias) -> InstanceNorm -> ReLU -> AvgPool (to 1x1)
    -> [position encoding + LayerNorm] -> [Dropout 0.5] -> conv1x1 64->out_size (bias). Output (N, out_size, 1, 1)."""

    def __init__(self, out_size, slice_dim, image_shape, n_slices, use_position_encoding=False, in_channel=1,
                 dropout=False, channels=ENCODER1_CHANNELS, post_channels=POST_CHANNELS):
        super().__init__()
        blocks, cin = [], in_channel
        for c in channels:
            blocks.append(_encoder1_block(cin, c))
            cin = c
        self.encoder_2d = nn.Sequential(*blocks)
        avg = halve(image_shape, len(channels))
        if min(avg) < 1:
            raise ValueError(f"slice image {image_shape} is too small for {len(channels)} max-pools")
        if avg[0] * avg[1] < 2:
            raise ValueError(f"slice image {image_shape}: InstanceNorm before the average pool needs >= 2 positions, got {avg}")
        self.avg_kernel = avg
        self.post_proc_conv = nn.Sequential(nn.Conv2d(cin, post_channels, 1, stride=1), nn.InstanceNorm2d(post_channels),
                                            nn.ReLU(), nn.AvgPool2d(list(avg)))
        self.position_encoder = (PositionEncoding(post_channels, slice_dim, n_slices) if use_position_encoding
                                 else nn.Identity())
        self.post_position_encoding = nn.Sequential(nn.Dropout(p=0.5) if dropout else nn.Identity(),
                                                    nn.Conv2d(post_channels, out_size, 1))

    def features(self, x):
        """After the average pool, before the position encoding: (N, post_channels, 1, 1)."""
        return self.post_proc_conv(self.encoder_2d(x))

    def forward(self, x):
        return self.post_position_encoding(self.position_encoder(self.features(x)))


# ---------------------------------------------------------------------------------------------
# ResNet encoder (ISBI 2023): torchvision's ResNet names, fc removed
# ---------------------------------------------------------------------------------------------


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(cout, cout, 3, stride=1, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.downsample = None
        if stride != 1 or cin != cout:
            self.downsample = nn.Sequential(nn.Conv2d(cin, cout, 1, stride=stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.relu(out + identity)


class ResNet2d(nn.Module):
    """torchvision's resnet18/34 layout (BasicBlock) without `fc`; `widths` may be reduced for fixtures."""

    def __init__(self, layout=(2, 2, 2, 2), widths=RESNET_WIDTHS, in_channels=3):
        super().__init__()
        w0 = widths[0]
        self.conv1 = nn.Conv2d(in_channels, w0, 7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(w0)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, stride=2, padding=1)
        cin = w0
        for i, (n, w) in enumerate(zip(layout, widths)):
            blocks = []
            for j in range(n):
                blocks.append(BasicBlock(cin, w, stride=(1 if i == 0 or j > 0 else 2)))
                cin = w
            setattr(self, f"layer{i + 1}", nn.Sequential(*blocks))
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.out_dim = cin
        # torchvision builds fc = Linear(512, 1000) here (the authors then `del model.fc`); building and
        # dropping it keeps torch's RNG stream, so the same seed gives the authors' initial weights
        nn.Linear(cin, 1000)
        for m in self.modules():  # torchvision's ResNet init
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.avgpool(x).flatten(1)


class ResNetEncoder(nn.Module):
    """One-channel slices are repeated to 3 channels (no weight inflation); ResNet features (N, 512) ->
    Linear(512, out_size) -> (N, out_size, 1, 1) -> [position encoding + LayerNorm over (out_size, S)].
    No dropout (the authors' `dropout` argument is swallowed by **kwargs)."""

    def __init__(self, out_size, slice_dim, n_slices, use_position_encoding=False, in_channel=1,
                 resnet_module="resnet18", widths=RESNET_WIDTHS):
        super().__init__()
        if resnet_module not in RESNET_LAYOUTS:
            raise NotImplementedError(resnet_module)
        self.encoder_2d = ResNet2d(RESNET_LAYOUTS[resnet_module], widths, in_channels=3)
        self.encoding_dim = self.encoder_2d.out_dim
        self.post_proc = nn.Sequential(nn.Linear(self.encoding_dim, out_size))
        self.position_encoder = (PositionEncoding(out_size, slice_dim, n_slices) if use_position_encoding
                                 else nn.Identity())

    def features(self, x):
        if x.shape[1] == 1:
            x = torch.cat([x, x, x], dim=1)
        return self.post_proc(self.encoder_2d(x))[:, :, None, None]

    def forward(self, x):
        return self.position_encoder(self.features(x))


# ---------------------------------------------------------------------------------------------
# Aggregation
# ---------------------------------------------------------------------------------------------


class PooledAttention(nn.Module):
    """One learned query S (1, d) attends over the slices; h heads of width d/h.

    K = X Wk^T + bk, V = X Wv^T + bv (X: (B, S, d_in)); head j uses columns [j*d/h, (j+1)*d/h):
    A_j = softmax_s(S_j . K_j[s] / sqrt(d/h)); O = concat_j sum_s A_j[s] V_j[s]; out = fc_o(LayerNorm(O)).
    No residual, no activation. Returns (out (B, d), A (h*B, 1, S) head-major like the authors')."""

    def __init__(self, input_dim, dim_v, dim_k, num_heads, ln=True, fc_o=True):
        super().__init__()
        self.S = nn.Parameter(torch.zeros(1, dim_k))
        nn.init.xavier_uniform_(self.S)
        self.fc_k = nn.Linear(input_dim, dim_k)
        self.fc_v = nn.Linear(input_dim, dim_v)
        self.dim_v, self.dim_k, self.num_heads = dim_v, dim_k, num_heads
        if ln:
            self.ln0 = nn.LayerNorm(dim_v)
        if fc_o:
            self.fc_o = nn.Linear(dim_v, dim_v)

    def forward(self, x):
        b, s, _ = x.shape
        h = self.num_heads
        ds = self.dim_v // h
        k = self.fc_k(x).reshape(b, s, h, ds)
        v = self.fc_v(x).reshape(b, s, h, ds)
        q = self.S.reshape(h, ds)
        a = torch.softmax(torch.einsum("hd,bshd->hbs", q, k) / math.sqrt(ds), dim=2)
        o = torch.einsum("hbs,bshd->bhd", a, v).reshape(b, h * ds)
        if hasattr(self, "ln0"):
            o = self.ln0(o)
        if hasattr(self, "fc_o"):
            o = self.fc_o(o)
        return o, a.reshape(h * b, 1, s)


class MeanPool(nn.Module):
    def forward(self, x):
        return x.mean(dim=1), None


class MaxPool(nn.Module):
    def forward(self, x):
        return x.max(dim=1)[0], None


# ---------------------------------------------------------------------------------------------
# The model
# ---------------------------------------------------------------------------------------------


class SliceSetNet(nn.Module):
    """Per-slice encoder -> (B, S, d) -> aggregation -> attn_post Linear(d, 64) -> ReLU -> Linear(64, 1).

    d = attn_num_heads * attn_dim. volume_shape is (H, W, D) of the (B, 1, H, W, D) input; slice_dim
    1/2/3 slices along H/W/D (1 = sagittal for MNI volumes in RAS-like voxel order, the authors' default).
    """

    def __init__(self, attn_num_heads=1, attn_dim=32, attn_drop=False, agg_fn="attention", in_channel=1,
                 slice_dim=1, use_position_encoding=False, encoder_2d="encoder1", volume_shape=MNI_2MM,
                 encoder_channels=ENCODER1_CHANNELS, post_channels=POST_CHANNELS, resnet_widths=RESNET_WIDTHS,
                 regressor_bias=UKB_MEAN_AGE, initialization="custom", attention_ln=True, attention_fc_o=True):
        super().__init__()
        self.slice_dim = slice_dim
        self.in_channel = in_channel
        self.volume_shape = tuple(volume_shape)
        self.num_slices = self.volume_shape[slice_dim - 1]
        self.n_sets = self.num_slices - in_channel + 1  # slices (windows of in_channel slices) per volume
        width = attn_num_heads * attn_dim
        image = slice_image_shape(self.volume_shape, slice_dim)
        self.encoder_name = encoder_2d
        if encoder_2d == "encoder1":
            self.encoder_2d = Encoder1(width, slice_dim, image, self.n_sets, use_position_encoding, in_channel,
                                       attn_drop, encoder_channels, post_channels)
        elif encoder_2d.startswith("resnet"):
            self.encoder_2d = ResNetEncoder(width, slice_dim, self.n_sets, use_position_encoding, in_channel,
                                            encoder_2d, resnet_widths)
        else:
            raise ValueError(encoder_2d)
        if agg_fn == "attention":
            self.pooled_attention = PooledAttention(width, width, width, attn_num_heads, attention_ln, attention_fc_o)
        elif agg_fn == "mean":
            self.pooled_attention = MeanPool()
        elif agg_fn == "max":
            self.pooled_attention = MaxPool()
        else:
            raise ValueError(agg_fn)
        self.attn_post = nn.Linear(width, 64)
        self.regressor = nn.Sequential(nn.ReLU(), nn.Linear(64, 1))
        self._init(initialization, regressor_bias)

    def _init(self, initialization, bias):
        """The authors' init_weights: custom = Conv2d kaiming-normal(fan_out, relu), bias 0; Linear N(0, 0.01),
        bias 0; except the regressor's Linear (PyTorch default weight, bias = 62.68 UKB / 0.0 ADNI). ResNet
        encoders or initialization 'default': only the regressor bias is set."""
        custom = initialization == "custom" and self.encoder_name == "encoder1"
        for name, m in self.named_modules():
            if isinstance(m, nn.Linear) and "regressor" in name:
                m.bias.data.fill_(bias)
            elif custom and isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                if m.bias is not None:
                    nn.init.constant_(m.bias, 0)
            elif custom and isinstance(m, nn.Linear):
                nn.init.normal_(m.weight, 0, 0.01)
                nn.init.constant_(m.bias, 0)

    def slice_batch(self, x):
        """(B, 1, H, W, D) -> (S*B, in_channel, h, w), slice-major (row s*B + b), like the authors' torch.cat."""
        v = x[:, 0].movedim(self.slice_dim, 0)  # (S, B, h, w)
        if v.shape[0] != self.num_slices:
            raise ValueError(f"expected {self.num_slices} slices along axis {self.slice_dim}, got {v.shape[0]}")
        c = self.in_channel
        windows = [v[k:k + c].transpose(0, 1) for k in range(self.n_sets)]  # each (B, c, h, w)
        return torch.cat(windows, dim=0)

    def slice_embeddings(self, x):
        """Per-slice embeddings before aggregation: (B, S, d)."""
        b = x.shape[0]
        enc = self.encoder_2d(self.slice_batch(x))  # (S*B, d, 1, 1)
        return enc.reshape(self.n_sets, b, -1).transpose(0, 1)

    def forward(self, x):
        """Returns (y_pred (B, 1), attention (h*B, 1, S) or None)."""
        emb, attention = self.pooled_attention(self.slice_embeddings(x))
        return self.regressor(self.attn_post(emb)), attention

    def trace(self, x):
        """Everything the fixtures record."""
        b = x.shape[0]
        feats = self.encoder_2d.features(self.slice_batch(x))
        emb = self.slice_embeddings(x)
        agg, attention = self.pooled_attention(emb)
        post = self.attn_post(agg)
        y = self.regressor(post)
        out = {"pre_position_features": feats.reshape(self.n_sets, b, -1).transpose(0, 1).contiguous(),
               "slice_embeddings": emb.contiguous(), "aggregated": agg, "attn_post": post, "y_pred": y}
        if attention is not None:
            out["attention"] = attention
        return out


def mse_loss(y_pred, target):
    """The authors' Regression.loss: mean over the batch of sum over outputs of (y_pred - y)^2 (one output)."""
    b = target.shape[0]
    return F.mse_loss(y_pred.reshape(b, -1), target.reshape(b, -1).float(), reduction="none").sum(1).mean()


def bce_loss(logits, labels):
    """ADNI (BinaryClassifier.loss): binary cross-entropy with logits, mean over the batch; label 1 = AD."""
    b = labels.shape[0]
    return F.binary_cross_entropy_with_logits(logits.reshape(b, -1), labels.reshape(b, -1).float(), reduction="mean")


def param_count(model):
    return int(sum(p.numel() for p in model.parameters()))


# ---------------------------------------------------------------------------------------------
# Counts
# ---------------------------------------------------------------------------------------------

COUNT_CONFIGS = {
    "ukbb_attention_sagittal (config/config_ukbb_brain_age.py + isbi2021/table1.sh: encoder1, 1 head x 32, no posenc, slice_dim 1)":
        dict(attn_num_heads=1, attn_dim=32, agg_fn="attention", slice_dim=1),
    "ukbb_attention_sagittal_posenc (isbi2023/table2.sh)": dict(attn_num_heads=1, attn_dim=32, agg_fn="attention", slice_dim=1, use_position_encoding=True),
    "ukbb_mean_sagittal (isbi2021/table1.sh; also max)": dict(attn_num_heads=1, attn_dim=32, agg_fn="mean", slice_dim=1),
    "ukbb_mean_sagittal_posenc (isbi2023/table2.sh)": dict(attn_num_heads=1, attn_dim=32, agg_fn="mean", slice_dim=1, use_position_encoding=True),
    "ukbb_mean_coronal (isbi2021/table5.sh, slice_dim 2)": dict(attn_num_heads=1, attn_dim=32, agg_fn="mean", slice_dim=2),
    "ukbb_mean_coronal_posenc": dict(attn_num_heads=1, attn_dim=32, agg_fn="mean", slice_dim=2, use_position_encoding=True),
    "ukbb_mean_axial_posenc": dict(attn_num_heads=1, attn_dim=32, agg_fn="mean", slice_dim=3, use_position_encoding=True),
    "main.py argparse defaults (2 heads x 128, attention, no config file)": dict(attn_num_heads=2, attn_dim=128, agg_fn="attention", slice_dim=1),
    "resnet18_mean_sagittal (isbi2023/table2.sh, no posenc)": dict(encoder_2d="resnet18", agg_fn="mean", slice_dim=1),
    "resnet18_mean_sagittal_posenc (isbi2023/table2.sh)": dict(encoder_2d="resnet18", agg_fn="mean", slice_dim=1, use_position_encoding=True),
    "isbi2021 v1.0 release attention (no ln0, no fc_o; other key names)": dict(attn_num_heads=1, attn_dim=32, agg_fn="attention", slice_dim=1, attention_ln=False, attention_fc_o=False),
}


def counts():
    out = {}
    for label, kw in COUNT_CONFIGS.items():
        m = SliceSetNet(**kw)
        out[label] = {"config": kw, "params": param_count(m)}
    m = SliceSetNet()
    groups = {}
    for name, p in m.named_parameters():
        g = name.split(".")[0] if not name.startswith("encoder_2d") else ".".join(name.split(".")[:2])
        groups[g] = groups.get(g, 0) + p.numel()
    out["ukbb_attention_sagittal (config/config_ukbb_brain_age.py + isbi2021/table1.sh: encoder1, 1 head x 32, no posenc, slice_dim 1)"]["by_module"] = groups
    for name, cfg in CASES.items():
        out[name] = {"config": cfg["model"], "params": param_count(SliceSetNet(**cfg["model"]))}
    return out


# ---------------------------------------------------------------------------------------------
# Fixtures
# ---------------------------------------------------------------------------------------------

_SMALL = dict(encoder_channels=[4, 8, 8, 16, 16], post_channels=8)

CASES = {
    "slice-set-ukbb": dict(
        model=dict(attn_num_heads=1, attn_dim=32, attn_drop=True, agg_fn="attention", slice_dim=1,
                   use_position_encoding=False, volume_shape=[7, 97, 67], regressor_bias=UKB_MEAN_AGE, **_SMALL),
        batch=2, task="brain age regression (MSE)", targets=[71.3, 55.2],
        note="UKB configuration (encoder1, 1 head x 32, attention, no position encoding, sagittal slice_dim 1, dropout on as in the shell scripts) with reduced encoder widths and a 7x97x67 volume (slice image 97x67 -> 3x2 before the average pool, like 109x91)"),
    "slice-set-pooled-attention-posenc": dict(
        model=dict(attn_num_heads=2, attn_dim=8, attn_drop=True, agg_fn="attention", slice_dim=3,
                   use_position_encoding=True, volume_shape=[67, 97, 6], regressor_bias=UKB_MEAN_AGE, **_SMALL),
        batch=2, task="brain age regression (MSE)", targets=[48.0, 77.5],
        note="2-head pooled attention (width 16, 8 per head) with position encoding + LayerNorm, axial slices (slice_dim 3: image (H, W) = 67x97 -> 2x3)"),
    "slice-set-mean-coronal": dict(
        model=dict(attn_num_heads=1, attn_dim=32, attn_drop=True, agg_fn="mean", slice_dim=2,
                   use_position_encoding=False, volume_shape=[67, 5, 67], regressor_bias=UKB_MEAN_AGE, **_SMALL),
        batch=2, task="brain age regression (MSE)", targets=[60.0, 66.6],
        note="mean aggregation, coronal slices (slice_dim 2: image (H, D) = 67x67 -> 2x2)"),
    "slice-set-max-adni-posenc": dict(
        model=dict(attn_num_heads=1, attn_dim=32, attn_drop=True, agg_fn="max", slice_dim=1,
                   use_position_encoding=True, volume_shape=[6, 97, 67], regressor_bias=0.0, **_SMALL),
        batch=2, task="AD vs CN (binary cross-entropy with logits; label 1 = AD)", labels=[1.0, 0.0],
        note="ADNI variant: same network, regressor bias initialised to 0 and BCE-with-logits; max aggregation, position encoding, sagittal"),
    "slice-set-resnet-posenc": dict(
        model=dict(attn_num_heads=1, attn_dim=32, agg_fn="mean", slice_dim=1, use_position_encoding=True,
                   encoder_2d="resnet18", resnet_widths=[4, 8, 16, 32], volume_shape=[5, 97, 67],
                   regressor_bias=UKB_MEAN_AGE),
        batch=2, task="brain age regression (MSE)", targets=[58.5, 70.1],
        note="ISBI 2023 ResNet-18 slice encoder (torchvision names, fc removed, 1 channel repeated to 3) with widths reduced 64/128/256/512 -> 4/8/16/32, mean aggregation, position encoding"),
}


def randomise(model, gen, bias_value):
    """Seeded non-trivial weights: every parameter and BN buffer drawn away from its init."""
    with torch.no_grad():
        for name, m in model.named_modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                fan_in = m.weight[0].numel()
                m.weight.copy_(torch.randn(m.weight.shape, generator=gen) * math.sqrt(2.0 / fan_in))
                if m.bias is not None:
                    m.bias.copy_((torch.rand(m.bias.shape, generator=gen) - 0.5) * 0.2)
            elif isinstance(m, (nn.BatchNorm2d, nn.LayerNorm)):
                if isinstance(m, nn.BatchNorm2d):
                    c = m.num_features
                    m.running_mean.copy_(torch.randn(c, generator=gen) * 0.1)
                    m.running_var.copy_(0.5 + 1.5 * torch.rand(c, generator=gen))
                    m.num_batches_tracked.fill_(23)
                m.weight.copy_(0.5 + torch.rand(m.weight.shape, generator=gen))
                m.bias.copy_((torch.rand(m.bias.shape, generator=gen) - 0.5) * 0.2)
            elif isinstance(m, PositionEncoding):
                m.position_encoding.copy_(torch.randn(m.position_encoding.shape, generator=gen) * 0.5)
            elif isinstance(m, PooledAttention):
                m.S.copy_(torch.randn(m.S.shape, generator=gen) * 2.0)
        if hasattr(model, "regressor"):
            reg = model.regressor[1]
            reg.weight.mul_(2.0)
            reg.bias.fill_(bias_value + 0.05)


def tensor_description(tensors):
    return {k: {"dtype": "F32" if v.dtype == torch.float32 else "I64", "shape": list(v.shape)} for k, v in tensors.items()}


def make_case(name, cfg, out_dir):
    torch.manual_seed(0)
    gen = torch.Generator().manual_seed(20230 + len(name))
    model = SliceSetNet(**cfg["model"])
    randomise(model, gen, cfg["model"]["regressor_bias"])
    model.eval()
    shape = [cfg["batch"], 1] + list(cfg["model"]["volume_shape"])
    vol = torch.randn(shape, generator=gen)
    # second volume: a trend along the first in-plane axis (a per-slice constant would be removed by InstanceNorm)
    axis = 2 + (1 if cfg["model"]["slice_dim"] == 1 else 0)
    ramp = torch.linspace(-1, 1, shape[axis])
    rshape = [1, 1, 1, 1, 1]
    rshape[axis] = -1
    vol[1:] = vol[1:] * 0.6 + 1.2 * ramp.reshape(rshape)
    vol = (vol - vol.mean(dim=(1, 2, 3, 4), keepdim=True)) / vol.std(dim=(1, 2, 3, 4), keepdim=True)  # z-score per volume
    inputs = {"images": vol}
    with torch.no_grad():
        outputs = model.trace(vol)
    losses = {}
    if "targets" in cfg:
        t = torch.tensor(cfg["targets"], dtype=torch.float32)
        inputs["ages"] = t
        loss = mse_loss(outputs["y_pred"], t)
        outputs["mse_loss"] = loss.reshape(())
        losses["mse_loss"] = float(loss)
    else:
        lab = torch.tensor(cfg["labels"], dtype=torch.float32)
        inputs["labels"] = lab
        loss = bce_loss(outputs["y_pred"], lab)
        outputs["bce_loss"] = loss.reshape(())
        losses["bce_loss"] = float(loss)
    outputs = {k: v.contiguous() for k, v in outputs.items()}
    weights = {k: v.detach().clone() for k, v in model.state_dict().items()}
    folder = Path(out_dir) / name
    folder.mkdir(parents=True, exist_ok=True)
    meta = {"model": "slice-set", "case": name}
    st_save(weights, folder / "weights.safetensors", meta)
    st_save(inputs, folder / "inputs.safetensors", meta)
    st_save(outputs, folder / "outputs.safetensors", meta)

    m = cfg["model"]
    authors_like = {k: v for k, v in m.items() if k not in ("volume_shape", "encoder_channels", "post_channels", "resnet_widths")}
    authors_default = SliceSetNet(**authors_like)
    image = slice_image_shape(m["volume_shape"], m["slice_dim"])
    enc = model.encoder_2d
    case = {
        "model": "slice-set",
        "brainbenchModel": "slice-cnn",
        "protocol": "gupta2021",
        "case": name,
        "source": "umgupta/2d-slice-set-networks@4c361a939b745b3dae4da78d9346521452d0c9ad (v2.0) src/arch/ukbb/brain_age_slice_set.py, src/arch/slice_cnn_utils.py",
        "task": cfg["task"],
        "note": cfg["note"],
        "hyperparameters": dict(m, encoder_2d=m.get("encoder_2d", "encoder1"), width=m["attn_num_heads"] * m["attn_dim"],
                                in_channel=1, initialization="random (fixture)", dropout_p=0.5,
                                avg_pool_kernel=list(getattr(enc, "avg_kernel", [])) or None,
                                instance_norm="InstanceNorm2d(affine=False, track_running_stats=False, eps=1e-5): always per-sample statistics, also in eval",
                                layer_norm_eps=1e-5, batch_norm_eps=1e-5),
        "input_shape": shape,
        "slices": {"slice_dim": m["slice_dim"], "n_slices": model.n_sets, "slice_image": list(image),
                   "how": "x[:, 0].movedim(slice_dim, 0): slice s of the (H, W, D) volume is the 2D image of the two other axes in their original order; slices are stacked slice-major (row s*B + b) into one 2D batch"},
        "mode": "eval (dropout off; ResNet BN running statistics; InstanceNorm unaffected)",
        "paramCount": param_count(model),
        "paramCountAuthorsDefault": param_count(authors_default),
        "paramCountAuthorsDefaultConfig": dict(authors_like, volume_shape=list(MNI_2MM),
                                               note="same options at the authors' widths and 91x109x91"),
        "losses": losses,
        "loss_formulas": {"mse_loss": "(1/B) * sum_b (y_pred_b - age_b)^2",
                          "bce_loss": "(1/B) * sum_b [max(z_b, 0) - z_b*y_b + log(1 + exp(-|z_b|))], z = y_pred (logit), y in {0, 1}"},
        "formulas": {
            "pooled_attention": "K = X Wk^T + bk, V = X Wv^T + bv; per head j (width d/h): a_j = softmax_s(S_j . K_j[s] / sqrt(d/h)); O = concat_j sum_s a_j[s] V_j[s]; out = fc_o(LayerNorm(O)); no residual",
            "position_encoding": "e = LayerNorm_{(F,S)}(f + P), P the learned [1,F,S,1,1]-like table, LN statistics over all F*S values of one subject, elementwise affine of shape (F,S) laid out as the parameter",
            "head": "y = Linear(64,1)(ReLU(Linear(d,64)(agg)))",
            "mean": "agg = mean over slices", "max": "agg = max over slices",
        },
        "weights_note": "seeded random weights under the authors' state_dict names; num_batches_tracked (ResNet BN) are I64 scalars (shape [])",
        "tensors": {
            "weights.safetensors": tensor_description(weights),
            "inputs.safetensors": tensor_description(inputs),
            "outputs.safetensors": tensor_description(outputs),
        },
        "tensor_meaning": {
            "images": "(B, 1, H, W, D), z-scored per volume ((x - mean)/std over the whole volume, as the authors' loaders)",
            "ages": "regression targets", "labels": "binary targets as float (1 = AD)",
            "pre_position_features": "(B, S, F) per-slice features after the average pool (encoder1) or the Linear (ResNet), before the position encoding",
            "slice_embeddings": "(B, S, d) per-slice embeddings after the encoder (incl. position encoding and the final 1x1 conv), the aggregation's input",
            "aggregated": "(B, d) after pooled attention / mean / max", "attn_post": "(B, 64) before the ReLU",
            "y_pred": "(B, 1) prediction (years) or logit", "attention": "(h*B, 1, S) softmax weights, row j*B + b = head j, subject b",
            "mse_loss": "scalar", "bce_loss": "scalar",
        },
    }
    (folder / "case.json").write_text(json.dumps(case, indent=2) + "\n")
    return folder


def check_case(folder, tol=1e-4):
    case = json.loads((folder / "case.json").read_text())
    cfg = CASES[case["case"]]
    model = SliceSetNet(**cfg["model"])
    w = st_load(folder / "weights.safetensors")
    problems = []
    mine = model.state_dict()
    if list(mine) != list(w):
        problems.append(f"keys differ: {sorted(set(mine) ^ set(w))}")
    model.load_state_dict(w, strict=True)
    model.eval()
    x = st_load(folder / "inputs.safetensors")
    ref = st_load(folder / "outputs.safetensors")
    with torch.no_grad():
        out = model.trace(x["images"])
    worst = 0.0
    for k, v in out.items():
        d = float((v - ref[k]).abs().max()) / max(1.0, float(ref[k].abs().max()))
        worst = max(worst, d)
    if worst > tol:
        problems.append(f"outputs differ by {worst}")
    return problems, worst


# ---------------------------------------------------------------------------------------------
# Comparison with the authors' code (extracted outside the repo)
# ---------------------------------------------------------------------------------------------


def _import_authors(src):
    """Imports their src.arch.* from src; stubs python-box if absent (torchvision must be importable)."""
    try:
        import box  # noqa: F401
    except ImportError:
        import types
        box = types.ModuleType("box")

        class Box(dict):
            def __getattr__(self, k):
                try:
                    return self[k]
                except KeyError as e:
                    raise AttributeError(k) from e

        box.Box = Box
        sys.modules["box"] = box
    sys.path.insert(0, str(src))
    import importlib
    utils = importlib.import_module("src.arch.slice_cnn_utils")
    ukbb = importlib.import_module("src.arch.ukbb.brain_age_slice_set")
    adni = importlib.import_module("src.arch.adni.adni_slice_set")
    return utils, ukbb, adni


def _their_posenc_class(utils, n_slices):
    """PositionEncodingUKBB with its hard-coded 91/109 slice counts replaced (source patched in memory)."""
    import inspect
    import re
    src = inspect.getsource(utils.PositionEncodingUKBB)
    src = re.sub(r"\b(91|109)\b", str(n_slices), src)
    ns = dict(vars(utils))
    exec(compile(src, "<patched PositionEncodingUKBB>", "exec"), ns)
    return ns["PositionEncodingUKBB"]


def _their_model_for_case(utils, ukbb, adni, cfg):
    m = cfg["model"]
    cls = adni.MRI2DSlice if m["regressor_bias"] == 0.0 else ukbb.MRI2DSlice
    theirs = cls(attn_num_heads=m["attn_num_heads"], attn_dim=m["attn_dim"], attn_drop=m.get("attn_drop", False),
                 agg_fn=m["agg_fn"], in_channel=1, slice_dim=m["slice_dim"],
                 use_position_encoding=m["use_position_encoding"], encoder_2d="encoder1", initialization="custom")
    s = m["volume_shape"][m["slice_dim"] - 1]
    enc = theirs.encoder_2d
    ch = m["encoder_channels"]
    blocks, cin = [], 1
    for c in ch:
        blocks.append(utils.encoder1_blk(cin, c))
        cin = c
    enc.encoder_2d = nn.Sequential(*blocks)
    avg = halve(slice_image_shape(m["volume_shape"], m["slice_dim"]), len(ch))
    post = m["post_channels"]
    enc.post_proc_conv = nn.Sequential(nn.Conv2d(cin, post, 1, stride=1), nn.InstanceNorm2d(post), nn.ReLU(), nn.AvgPool2d(list(avg)))
    if m["use_position_encoding"]:
        enc.position_encoder = _their_posenc_class(utils, s)(feature_dim=post, slice_dim=m["slice_dim"], remove_slices=0)
    enc.post_position_encoding = nn.Sequential(nn.Dropout(p=0.5) if m.get("attn_drop") else nn.Identity(),
                                               nn.Conv2d(post, m["attn_num_heads"] * m["attn_dim"], 1))
    theirs.num_slices = s
    theirs.collation_indices = list(zip(*[list(range(i, s)) for i in range(1)]))
    return theirs


def compare_authors(src, fixtures=None, full=True, tv_path=None):
    if tv_path:
        sys.path.insert(0, tv_path)
    utils, ukbb, adni = _import_authors(src)
    gen = torch.Generator().manual_seed(11)
    report = {}
    full_configs = [
        ("ukbb attention sagittal", dict(attn_num_heads=1, attn_dim=32, agg_fn="attention", slice_dim=1, attn_drop=True)),
        ("ukbb attention sagittal posenc", dict(attn_num_heads=1, attn_dim=32, agg_fn="attention", slice_dim=1, use_position_encoding=True)),
        ("2 heads x 16 attention coronal posenc", dict(attn_num_heads=2, attn_dim=16, agg_fn="attention", slice_dim=2, use_position_encoding=True)),
        ("4 heads x 8 attention axial posenc", dict(attn_num_heads=4, attn_dim=8, agg_fn="attention", slice_dim=3, use_position_encoding=True)),
        ("mean coronal", dict(attn_num_heads=1, attn_dim=32, agg_fn="mean", slice_dim=2)),
        ("max axial", dict(attn_num_heads=1, attn_dim=32, agg_fn="max", slice_dim=3)),
        ("resnet18 mean sagittal posenc", dict(encoder_2d="resnet18", agg_fn="mean", slice_dim=1, use_position_encoding=True, attn_num_heads=1, attn_dim=32)),
        ("resnet18 attention axial", dict(encoder_2d="resnet18", agg_fn="attention", slice_dim=3, attn_num_heads=1, attn_dim=32)),
    ]
    for label, kw in full_configs:
        enc = kw.get("encoder_2d", "encoder1")
        theirs = ukbb.MRI2DSlice(attn_num_heads=kw["attn_num_heads"], attn_dim=kw["attn_dim"], attn_drop=kw.get("attn_drop", False),
                                 agg_fn=kw["agg_fn"], slice_dim=kw["slice_dim"],
                                 use_position_encoding=kw.get("use_position_encoding", False), encoder_2d=enc,
                                 initialization="custom")
        mine = SliceSetNet(**kw)
        ks, km = theirs.state_dict(), mine.state_dict()
        entry = {"same_keys_in_order": list(ks) == list(km),
                 "same_shapes": all(k in km and ks[k].shape == km[k].shape for k in ks),
                 "params_theirs": param_count(theirs), "params_mine": param_count(mine)}
        randomise(theirs, gen, UKB_MEAN_AGE)
        mine.load_state_dict(theirs.state_dict(), strict=True)
        if full:
            theirs.eval(), mine.eval()
            x = torch.randn((2, 1) + MNI_2MM, generator=gen)
            with torch.no_grad():
                a = theirs(x)
                y, att = mine(x)
                ea, _ = theirs.encode(x)
            entry["max_abs_diff_y_pred"] = float((a["y_pred"] - y).abs().max())
            entry["y_pred"] = [round(float(v), 4) for v in y.reshape(-1)]
            if att is not None:
                entry["max_abs_diff_attention"] = float((a["attention"] - att).abs().max())
        report[label] = entry
    # ResNet against torchvision itself
    try:
        from torchvision import models
        for arch in ("resnet18", "resnet34"):
            tv = getattr(models, arch)()
            del tv.fc
            mine = ResNet2d(RESNET_LAYOUTS[arch])
            same = list(tv.state_dict()) == list(mine.state_dict())
            randomise(tv, gen, 0.0)
            mine.load_state_dict(tv.state_dict(), strict=True)
            tv.eval(), mine.eval()
            x = torch.randn(3, 3, 109, 91, generator=gen)
            with torch.no_grad():
                tvo = tv.avgpool(tv.layer4(tv.layer3(tv.layer2(tv.layer1(tv.maxpool(tv.relu(tv.bn1(tv.conv1(x))))))))).flatten(1)
                d = float((tvo - mine(x)).abs().max())
            report[f"torchvision {arch} (fc removed)"] = {"same_keys_in_order": same, "params": param_count(mine), "max_abs_diff": d}
    except ImportError as e:
        report["torchvision"] = f"not importable: {e}"
    # channel replication == summed conv1 kernels (timm's in_chans=1 rule)
    conv = nn.Conv2d(3, 8, 7, stride=2, padding=3, bias=False)
    x = torch.randn(2, 1, 40, 30, generator=gen)
    with torch.no_grad():
        rep = conv(torch.cat([x, x, x], 1))
        summed = F.conv2d(x, conv.weight.sum(1, keepdim=True), stride=2, padding=3)
    report["repeat-to-RGB equals summed conv1 kernel"] = float((rep - summed).abs().max())
    if fixtures is not None:
        for folder in sorted(Path(fixtures).glob("slice-set-*")):
            cfg = CASES[folder.name]
            if cfg["model"].get("encoder_2d", "encoder1") != "encoder1":
                report[folder.name] = "reduced-width ResNet: not buildable from torchvision; see the full-size ResNet rows above"
                continue
            theirs = _their_model_for_case(utils, ukbb, adni, cfg)
            w = st_load(folder / "weights.safetensors")
            ks = theirs.state_dict()
            entry = {"same_keys_in_order": list(ks) == list(w)}
            theirs.load_state_dict(w, strict=True)
            theirs.eval()
            xin = st_load(folder / "inputs.safetensors")
            ref = st_load(folder / "outputs.safetensors")
            with torch.no_grad():
                a = theirs(xin["images"])
            entry["max_abs_diff_y_pred"] = float((a["y_pred"] - ref["y_pred"]).abs().max())
            if "attention" in ref:
                entry["max_abs_diff_attention"] = float((a["attention"] - ref["attention"]).abs().max())
            if "ages" in xin:
                y = xin["ages"].reshape(2, -1)
                l = F.mse_loss(a["y_pred"].reshape(2, -1), y, reduction="none").sum(1).mean()
                entry["mse_loss_diff"] = abs(float(l) - float(ref["mse_loss"]))
            else:
                y = xin["labels"].reshape(2, -1)
                l = F.binary_cross_entropy_with_logits(a["y_pred"].reshape(2, -1), y, reduction="mean")
                entry["bce_loss_diff"] = abs(float(l) - float(ref["bce_loss"]))
            report[folder.name] = entry
    return report


def main(argv=None):
    torch.set_num_threads(1)
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    sub.add_parser("count", help="JSON parameter counts")
    f = sub.add_parser("fixtures", help="write the slice-set-* fixture folders")
    f.add_argument("--out", default=str(Path(__file__).resolve().parent / "fixtures"))
    c = sub.add_parser("check", help="reload the fixtures into this implementation and compare")
    c.add_argument("--fixtures", default=str(Path(__file__).resolve().parent / "fixtures"))
    a = sub.add_parser("authors", help="compare with the authors' code extracted at --src (src/ under it)")
    a.add_argument("--src", required=True)
    a.add_argument("--fixtures", default=None)
    a.add_argument("--torchvision-path", default=None, help="extra sys.path entry where torchvision can be imported")
    a.add_argument("--no-full", action="store_true", help="skip the 91x109x91 forward passes")
    args = p.parse_args(argv)
    if args.cmd == "count":
        print(json.dumps(counts(), indent=2))
    elif args.cmd == "fixtures":
        for name, cfg in CASES.items():
            folder = make_case(name, cfg, args.out)
            size = sum(q.stat().st_size for q in folder.iterdir())
            print(f"{folder}: {size} bytes")
    elif args.cmd == "check":
        bad = 0
        for folder in sorted(Path(args.fixtures).glob("slice-set-*")):
            problems, d = check_case(folder)
            print(f"{folder.name}: max rel diff {d:.3g} {'OK' if not problems else problems}")
            bad += bool(problems)
        return 1 if bad else 0
    elif args.cmd == "authors":
        print(json.dumps(compare_authors(args.src, args.fixtures, not args.no_full, args.torchvision_path), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
