#!/usr/bin/python3
"""Reference values for brainbench's metrics, computed with scikit-learn and scipy.

Writes tasks/src/test/resources/metrics/{classification,regression,segmentation}.json; the Java
tests recompute every case and compare. Run with Debian's python3 (scikit-learn 1.2, scipy 1.10):
    /usr/bin/python3 tools/metrics-reference/make_reference.py
Segmentation follows docs/metrics.md (MONAI-style): edges = mask minus its erosion by the 6-connected
cross (scipy binary_erosion, border_value 0), Euclidean distances in mm to the other mask's edges
(scipy distance_transform_edt with sampling), 95th percentile with linear interpolation, max of the
two directions; both empty: Dice 1, HD95 0; one empty: Dice 0, HD95 = image diagonal
sqrt(sum((n_i * spacing_i)^2)).
"""
import json
import os

import numpy as np
from scipy import ndimage
from sklearn import metrics as skm

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "tasks", "src", "test", "resources", "metrics")
rng = np.random.default_rng(20261122)


def classification_cases():
    cases = []
    for i in range(40):
        k = 2 if i < 24 else int(rng.integers(3, 6))
        n = int(rng.integers(5, 60))
        truth = rng.integers(0, k, n)
        if i % 7 == 3:  # ties in the scores
            logits = rng.integers(0, 3, (n, k)).astype(float)
        else:
            logits = rng.normal(size=(n, k)) + 1.5 * np.eye(k)[truth] * rng.uniform(0, 1.5)
        p = np.exp(logits)
        p /= p.sum(1, keepdims=True)
        p = np.round(p, 6)
        p /= p.sum(1, keepdims=True)
        if i == 5:  # one class only in the truth: auc undefined
            truth = np.zeros(n, int)
        cases.append((k, truth, p))
    out = []
    for k, truth, p in cases:
        pred = p.argmax(1)
        e = {"classes": k, "truth": truth.tolist(), "probabilities": p.tolist()}
        m = {"accuracy": skm.accuracy_score(truth, pred)}
        present = np.unique(truth)
        recalls = [np.mean(pred[truth == c] == c) for c in present]
        m["balancedAccuracy"] = float(np.mean(recalls))
        if k == 2:
            m["auc"] = None if len(present) < 2 else skm.roc_auc_score(truth, p[:, 1])
            m["f1"] = skm.f1_score(truth, pred, pos_label=1, average="binary", zero_division=0)
            m["sensitivity"] = skm.recall_score(truth, pred, pos_label=1, zero_division=0) if (truth == 1).any() else None
            m["specificity"] = skm.recall_score(truth, pred, pos_label=0, zero_division=0) if (truth == 0).any() else None
        else:
            if len(present) < k:
                m["auc"] = None
            else:
                m["auc"] = skm.roc_auc_score(truth, p, multi_class="ovr", average="macro", labels=list(range(k)))
            m["f1"] = skm.f1_score(truth, pred, average="macro", zero_division=0)
            sens, spec = [], []
            for c in present:
                t = truth == c
                q = pred == c
                sens.append(np.sum(t & q) / np.sum(t))
                neg = ~t
                spec.append(np.sum(neg & ~q) / np.sum(neg) if neg.any() else np.nan)
            m["sensitivity"] = float(np.mean(sens))
            m["specificity"] = float(np.nanmean(spec)) if not np.all(np.isnan(spec)) else None
        e["expected"] = {key: (None if v is None else float(v)) for key, v in m.items()}
        out.append(e)
    return out


def regression_cases():
    out = []
    for i in range(25):
        n = int(rng.integers(3, 80))
        truth = rng.uniform(20, 90, n)
        pred = truth + rng.normal(0, rng.uniform(0.5, 15), n)
        if i == 3:
            pred = np.full(n, 50.0)  # constant prediction: pearson undefined
        if i == 4:
            truth = np.full(n, 60.0)  # constant truth
        e = {"truth": truth.tolist(), "prediction": pred.tolist()}
        m = {
            "mae": skm.mean_absolute_error(truth, pred),
            "rmse": float(np.sqrt(skm.mean_squared_error(truth, pred))),
            "r2": skm.r2_score(truth, pred),
        }
        if np.std(truth) == 0 or np.std(pred) == 0:
            m["pearson"] = None
        else:
            m["pearson"] = float(np.corrcoef(truth, pred)[0, 1])
        e["expected"] = {k: (None if v is None else float(v)) for k, v in m.items()}
        out.append(e)
    return out


def edges(mask):
    cross = ndimage.generate_binary_structure(3, 1)
    return mask & ~ndimage.binary_erosion(mask, structure=cross, border_value=0)


def hd95(a, b, spacing):
    if not a.any() and not b.any():
        return 0.0
    if not a.any() or not b.any():
        return float(np.sqrt(np.sum((np.array(a.shape) * np.array(spacing)) ** 2)))
    ea, eb = edges(a), edges(b)
    dist_to_b = ndimage.distance_transform_edt(~eb, sampling=spacing)
    dist_to_a = ndimage.distance_transform_edt(~ea, sampling=spacing)
    return float(max(np.percentile(dist_to_b[ea], 95), np.percentile(dist_to_a[eb], 95)))


def dice(a, b):
    s = a.sum() + b.sum()
    return 1.0 if s == 0 else float(2 * (a & b).sum() / s)


def blob(shape, centre, radius, noise):
    z, y, x = np.indices(shape)  # arrays are stored x fastest below, so index order is (z, y, x)
    d = np.sqrt((x - centre[0]) ** 2 + (y - centre[1]) ** 2 + (z - centre[2]) ** 2)
    return d + noise < radius


def segmentation_sets():
    out = []
    for i in range(12):
        shape_xyz = [int(v) for v in rng.integers(6, 20, 3)]
        spacing = [float(v) for v in np.round(rng.uniform(0.5, 3.0, 3), 3)]
        shape = (shape_xyz[2], shape_xyz[1], shape_xyz[0])
        cases = []
        for c in range(int(rng.integers(1, 4))):
            truth = np.zeros(shape, np.uint8)
            pred = np.zeros(shape, np.uint8)
            for label in (1, 2, 4):
                if rng.uniform() < 0.8 or (i == 0 and label == 1):
                    centre = rng.uniform(0, np.array(shape_xyz))
                    r = rng.uniform(1, 5)
                    truth[blob(shape, centre, r, rng.normal(0, 0.5, shape))] = label
                if rng.uniform() < 0.8:
                    centre = rng.uniform(0, np.array(shape_xyz))
                    r = rng.uniform(1, 5)
                    pred[blob(shape, centre, r, rng.normal(0, 0.5, shape))] = label
            if i == 1 and c == 0:
                pred = truth.copy()  # perfect
            if i == 2 and c == 0:
                truth[:] = 0  # empty truth
            cases.append((truth, pred))
        labels = sorted({int(v) for t, p in cases for v in np.unique(np.concatenate([t.ravel(), p.ravel()])) if v != 0})
        per_case = []
        for t, p in cases:
            per_case.append({
                "dice": {str(l): dice(t == l, p == l) for l in labels},
                "hd95": {str(l): hd95(t == l, p == l, spacing[::-1]) for l in labels},
            })
        dice_per = {str(l): float(np.mean([c["dice"][str(l)] for c in per_case])) for l in labels}
        hd_per = {str(l): float(np.mean([c["hd95"][str(l)] for c in per_case])) for l in labels}
        out.append({
            "shape": shape_xyz,
            "spacing": spacing,
            "cases": [{"truth": t.ravel().tolist(), "prediction": p.ravel().tolist()} for t, p in cases],
            "expected": {
                "labels": labels,
                "perCase": per_case,
                "dice": float(np.mean(list(dice_per.values()))) if labels else None,
                "dicePerLabel": dice_per,
                "hd95": float(np.mean(list(hd_per.values()))) if labels else None,
                "hd95PerLabel": hd_per,
            },
        })
    return out


os.makedirs(OUT, exist_ok=True)
for name, data in (("classification", classification_cases()), ("regression", regression_cases()),
                   ("segmentation", segmentation_sets())):
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump(data, f)
    print(name, len(data))
