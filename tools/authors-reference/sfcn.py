#!/usr/bin/python3
"""SFCN (Peng et al., 2021) written again from the authors' description, for brainbench's `cnn3d`
model under protocol `peng2021`.

The module tree is laid out so that `state_dict()` keys are exactly the authors' keys
(ha-ha-ha-han/UKBiobank_deep_pretrain: dp_model/model_files/sfcn.py), e.g.
`feature_extractor.conv_0.0.weight`, `feature_extractor.conv_0.1.running_var`,
`classifier.conv_6.bias`. The released checkpoints were saved from `torch.nn.DataParallel`, so
their keys carry an extra `module.` prefix (strip it).

    /usr/bin/python3 tools/authors-reference/sfcn.py count
    /usr/bin/python3 tools/authors-reference/sfcn.py fixtures --out tools/authors-reference/fixtures
    /usr/bin/python3 tools/authors-reference/sfcn.py check --fixtures tools/authors-reference/fixtures
    /usr/bin/python3 tools/authors-reference/sfcn.py authors --src /tmp/authors_sfcn   # needs their code

Only torch and numpy are needed (Debian's /usr/bin/python3 has torch 1.13). The Gaussian CDF is
computed with math.erf in float64 (the authors use scipy.stats.norm.cdf).
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

AUTHORS_CHANNELS = (32, 64, 128, 256, 256, 64)
AUTHORS_BINS = 40
AUTHORS_AVG = (5, 6, 5)
AUTHORS_INPUT = (160, 192, 160)
SEX_CHANNELS = (28, 58, 128, 256, 256, 64)  # examples.ipynb, the sex-prediction checkpoint
UKB_BIN_RANGE = (42, 82)
KL_EPS = 1e-16


# ---------------------------------------------------------------------------------------------
# Model
# ---------------------------------------------------------------------------------------------


def _block(cin, cout, last):
    """Blocks 0..n-2: conv3x3x3 (pad 1, bias) -> BN -> maxpool 2 -> ReLU; the last: conv1x1x1 -> BN -> ReLU."""
    if last:
        return nn.Sequential(nn.Conv3d(cin, cout, kernel_size=1, padding=0), nn.BatchNorm3d(cout), nn.ReLU())
    return nn.Sequential(nn.Conv3d(cin, cout, kernel_size=3, padding=1), nn.BatchNorm3d(cout),
                         nn.MaxPool3d(2, stride=2), nn.ReLU())


class SFCN(nn.Module):
    """Outputs log-probabilities over `output_dim` classes, shape (B, output_dim, a, b, c).

    With the authors' fixed average-pool kernel (5, 6, 5) and a 160x192x160 input, (a, b, c) = (1, 1, 1).
    `avg_shape` is the one extension over the authors' code: it lets a smaller input reach 1x1x1
    (see `avg_shape_for`); it has no parameters, so the state dict is unchanged.
    """

    def __init__(self, channel_number=AUTHORS_CHANNELS, output_dim=AUTHORS_BINS, dropout=True,
                 avg_shape=AUTHORS_AVG):
        super().__init__()
        channels = list(channel_number)
        n = len(channels)
        self.feature_extractor = nn.Sequential()
        for i in range(n):
            cin = 1 if i == 0 else channels[i - 1]
            self.feature_extractor.add_module(f"conv_{i}", _block(cin, channels[i], last=(i == n - 1)))
        self.classifier = nn.Sequential()
        self.classifier.add_module("average_pool", nn.AvgPool3d(tuple(avg_shape)))
        if dropout:
            self.classifier.add_module("dropout", nn.Dropout(0.5))
        self.classifier.add_module(f"conv_{n}", nn.Conv3d(channels[-1], output_dim, kernel_size=1, padding=0))

    def forward(self, x):
        # the authors return a one-element list [log_probs]; here the tensor itself
        return F.log_softmax(self.classifier(self.feature_extractor(x)), dim=1)


def pooled_shape(input_shape, n_pool):
    """Spatial shape after n_pool MaxPool3d(2, stride 2) (floor each time)."""
    s = list(input_shape)
    for _ in range(n_pool):
        s = [v // 2 for v in s]
    return tuple(s)


def avg_shape_for(input_shape, n_layers=len(AUTHORS_CHANNELS)):
    """The average-pool kernel that maps the last feature map to 1x1x1 (each side must be >= 1)."""
    s = pooled_shape(input_shape, n_layers - 1)
    if min(s) < 1:
        raise ValueError(f"input {input_shape} is too small: feature map {s}; every side must be >= 2**{n_layers - 1}")
    return s


def st_save(tensors, path, metadata=None):
    """safetensors_io.save with (tensors, path) order; tensors are written in the dict's order."""
    safetensors_io.save(str(path), {k: v.detach().cpu().contiguous() if hasattr(v, "detach") else v for k, v in tensors.items()}, metadata)


def st_load(path):
    """{name: torch tensor} from a safetensors file."""
    tensors, _ = safetensors_io.load(str(path))
    return {k: torch.from_numpy(v) for k, v in tensors.items()}


def param_count(model):
    return int(sum(p.numel() for p in model.parameters()))


# ---------------------------------------------------------------------------------------------
# Soft labels, loss, prediction (the authors' dp_utils.num2vect and dp_loss.my_KLDivLoss)
# ---------------------------------------------------------------------------------------------


def bin_centers(bin_range=UKB_BIN_RANGE, bin_step=1):
    start, end = bin_range
    if (end - start) % bin_step != 0:
        raise ValueError("bin range must be divisible by bin_step")
    n = int((end - start) / bin_step)
    return start + float(bin_step) / 2 + bin_step * np.arange(n)


def _phi(z):
    return 0.5 * (1.0 + math.erf(z / math.sqrt(2.0)))


def soft_labels(ages, bin_range=UKB_BIN_RANGE, bin_step=1, sigma=1.0):
    """(len(ages), n_bins) float64: P(bin i) = Phi((c_i + step/2 - age)/sigma) - Phi((c_i - step/2 - age)/sigma).

    CDF differences over each bin's edges (not the pdf at the centre), and NOT renormalised: a
    row sums to Phi((end - age)/sigma) - Phi((start - age)/sigma) < 1 (about 0.5 at an edge).
    sigma == 0 returns hard labels instead: the bin index floor((age - start)/step) (int64).
    """
    ages = np.atleast_1d(np.asarray(ages, dtype=np.float64))
    centers = bin_centers(bin_range, bin_step)
    if sigma == 0:
        return np.floor((ages - bin_range[0]) / bin_step).astype(np.int64)
    if sigma < 0:
        raise ValueError("sigma must be >= 0")
    half = float(bin_step) / 2
    out = np.zeros((len(ages), len(centers)))
    for j, a in enumerate(ages):
        for i, c in enumerate(centers):
            out[j, i] = _phi((c + half - a) / sigma) - _phi((c - half - a) / sigma)
    return out


def kl_loss(log_probs, target):
    """The authors' my_KLDivLoss: sum over batch and bins of y' * (log y' - x), divided by the batch size,
    with y' = y + 1e-16 (added in float32, as they do to a float32 tensor). log_probs, target: (B, K)."""
    y = torch.as_tensor(target, dtype=torch.float32).clone() + KL_EPS
    x = torch.as_tensor(log_probs, dtype=torch.float32)
    return (y * (torch.log(y) - x)).sum() / y.shape[0]


def expected_value(log_probs, centers):
    """Prediction = sum_k exp(log_prob_k) * centre_k (examples.ipynb: prob @ bc). log_probs: (B, K)."""
    p = torch.exp(torch.as_tensor(log_probs, dtype=torch.float32))
    return p @ torch.as_tensor(centers, dtype=torch.float32)


def nll_loss(log_probs, labels):
    """The sex model's loss in examples.ipynb: F.nll_loss (mean over the batch) on the log-softmax."""
    return F.nll_loss(torch.as_tensor(log_probs, dtype=torch.float32), torch.as_tensor(labels, dtype=torch.int64))


# ---------------------------------------------------------------------------------------------
# Fixtures
# ---------------------------------------------------------------------------------------------

CASES = {
    "sfcn-brainage": dict(
        channel_number=[4, 8, 8, 16, 16, 8], output_dim=40, dropout=True,
        input_shape=[2, 1, 35, 66, 33], task="brain-age soft classification (UKB bins 42..82, step 1, sigma 1)",
        ages=[71.3, 45.6], extra_ages=[40.0, 42.0, 42.3, 62.68, 71.3, 81.9, 82.0, 90.0],
        bin_range=[42, 82], bin_step=1, sigma=1.0, logit_scale=0.1),
    "sfcn-classify": dict(
        channel_number=[4, 6, 8, 16, 16, 8], output_dim=2, dropout=True,
        input_shape=[2, 1, 35, 66, 33], task="sex classification (0 female, 1 male), NLL on log-softmax",
        labels=[1, 0], logit_scale=1.0),
}


def randomise(model, gen, logit_scale=1.0):
    """Seeded, non-trivial weights: conv ~ N(0, 1/fan_in)·gain, biases and BN shifts non-zero, BN running stats
    away from (0, 1)."""
    with torch.no_grad():
        for name, m in model.named_modules():
            if isinstance(m, nn.Conv3d):
                fan_in = m.weight[0].numel()
                m.weight.copy_(torch.randn(m.weight.shape, generator=gen) * math.sqrt(2.0 / fan_in))
                m.bias.copy_((torch.rand(m.bias.shape, generator=gen) - 0.5) * 0.2)
            elif isinstance(m, nn.BatchNorm3d):
                c = m.num_features
                m.weight.copy_(0.5 + torch.rand(c, generator=gen))
                m.bias.copy_((torch.rand(c, generator=gen) - 0.5) * 0.2)
                m.running_mean.copy_(torch.randn(c, generator=gen) * 0.1)
                m.running_var.copy_(0.5 + 1.5 * torch.rand(c, generator=gen))
                m.num_batches_tracked.fill_(17)
        # scale the logits so that the softmax is neither flat nor one-hot
        last = [m for m in model.modules() if isinstance(m, nn.Conv3d)][-1]
        last.weight.mul_(logit_scale)


def tensor_description(tensors):
    return {k: {"dtype": "F32" if v.dtype == torch.float32 else "I64", "shape": list(v.shape)} for k, v in tensors.items()}


def make_case(name, cfg, out_dir):
    torch.manual_seed(0)
    gen = torch.Generator().manual_seed(20210 + len(name))
    shape = cfg["input_shape"]
    n_layers = len(cfg["channel_number"])
    avg = avg_shape_for(shape[2:], n_layers)
    model = SFCN(cfg["channel_number"], cfg["output_dim"], cfg["dropout"], avg)
    randomise(model, gen, cfg["logit_scale"])
    model.eval()
    # positive volumes, each divided by its own mean (data / data.mean()); the second one skewed and
    # with a gradient along D so that the two predictions differ
    base = torch.rand(shape, generator=gen)
    ramp = torch.linspace(0, 1, shape[2]).reshape(1, 1, -1, 1, 1)
    images = torch.cat([base[:1] * 2.0, (base[1:] ** 3) * (0.5 + ramp)], 0) if shape[0] == 2 else base
    images = images / images.mean(dim=(1, 2, 3, 4), keepdim=True)
    with torch.no_grad():
        raw = model(images)
    log_probs = raw.reshape(shape[0], -1)
    inputs = {"images": images}
    outputs = {"log_probs_raw": raw.contiguous(), "log_probs": log_probs.contiguous()}
    losses = {}
    if cfg["output_dim"] == 40 and "ages" in cfg:
        centers = bin_centers(cfg["bin_range"], cfg["bin_step"])
        soft = soft_labels(cfg["ages"], cfg["bin_range"], cfg["bin_step"], cfg["sigma"])
        extra = soft_labels(cfg["extra_ages"], cfg["bin_range"], cfg["bin_step"], cfg["sigma"])
        hard = soft_labels(cfg["extra_ages"], cfg["bin_range"], cfg["bin_step"], 0)
        inputs["ages"] = torch.tensor(cfg["ages"], dtype=torch.float32)
        inputs["extra_ages"] = torch.tensor(cfg["extra_ages"], dtype=torch.float32)
        soft32 = torch.tensor(soft, dtype=torch.float32)
        loss = kl_loss(log_probs, soft32)
        outputs.update({
            "bin_centers": torch.tensor(centers, dtype=torch.float32),
            "soft_labels": soft32,
            "extra_soft_labels": torch.tensor(extra, dtype=torch.float32),
            "extra_hard_labels": torch.tensor(hard, dtype=torch.int64),
            "expected_age": expected_value(log_probs, centers),
            "kl_loss": loss.reshape(()),
        })
        losses["kl_loss"] = float(loss)
    else:
        labels = torch.tensor(cfg["labels"], dtype=torch.int64)
        inputs["labels"] = labels
        loss = nll_loss(log_probs, labels)
        outputs.update({"probs": torch.exp(log_probs), "nll_loss": loss.reshape(())})
        losses["nll_loss"] = float(loss)

    weights = {k: v.detach().clone() for k, v in model.state_dict().items()}
    folder = Path(out_dir) / name
    folder.mkdir(parents=True, exist_ok=True)
    st_save(weights, folder / "weights.safetensors", {"model": "sfcn", "case": name})
    st_save(inputs, folder / "inputs.safetensors", {"model": "sfcn", "case": name})
    st_save(outputs, folder / "outputs.safetensors", {"model": "sfcn", "case": name})

    authors_default = SFCN()
    case = {
        "model": "sfcn",
        "brainbenchModel": "cnn3d",
        "protocol": "peng2021",
        "case": name,
        "source": "ha-ha-ha-han/UKBiobank_deep_pretrain@4e56dc1522ac89caadc5c6fc779799ee58c23adc dp_model/model_files/sfcn.py",
        "task": cfg["task"],
        "hyperparameters": {
            "channel_number": cfg["channel_number"], "output_dim": cfg["output_dim"], "dropout": cfg["dropout"],
            "dropout_p": 0.5, "conv_kernel": [3, 3, 3], "conv_padding": 1, "last_conv_kernel": [1, 1, 1],
            "conv_bias": True, "block_order": "conv -> batchnorm -> maxpool(2, stride 2) -> relu (last block: conv1x1 -> bn -> relu)",
            "batchnorm_eps": 1e-5, "batchnorm_momentum": 0.1,
            "avg_pool_kernel": list(avg), "avg_pool_kernel_authors": list(AUTHORS_AVG),
            "avg_pool_note": "the authors hard-code AvgPool3d([5, 6, 5]) (valid for 160x192x160); the fixture uses the kernel that maps its smaller input to 1x1x1",
            "head": "avg pool -> dropout(0.5) -> conv1x1x1 (bias) to output_dim -> log_softmax over dim 1",
        },
        "input_shape": shape,
        "feature_map_before_avg_pool": list(pooled_shape(shape[2:], n_layers - 1)),
        "mode": "eval (BN running statistics, dropout off)",
        "smallest_valid_input": {
            "authors_avg_kernel_5_6_5": "each side n with floor(n/32) in [a, 2a-1], a = (5, 6, 5): 160..319 x 192..383 x 160..319; smallest 160x192x160 (182x218x182 uncropped MNI also gives 1x1x1)",
            "free_avg_kernel": "32x32x32 (5 max-pools need every side >= 32; kernel = floor(n/32) per side)",
        },
        "paramCount": param_count(model),
        "paramCountAuthorsDefault": param_count(authors_default),
        "paramCountAuthorsDefaultConfig": {"channel_number": list(AUTHORS_CHANNELS), "output_dim": AUTHORS_BINS},
        "losses": losses,
        "loss_formulas": {
            "kl_loss": "(1/B) * sum_{b,k} y'_{bk} * (ln y'_{bk} - x_{bk}), y' = y + 1e-16 (float32), x = log_softmax logits; = nn.KLDivLoss(reduction='sum')(x, y') / B",
            "nll_loss": "-(1/B) * sum_b x_{b, label_b} (F.nll_loss, mean)",
            "expected_age": "sum_k exp(x_k) * c_k, c_k = 42.5 + k",
        },
        "soft_labels": ({"bin_range": cfg["bin_range"], "bin_step": cfg["bin_step"], "sigma": cfg["sigma"],
                         "n_bins": 40, "bin_centers": "start + step/2 + step*k = 42.5 .. 81.5",
                         "formula": "y_k = Phi((c_k + step/2 - age)/sigma) - Phi((c_k - step/2 - age)/sigma), float64, then float32; NOT renormalised",
                         "hard_label (sigma = 0)": "floor((age - start)/step) as int64, no clipping (can be <0 or >=40)"}
                        if "ages" in cfg else None),
        "weights_note": "seeded random weights under the authors' state_dict names (the released checkpoints add a 'module.' prefix); num_batches_tracked are I64 scalars (shape [])",
        "tensors": {
            "weights.safetensors": tensor_description(weights),
            "inputs.safetensors": tensor_description(inputs),
            "outputs.safetensors": tensor_description(outputs),
        },
        "tensor_meaning": {
            "images": "(B, 1, D, H, W) volume, each divided by its own mean (examples.ipynb: data / data.mean())",
            "ages": "targets in years for soft_labels / kl_loss", "extra_ages": "more ages for soft-label tests only (edges, outside range)",
            "labels": "class indices (0 female, 1 male)",
            "log_probs_raw": "the model's output as the authors' forward returns it: (B, K, 1, 1, 1)",
            "log_probs": "log_probs_raw reshaped to (B, K)",
            "soft_labels": "num2vect(ages) as float32 (before the +1e-16)", "extra_soft_labels": "num2vect(extra_ages)",
            "extra_hard_labels": "num2vect(extra_ages, sigma=0)",
            "expected_age": "exp(log_probs) @ bin_centers", "kl_loss": "my_KLDivLoss(log_probs, soft_labels), scalar",
            "probs": "exp(log_probs)", "nll_loss": "F.nll_loss(log_probs, labels), scalar",
        },
    }
    (folder / "case.json").write_text(json.dumps(case, indent=2) + "\n")
    return folder


def check_case(folder, tol=1e-5):
    case = json.loads((folder / "case.json").read_text())
    hp = case["hyperparameters"]
    model = SFCN(hp["channel_number"], hp["output_dim"], hp["dropout"], hp["avg_pool_kernel"])
    w = st_load(folder / "weights.safetensors")
    problems = []
    mine = model.state_dict()
    if set(mine) != set(w):
        problems.append(f"keys differ: {sorted(set(mine) ^ set(w))}")
    model.load_state_dict(w, strict=True)
    model.eval()
    x = st_load(folder / "inputs.safetensors")
    ref = st_load(folder / "outputs.safetensors")
    with torch.no_grad():
        lp = model(x["images"]).reshape(x["images"].shape[0], -1)
    d = float((lp - ref["log_probs"]).abs().max())
    if d > tol:
        problems.append(f"log_probs differ by {d}")
    if "ages" in x:
        soft = torch.tensor(soft_labels(x["ages"].numpy().astype(np.float64)), dtype=torch.float32)
        problems += [f"soft labels differ by {float((soft - ref['soft_labels']).abs().max())}"] if not torch.allclose(soft, ref["soft_labels"], atol=1e-7) else []
        dl = abs(float(kl_loss(lp, soft)) - float(ref["kl_loss"]))
        if dl > tol:
            problems.append(f"kl_loss differs by {dl}")
    if param_count(model) != case["paramCount"]:
        problems.append("paramCount differs")
    return problems, d


# ---------------------------------------------------------------------------------------------
# Comparison with the authors' code (their files extracted somewhere outside the repo)
# ---------------------------------------------------------------------------------------------


def _import_authors(src):
    """Imports their dp_model from src; stubs scipy.stats.norm if scipy is absent."""
    try:
        import scipy.stats  # noqa: F401
    except ImportError:
        import types
        scipy = types.ModuleType("scipy")
        stats = types.ModuleType("scipy.stats")

        class _Norm:
            @staticmethod
            def cdf(x, loc=0.0, scale=1.0):
                return np.array([_phi((v - loc) / scale) for v in np.atleast_1d(np.asarray(x, dtype=np.float64))])

        stats.norm = _Norm()
        scipy.stats = stats
        sys.modules["scipy"], sys.modules["scipy.stats"] = scipy, stats
    sys.path.insert(0, str(src))
    from dp_model.model_files.sfcn import SFCN as TheirSFCN
    from dp_model import dp_loss, dp_utils
    return TheirSFCN, dp_loss, dp_utils


def compare_authors(src, fixtures=None, full=True):
    TheirSFCN, dp_loss, dp_utils = _import_authors(src)
    report = {}
    gen = torch.Generator().manual_seed(7)
    configs = [("authors-default", dict(), AUTHORS_INPUT), ("sex-model", dict(channel_number=list(SEX_CHANNELS), output_dim=2), AUTHORS_INPUT)]
    for label, kw, inp in configs:
        theirs = TheirSFCN(**kw)
        mine = SFCN(**{k: v for k, v in kw.items()})
        ks, km = theirs.state_dict(), mine.state_dict()
        same_keys = list(ks) == list(km) and all(ks[k].shape == km[k].shape for k in ks)
        randomise(theirs, gen)
        mine.load_state_dict(theirs.state_dict(), strict=True)
        entry = {"same_keys_in_order": same_keys, "params_theirs": param_count(theirs), "params_mine": param_count(mine)}
        if full:
            theirs.eval(), mine.eval()
            x = torch.rand((1, 1) + tuple(inp), generator=gen) * 2
            with torch.no_grad():
                a = theirs(x)[0]
                b = mine(x)
            entry["max_abs_diff_log_probs"] = float((a - b).abs().max())
            entry["output_shape"] = list(a.shape)
        report[label] = entry
    # soft labels and loss
    ages = np.array([40.0, 42.0, 42.3, 62.68, 71.3, 81.9, 82.0, 90.0])
    y_theirs, bc = dp_utils.num2vect(ages, [42, 82], 1, 1)
    y_mine = soft_labels(ages)
    hard_theirs, _ = dp_utils.num2vect(ages, [42, 82], 1, 0)
    report["soft_labels"] = {"max_abs_diff": float(np.abs(y_theirs - y_mine).max()),
                             "bin_centers_equal": bool(np.array_equal(bc, bin_centers())),
                             "hard_labels_equal": bool(np.array_equal(hard_theirs, soft_labels(ages, sigma=0))),
                             "row_sums": [round(float(s), 6) for s in y_mine.sum(1)]}
    x = torch.log_softmax(torch.randn(len(ages), 40, generator=gen), dim=1)
    yt = torch.tensor(y_theirs, dtype=torch.float32)
    lt = float(dp_loss.my_KLDivLoss(x, yt.clone()))
    lm = float(kl_loss(x, torch.tensor(y_mine, dtype=torch.float32)))
    report["kl_loss"] = {"theirs": lt, "mine": lm, "abs_diff": abs(lt - lm)}
    # fixtures through their model (average-pool kernel swapped: it has no parameters)
    if fixtures is not None:
        for folder in sorted(Path(fixtures).glob("sfcn-*")):
            case = json.loads((folder / "case.json").read_text())
            hp = case["hyperparameters"]
            theirs = TheirSFCN(channel_number=hp["channel_number"], output_dim=hp["output_dim"], dropout=hp["dropout"])
            theirs.classifier.average_pool = nn.AvgPool3d(hp["avg_pool_kernel"])
            w = st_load(folder / "weights.safetensors")
            theirs.load_state_dict(w, strict=True)
            theirs.eval()
            xin = st_load(folder / "inputs.safetensors")
            ref = st_load(folder / "outputs.safetensors")
            with torch.no_grad():
                out = theirs(xin["images"])[0]
            entry = {"max_abs_diff_log_probs": float((out - ref["log_probs_raw"]).abs().max())}
            if "ages" in xin:
                y, _ = dp_utils.num2vect(xin["ages"].numpy().astype(np.float64), [42, 82], 1, 1)
                yt = torch.tensor(y, dtype=torch.float32)
                lt = float(dp_loss.my_KLDivLoss(out.reshape(out.shape[0], -1), yt))
                entry["kl_loss_diff"] = abs(lt - float(ref["kl_loss"]))
                entry["expected_age_diff"] = float(np.abs(np.exp(out.reshape(out.shape[0], -1).numpy()) @ bc - ref["expected_age"].numpy()).max())
            else:
                lt = float(F.nll_loss(out.reshape(out.shape[0], -1), xin["labels"]))
                entry["nll_loss_diff"] = abs(lt - float(ref["nll_loss"]))
            report[folder.name] = entry
    return report


# ---------------------------------------------------------------------------------------------
# CLI
# ---------------------------------------------------------------------------------------------


def counts():
    out = {
        "authors_default": {"config": {"channel_number": list(AUTHORS_CHANNELS), "output_dim": 40, "input": list(AUTHORS_INPUT)},
                            "params": param_count(SFCN())},
        "authors_sex_model": {"config": {"channel_number": list(SEX_CHANNELS), "output_dim": 2, "input": list(AUTHORS_INPUT)},
                              "params": param_count(SFCN(SEX_CHANNELS, 2))},
    }
    per_layer = {}
    for k, v in SFCN().named_parameters():
        per_layer[k] = int(v.numel())
    out["authors_default"]["per_parameter"] = per_layer
    out["authors_default"]["buffers"] = {"running_mean+running_var": int(sum(b.numel() for n, b in SFCN().named_buffers() if "running" in n)),
                                         "num_batches_tracked": 6}
    for name, cfg in CASES.items():
        out[name] = {"config": {"channel_number": cfg["channel_number"], "output_dim": cfg["output_dim"], "input": cfg["input_shape"]},
                     "params": param_count(SFCN(cfg["channel_number"], cfg["output_dim"], cfg["dropout"],
                                                avg_shape_for(cfg["input_shape"][2:], len(cfg["channel_number"]))))}
    return out


def main(argv=None):
    torch.set_num_threads(1)
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    sub.add_parser("count", help="JSON parameter counts")
    f = sub.add_parser("fixtures", help="write the sfcn-* fixture folders")
    f.add_argument("--out", default=str(Path(__file__).resolve().parent / "fixtures"))
    c = sub.add_parser("check", help="reload the fixtures into this implementation and compare")
    c.add_argument("--fixtures", default=str(Path(__file__).resolve().parent / "fixtures"))
    a = sub.add_parser("authors", help="compare with the authors' code extracted at --src (dp_model/ under it)")
    a.add_argument("--src", required=True)
    a.add_argument("--fixtures", default=None)
    a.add_argument("--no-full", action="store_true", help="skip the 160x192x160 forward passes")
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
        for folder in sorted(Path(args.fixtures).glob("sfcn-*")):
            problems, d = check_case(folder)
            print(f"{folder.name}: max|diff| {d:.3g} {'OK' if not problems else problems}")
            bad += bool(problems)
        return 1 if bad else 0
    elif args.cmd == "authors":
        print(json.dumps(compare_authors(args.src, args.fixtures, not args.no_full), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
