#!/usr/bin/python3
"""Compare `brainbench inspect` output with nibabel's reading of the same files.

Usage: bin/brainbench inspect FILE... | /usr/bin/python3 tools/nifti-corpus/compare_inspect.py
Exit 1 if any field differs beyond float tolerance. nibabel is only a reference for maintainers,
never a dependency of brainbench. brainbench's affine for files with both xform codes 0 is the
voxel-size diagonal (the NIfTI standard's method 1), not nibabel's centred base affine.
"""
import json
import sys

import nibabel as nib
import numpy as np


def expected(path):
    img = nib.load(path)
    h = img.header
    raw = open(path, "rb").read(4)
    sform, qform = int(h["sform_code"]), int(h["qform_code"])
    if 0 < sform <= 5:
        aff = h.get_sform()
    elif 0 < qform <= 5:
        aff = h.get_qform()
    else:
        z = list(h.get_zooms()[:3]) + [1.0] * (3 - len(h.get_zooms()[:3]))
        aff = np.diag(z + [1.0])
    data = img.get_fdata(dtype=np.float64)
    finite = data[~np.isnan(data)]
    return {
        "shape": list(img.shape),
        "spacing": [float(z) for z in h.get_zooms()],
        "datatype": str(h.get_data_dtype().newbyteorder("=")).replace("<", "").replace(">", ""),
        "affine": aff.tolist(),
        "min": float(finite.min()) if finite.size else None,
        "max": float(finite.max()) if finite.size else None,
        "mean": float(finite.mean()) if finite.size else None,
        "nanCount": int(np.isnan(data).sum()),
    }


def close(a, b, tol):
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= tol * max(1.0, abs(b))


bad = 0
n = 0
for line in sys.stdin:
    got = json.loads(line)
    n += 1
    if "error" in got:
        print(f"{got['path']}: brainbench error: {got['error']}")
        bad += 1
        continue
    want = expected(got["path"])
    problems = []
    if got["shape"] != want["shape"]:
        problems.append(f"shape {got['shape']} vs {want['shape']}")
    if not all(close(a, b, 1e-6) for a, b in zip(got["spacing"], want["spacing"])):
        problems.append(f"spacing {got['spacing']} vs {want['spacing']}")
    if np.max(np.abs(np.array(got["affine"]) - np.array(want["affine"]))) > 1e-5:
        problems.append(f"affine {got['affine']} vs {want['affine']}")
    for k in ("min", "max", "mean"):
        if not close(got[k], want[k], 1e-9):
            problems.append(f"{k} {got[k]} vs {want[k]}")
    if got["nanCount"] != want["nanCount"]:
        problems.append(f"nanCount {got['nanCount']} vs {want['nanCount']}")
    if problems:
        bad += 1
        print(f"{got['path']}: " + "; ".join(problems))
print(f"{n} files compared, {bad} differ")
sys.exit(1 if bad else 0)
