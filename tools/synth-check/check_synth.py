#!/usr/bin/python3
"""Independent sanity / alignment / learnability checks of a brainbench synthetic dataset.

Usage:  /usr/bin/python3 tools/synth-check/check_synth.py DATASET_DIR [--out DIR] [--seed N]

DATASET_DIR holds {classify,regress,segment,pretrain}/manifest.csv (paths relative to each
task folder).  Needs nibabel, numpy, scipy, scikit-learn (Debian python3 packages); matplotlib
is optional (a PNG of the mean image vs Colin27 is written to --out when given).
Prints a report; with --out also writes report.json (all numbers) and mean_vs_colin.png.
"""
import argparse
import csv
import json
import os
import sys
import time
from collections import defaultdict

import numpy as np
import nibabel as nib
from nibabel.processing import resample_from_to
from scipy import ndimage, stats

COLIN = "/usr/share/mricron/templates/ch2bet.nii.gz"
AAL = "/usr/share/mricron/templates/aal.nii.gz"
MTL_LABELS = (37, 38, 39, 40, 41, 42)  # AAL hippocampus, parahippocampal, amygdala
OPPOSITE = {"R": "L", "L": "R", "A": "P", "P": "A", "S": "I", "I": "S"}
T0 = time.time()
REPORT = {}


def log(msg=""):
    print(msg, flush=True)


def section(title):
    log()
    log("=" * 78)
    log(f"{title}   [t={time.time() - T0:.0f}s]")
    log("=" * 78)


def put(key, value):
    REPORT[key] = value


def fmt(x, nd=3):
    return f"{x:.{nd}f}"


# --------------------------------------------------------------------------- I/O
def read_manifest(task_dir):
    with open(os.path.join(task_dir, "manifest.csv"), newline="") as f:
        return list(csv.DictReader(f))


def load(path):
    img = nib.load(path)
    data = np.asarray(img.get_fdata(dtype=np.float32))
    return img, data


def ras_grid(img):
    """(shape, affine) of the RAS-ordered version of img's grid."""
    can = nib.as_closest_canonical(img)
    return can.shape[:3], can.affine


def to_grid(img, grid, order=1, data=None):
    """Resample img (or data on img's grid) into grid=(shape, affine) using the affines."""
    if data is not None:
        img = nib.Nifti1Image(data.astype(np.float32), img.affine)
    out = resample_from_to(img, grid, order=order, mode="constant", cval=0.0)
    return np.asarray(out.dataobj, dtype=np.float32)


def zstats(data):
    m = data != 0
    v = data[m]
    return float(v.mean()), float(v.std()), m


def corr(a, b):
    a = a - a.mean()
    b = b - b.mean()
    return float((a * b).sum() / np.sqrt((a * a).sum() * (b * b).sum()))


def world_com(mask, affine, weights=None):
    ijk = np.argwhere(mask)
    w = None if weights is None else weights[mask]
    c = np.average(ijk, axis=0, weights=w)
    return (affine[:3, :3] @ c + affine[:3, 3]), int(mask.sum())


def block_mean(x, f=2):
    s = [d // f * f for d in x.shape]
    x = x[: s[0], : s[1], : s[2]]
    return x.reshape(s[0] // f, f, s[1] // f, f, s[2] // f, f).mean(axis=(1, 3, 5))


# --------------------------------------------------------------------------- sanity
def sanity_image(path, img, data, site, stats_by_site, problems):
    raw = np.asanyarray(img.dataobj)
    if not np.all(np.isfinite(data)):
        problems.append(f"{path}: non-finite values")
    hdr = img.header
    slope, inter = img.dataobj.slope, img.dataobj.inter
    nz = data[data != 0]
    s = stats_by_site[site]
    s["n"] += 1
    s["dtype"].add(str(img.get_data_dtype()))
    s["codes"].add("".join(nib.aff2axcodes(img.affine)))
    s["min"].append(float(data.min()))
    s["max"].append(float(data.max()))
    s["median_nz"].append(float(np.median(nz)) if nz.size else 0.0)
    s["p99_nz"].append(float(np.percentile(nz, 99)) if nz.size else 0.0)
    s["frac_nz"].append(float((data != 0).mean()))
    s["neg"] += int((data < 0).sum())
    s["slope"].append(float(slope) if slope is not None else 1.0)
    s["inter"].append(float(inter) if inter is not None else 0.0)
    # brain touching the border of the field of view (cut-off anatomy), per world face
    m = data != 0
    border = 0
    for ax, code in enumerate(nib.aff2axcodes(img.affine)):
        for end, name in ((0, OPPOSITE[code]), (-1, code)):
            k = int(np.take(m, end, axis=ax).sum())
            border += k
            if k:
                s["faces"][name] += 1
    s["border_vox"].append(int(border))
    if hdr["sform_code"] == 0 and hdr["qform_code"] == 0:
        problems.append(f"{path}: no sform/qform")
    # sform and qform agree?
    if hdr["sform_code"] > 0 and hdr["qform_code"] > 0:
        if not np.allclose(hdr.get_sform(), hdr.get_qform(), atol=1e-3):
            problems.append(f"{path}: sform != qform")


def report_site_stats(task, stats_by_site):
    rows = {}
    for site in sorted(stats_by_site):
        s = stats_by_site[site]
        row = {
            "n_images": s["n"],
            "dtype": sorted(s["dtype"]),
            "axcodes": sorted(s["codes"]),
            "min": min(s["min"]),
            "max_median": float(np.median(s["max"])),
            "max_max": max(s["max"]),
            "median_nonzero": float(np.median(s["median_nz"])),
            "p99_nonzero_median": float(np.median(s["p99_nz"])),
            "frac_nonzero_mean": float(np.mean(s["frac_nz"])),
            "negative_voxels": s["neg"],
            "images_brain_on_fov_border": int(sum(b > 0 for b in s["border_vox"])),
            "max_border_voxels": int(max(s["border_vox"])),
            "border_faces": dict(s["faces"]),
        }
        rows[site] = row
        log(
            f"  {task:9s} {site}: n={row['n_images']:3d} {row['dtype']} {row['axcodes']} "
            f"min={row['min']:.1f} median(nz)={row['median_nonzero']:.1f} "
            f"p99(nz)={row['p99_nonzero_median']:.1f} max~{row['max_median']:.0f} "
            f"brain-frac={row['frac_nonzero_mean']:.3f} neg={row['negative_voxels']} "
            f"FOV-border-imgs={row['images_brain_on_fov_border']} {row['border_faces']} (max {row['max_border_voxels']} vox)"
        )
    return rows


def new_site_stats():
    return defaultdict(lambda: {"n": 0, "dtype": set(), "codes": set(), "min": [], "max": [], "median_nz": [],
                                "p99_nz": [], "frac_nz": [], "neg": 0, "slope": [], "inter": [], "border_vox": [],
                                "faces": defaultdict(int)})


# --------------------------------------------------------------------------- T1 tasks loading
def load_t1_task(root, task, colin_grid, colin_ras, aal_ras, problems, all_stats):
    """Load a single-channel task; return dict with per-image arrays on the task's RAS grid."""
    tdir = os.path.join(root, task)
    rows = read_manifest(tdir)
    site_stats = new_site_stats()
    grid = None
    out = defaultdict(list)
    for r in rows:
        p = os.path.join(tdir, r["image"])
        img, data = load(p)
        if grid is None:
            grid = ras_grid(img)
        sanity_image(p, img, data, r["site"], site_stats, problems)
        mu, sd, m = zstats(data)
        ras = to_grid(img, grid, order=1)  # same voxel centres, only flips -> exact
        mras = ras != 0
        z = np.where(mras, (ras - mu) / sd, 0.0).astype(np.float32)
        com, vol = world_com(m, img.affine)
        # hand-made features: fraction of dark (CSF-like) voxels in brain and in the MTL ROI
        ref = np.percentile(data[m], 95)
        dark = (data < 0.5 * ref) & m
        dark_ras = (ras < 0.5 * ref) & mras
        mtl = aal_ras & mras
        out["z"].append(z)
        out["mask"].append(mras)
        out["mu"].append(mu)
        out["sd"].append(sd)
        out["com"].append(com)
        out["vol"].append(vol)
        out["dark"].append(float(dark.sum() / m.sum()))
        out["mtl_dark"].append(float(dark_ras[mtl].sum() / max(1, mtl.sum())))
        out["mean_raw"].append(float(data[m].mean()))
        out["affine"].append(img.affine)
        out["path"].append(p)
    all_stats[task] = report_site_stats(task, site_stats)
    out["rows"] = rows
    out["grid"] = grid
    return out


# --------------------------------------------------------------------------- 1. alignment
def alignment(root, args, colin_img, colin_z, colin_mask, grid2, problems):
    section("1. ALIGNMENT of pretrain images with Colin27 (2 mm world grid, linear resampling)")
    tdir = os.path.join(root, "pretrain")
    rows = read_manifest(tdir)
    cm = colin_mask
    cz = colin_z[cm]
    cz_flip = colin_z[::-1][cm]  # Colin mirrored left-right (axis 0 is R in the RAS 2 mm grid)
    cs = ndimage.gaussian_filter(colin_z, 1.0)  # Colin smoothed to about the simulated resolution (sigma 2 mm)
    csm = cs[cm]
    corrs_s = []
    acc = np.zeros(grid2[0], np.float64)
    acc_mask = np.zeros(grid2[0], np.float64)
    per_site_acc = defaultdict(lambda: np.zeros(grid2[0], np.float64))
    per_site_n = defaultdict(int)
    corrs, corrs_flip, sites, coms, vols = [], [], [], [], []
    for r in rows:
        img, data = load(os.path.join(tdir, r["image"]))
        mu, sd, m = zstats(data)
        res = to_grid(img, grid2, order=1)
        z = (res - mu) / sd  # background (0) maps to the z of intensity 0, like Colin's
        acc += z
        acc_mask += res != 0
        per_site_acc[r["site"]] += z
        per_site_n[r["site"]] += 1
        corrs.append(corr(z[cm], cz))
        corrs_flip.append(corr(z[cm], cz_flip))
        corrs_s.append(corr(z[cm], csm))
        com, vol = world_com(m, img.affine)
        coms.append(com)
        vols.append(vol * abs(np.linalg.det(img.affine[:3, :3])) / 1000.0)
        sites.append(r["site"])
    n = len(rows)
    mean = acc / n
    corrs = np.array(corrs)
    corrs_flip = np.array(corrs_flip)
    sites = np.array(sites)
    coms = np.array(coms)
    vols = np.array(vols)
    c_mean = corr(mean[cm], cz)
    c_mean_flip = corr(mean[cm], cz_flip)
    corrs_s = np.array(corrs_s)
    c_mean_s = corr(mean[cm], csm)
    # centres of mass: mean brain mask (== volume-weighted mean of subject COMs) vs Colin's mask
    colin_com, colin_vol = world_com(cm, grid2[1])
    colin_com1, colin_vol1 = world_com(np.asarray(colin_img.dataobj) > 0, colin_img.affine)
    mean_mask_com, _ = world_com(acc_mask > 0, grid2[1], weights=acc_mask)
    # intensity-weighted COM
    mean_int = mean - mean[acc_mask == 0].mean() if (acc_mask == 0).any() else mean
    log(f"  subjects: {n}")
    log(f"  corr(mean z-image, Colin27) in Colin mask: {fmt(c_mean)}  (Colin smoothed sigma=2mm: {fmt(c_mean_s)};"
        f" vs LR-mirrored Colin: {fmt(c_mean_flip)})")
    log(f"  individual subjects: corr min {fmt(corrs.min())}  median {fmt(np.median(corrs))}  max {fmt(corrs.max())};"
        f" subjects better matched by LR-mirrored Colin: {(corrs_flip > corrs).sum()}/{n}")
    log(f"  individual vs smoothed Colin: min {fmt(corrs_s.min())}  median {fmt(np.median(corrs_s))}"
        f"  max {fmt(corrs_s.max())}")
    log(f"  COM (world mm) Colin27 brain mask (1mm): {np.round(colin_com1, 2)}  vol {colin_vol1 / 1000:.0f} ml")
    log(f"  COM (world mm) mean subject brain mask:  {np.round(mean_mask_com, 2)}"
        f"  (diff {np.round(mean_mask_com - colin_com1, 2)})")
    log(f"  subject COM sd (mm): {np.round(coms.std(0), 2)}; brain(+CSF) mask volume ml: mean {vols.mean():.0f}"
        f" sd {vols.std():.0f} (Colin {colin_vol1 / 1000:.0f})")
    site_res = {}
    site_means = {}
    for s in sorted(per_site_acc):
        sm = per_site_acc[s] / per_site_n[s]
        site_means[s] = sm
        k = sites == s
        site_res[s] = {
            "n": int(k.sum()),
            "corr_site_mean_vs_colin": corr(sm[cm], cz),
            "corr_site_mean_vs_colin_LRflip": corr(sm[cm], cz_flip),
            "indiv_corr_median": float(np.median(corrs[k])),
            "indiv_corr_min": float(corrs[k].min()),
            "indiv_corr_smoothed_median": float(np.median(corrs_s[k])),
            "com_mean_mm": np.round(coms[k].mean(0), 2).tolist(),
        }
        log(f"  {s}: n={k.sum():3d} corr(site mean, Colin)={fmt(site_res[s]['corr_site_mean_vs_colin'])}"
            f" (LR-mirrored {fmt(site_res[s]['corr_site_mean_vs_colin_LRflip'])})"
            f"  indiv median {fmt(site_res[s]['indiv_corr_median'])} min {fmt(site_res[s]['indiv_corr_min'])}"
            f" (vs smoothed Colin {fmt(site_res[s]['indiv_corr_smoothed_median'])})"
            f"  COM {site_res[s]['com_mean_mm']}")
    names = sorted(site_means)
    pair = {}
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            pair[f"{a}~{b}"] = corr(site_means[a][cm], site_means[b][cm])
            pair[f"{a}~{b}(b LR-flipped)"] = corr(site_means[a][cm], site_means[b][::-1][cm])
    log("  site-mean vs site-mean corr: " + ", ".join(f"{k} {v:.3f}" for k, v in pair.items() if "flip" not in k))
    log("  ... same with second LR-flipped: " + ", ".join(f"{k.split('(')[0]} {v:.3f}" for k, v in pair.items() if "flip" in k))
    # LR asymmetry check: (mean - mirrored mean) vs (Colin - mirrored Colin)
    asym_mean = (mean - mean[::-1])[cm]
    asym_colin = (colin_z - colin_z[::-1])[cm]
    a_corr = corr(asym_mean, asym_colin)
    log(f"  corr of LR-asymmetry maps (mean - mirrored) vs (Colin - mirrored): {fmt(a_corr)}  (>0: L/R not swapped)")
    for s in names:
        site_res[s]["asym_corr"] = corr((site_means[s] - site_means[s][::-1])[cm], asym_colin)
    log("  per site: " + ", ".join(f"{s} {site_res[s]['asym_corr']:.3f}" for s in names))
    put("alignment", {
        "n": n, "corr_mean_vs_colin": c_mean, "corr_mean_vs_colin_smoothed": c_mean_s,
        "corr_mean_vs_colin_LRflip": c_mean_flip,
        "indiv_corr_min": float(corrs.min()), "indiv_corr_median": float(np.median(corrs)),
        "indiv_better_flipped": int((corrs_flip > corrs).sum()),
        "indiv_corr_smoothed_min": float(corrs_s.min()), "indiv_corr_smoothed_median": float(np.median(corrs_s)),
        "com_colin_mm": colin_com1.tolist(), "com_mean_brain_mm": mean_mask_com.tolist(),
        "com_sd_mm": coms.std(0).tolist(), "mask_volume_ml_mean": float(vols.mean()),
        "colin_volume_ml": colin_vol1 / 1000, "per_site": site_res, "site_pairs": pair, "asym_corr": a_corr,
    })
    if args.out:
        try:
            import matplotlib
            matplotlib.use("Agg")
            import matplotlib.pyplot as plt
            fig, ax = plt.subplots(2, 3, figsize=(12, 8))
            c = [s // 2 for s in mean.shape]
            for row, (vol, name) in enumerate(((mean, "mean pretrain"), (colin_z, "Colin27"))):
                ax[row, 0].imshow(vol[c[0]].T, origin="lower", cmap="gray")
                ax[row, 1].imshow(vol[:, c[1]].T, origin="lower", cmap="gray")
                ax[row, 2].imshow(vol[:, :, c[2]].T, origin="lower", cmap="gray")
                ax[row, 0].set_ylabel(name)
            fig.tight_layout()
            fig.savefig(os.path.join(args.out, "mean_vs_colin.png"), dpi=80)
        except Exception as e:  # noqa: BLE001
            log(f"  (no figure: {e})")


# --------------------------------------------------------------------------- 2. learnability
def features(task_data, union_thr=0.02):
    """Common world grid at ~6 mm: z-scored RAS images, 2x2x2 block means, voxels inside the brain union."""
    Z = np.stack([block_mean(z) for z in task_data["z"]])
    M = np.stack([block_mean(m.astype(np.float32)) for m in task_data["mask"]])
    keep = M.mean(0) > union_thr
    return Z[:, keep].astype(np.float64)


def cv_splits(groups, k=5):
    from sklearn.model_selection import GroupKFold
    return list(GroupKFold(n_splits=k).split(np.zeros(len(groups)), groups=groups))


def regress_check(d, args):
    from sklearn.decomposition import PCA
    from sklearn.linear_model import RidgeCV
    from sklearn.pipeline import make_pipeline
    from sklearn.metrics import mean_absolute_error, r2_score
    section("2a. REGRESS (age): 6mm z-scored world-grid features -> PCA + ridge, GroupKFold(5) by subject")
    rows = d["rows"]
    y = np.array([float(r["age"]) for r in rows])
    groups = np.array([r["subject_id"] for r in rows])
    X = features(d)
    log(f"  images {len(y)}, subjects {len(set(groups))}, features {X.shape[1]}, age {y.min():.1f}-{y.max():.1f}")
    res = {}
    for ncomp in (20, 50, 100):
        pred = np.zeros_like(y)
        base = np.zeros_like(y)
        for tr, te in cv_splits(groups):
            model = make_pipeline(PCA(n_components=min(ncomp, len(tr) - 1), random_state=0),
                                  RidgeCV(alphas=np.logspace(-3, 5, 17)))
            model.fit(X[tr], y[tr])
            pred[te] = model.predict(X[te])
            base[te] = y[tr].mean()
        res[ncomp] = {"MAE": mean_absolute_error(y, pred), "R2": r2_score(y, pred),
                      "MAE_mean_baseline": mean_absolute_error(y, base), "R2_mean_baseline": r2_score(y, base)}
        log(f"  PCA{ncomp:3d}+ridge: MAE {res[ncomp]['MAE']:.2f} y  R2 {res[ncomp]['R2']:.3f}   "
            f"(predict-the-mean: MAE {res[ncomp]['MAE_mean_baseline']:.2f}, R2 {res[ncomp]['R2_mean_baseline']:.3f})")
    dark = np.array(d["dark"])
    r_dark = stats.pearsonr(dark, y)[0]
    mtl = np.array(d["mtl_dark"])
    r_mtl = stats.pearsonr(mtl, y)[0]
    # per site (intensity contrast differs between sites)
    sites = np.array([r["site"] for r in rows])
    per_site = {s: float(stats.pearsonr(dark[sites == s], y[sites == s])[0]) for s in sorted(set(sites))}
    # linear fit of age on dark fraction, CV
    pred = np.zeros_like(y)
    for tr, te in cv_splits(groups):
        A = np.c_[dark[tr], np.ones(len(tr))]
        coef = np.linalg.lstsq(A, y[tr], rcond=None)[0]
        pred[te] = np.c_[dark[te], np.ones(len(te))] @ coef
    mae_dark = float(np.mean(np.abs(pred - y)))
    log(f"  hand feature: dark(<0.5*p95) voxel fraction in brain vs age: Pearson r {r_dark:.3f}"
        f" (per site: {', '.join(f'{k} {v:.2f}' for k, v in per_site.items())}); 1-feature linear CV MAE {mae_dark:.2f}")
    log(f"  dark fraction in AAL medial-temporal ROI vs age: r {r_mtl:.3f}")
    vol = np.array(d["vol"])
    sex = np.array([r["sex"] for r in rows])
    log(f"  brain-mask voxel count vs age r {stats.pearsonr(vol, y)[0]:.3f}; M/F mask volume ratio "
        f"{vol[sex == 'M'].mean() / vol[sex == 'F'].mean():.3f}")
    site_age = {s: float(y[sites == s].mean()) for s in sorted(set(sites))}
    log(f"  mean age per site: {', '.join(f'{k} {v:.1f}' for k, v in site_age.items())}")
    put("regress", {"pca_ridge": res, "r_dark_age": r_dark, "r_dark_age_per_site": per_site,
                    "mae_dark_linear": mae_dark, "r_mtl_dark_age": r_mtl, "mean_age_per_site": site_age})


def classify_check(d, args):
    from sklearn.decomposition import PCA
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler
    from sklearn.pipeline import make_pipeline
    from sklearn.metrics import roc_auc_score, balanced_accuracy_score
    section("2b. CLASSIFY (AD vs CN): same features -> PCA + logistic regression, GroupKFold(5) by subject")
    rows = d["rows"]
    y = np.array([1 if r["label"] == "AD" else 0 for r in rows])
    age = np.array([float(r["age"]) for r in rows])
    groups = np.array([r["subject_id"] for r in rows])
    sites = np.array([r["site"] for r in rows])
    sex = np.array([r["sex"] for r in rows])
    X = features(d)
    log(f"  images {len(y)} (AD {y.sum()}, CN {(1 - y).sum()}), subjects {len(set(groups))}, features {X.shape[1]}")
    res = {}
    for ncomp, C in ((20, 1.0), (50, 0.1), (50, 1.0), (100, 0.1)):
        prob = np.zeros(len(y))
        for tr, te in cv_splits(groups):
            model = make_pipeline(PCA(n_components=min(ncomp, len(tr) - 1), random_state=0), StandardScaler(),
                                  LogisticRegression(C=C, max_iter=5000))
            model.fit(X[tr], y[tr])
            prob[te] = model.predict_proba(X[te])[:, 1]
        key = f"PCA{ncomp}_C{C}"
        res[key] = {"AUC": roc_auc_score(y, prob), "balanced_acc": balanced_accuracy_score(y, prob > 0.5)}
        log(f"  {key:14s}: AUC {res[key]['AUC']:.3f}  balanced acc {res[key]['balanced_acc']:.3f}")
    auc_age = roc_auc_score(y, age)
    dark = np.array(d["dark"])
    mtl = np.array(d["mtl_dark"])
    auc_dark = roc_auc_score(y, dark)
    auc_mtl = roc_auc_score(y, mtl)
    # MTL dark fraction adjusted for age and site (residual)
    A = np.c_[age, (sites[:, None] == np.array(sorted(set(sites)))[None]).astype(float)]
    resid = mtl - A @ np.linalg.lstsq(A, mtl, rcond=None)[0]
    auc_mtl_adj = roc_auc_score(y, resid)
    # best hand-feature 2D model: age + MTL dark fraction + site dummies, grouped CV
    F = np.c_[age, mtl, dark, A[:, 1:]]
    prob = np.zeros(len(y))
    for tr, te in cv_splits(groups):
        m = make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=5000)).fit(F[tr], y[tr])
        prob[te] = m.predict_proba(F[te])[:, 1]
    auc_hand = roc_auc_score(y, prob)
    bacc_hand = balanced_accuracy_score(y, prob > 0.5)
    log(f"  age alone AUC {auc_age:.3f} (mean age AD {age[y == 1].mean():.1f}, CN {age[y == 0].mean():.1f})")
    log(f"  hand features AUC: whole-brain dark fraction {auc_dark:.3f}; AAL-MTL dark fraction {auc_mtl:.3f}"
        f" (age+site adjusted {auc_mtl_adj:.3f}); logistic(age, MTL, dark, site) CV AUC {auc_hand:.3f}"
        f" bacc {bacc_hand:.3f}")
    ct = {s: (int(((sites == s) & (y == 1)).sum()), int(((sites == s) & (y == 0)).sum())) for s in sorted(set(sites))}
    chi2 = stats.chi2_contingency(np.array(list(ct.values())))[1]
    log(f"  AD/CN per site: {ct} (chi2 p={chi2:.2f});  AD fraction M {y[sex == 'M'].mean():.2f} F {y[sex == 'F'].mean():.2f}")
    mean_raw = np.array(d["mean_raw"])
    log(f"  shortcut checks: AUC of mean raw intensity {roc_auc_score(y, mean_raw):.3f}, "
        f"of brain-mask voxel count {roc_auc_score(y, np.array(d['vol'])):.3f}")
    put("classify", {"pca_logreg": res, "auc_age": auc_age, "auc_dark": auc_dark, "auc_mtl_dark": auc_mtl,
                     "auc_mtl_dark_adj": auc_mtl_adj, "auc_hand_logreg": auc_hand, "bacc_hand_logreg": bacc_hand,
                     "ad_cn_per_site": ct, "site_chi2_p": chi2})


def sessions_check(task, d):
    rows = d["rows"]
    by_subj = defaultdict(dict)
    for i, r in enumerate(rows):
        by_subj[r["subject_id"]][r.get("session")] = i
    pairs = [(v["ses-1"], v["ses-2"]) for v in by_subj.values() if "ses-1" in v and "ses-2" in v]
    if not pairs:
        log(f"  {task}: no subjects with two sessions")
        return None
    union = np.any(np.stack(d["mask"]), axis=0)
    Z = np.stack([z[union] for z in d["z"]]).astype(np.float64)
    Z -= Z.mean(1, keepdims=True)
    Z /= np.linalg.norm(Z, axis=1, keepdims=True)
    C = Z @ Z.T
    sites = np.array([r["site"] for r in rows])
    same = np.array([C[a, b] for a, b in pairs])
    ident = 0
    diff_site_same = []
    for a, b in pairs:
        others = [j for j in range(len(rows)) if j not in (a, b)]
        if C[a, b] > C[a, others].max():
            ident += 1
        diff_site_same.extend(C[a, [j for j in others if sites[j] == sites[a]]])
    iu = np.triu_indices(len(rows), 1)
    subj = np.array([r["subject_id"] for r in rows])
    different = C[iu][subj[iu[0]] != subj[iu[1]]]
    # consistency of metadata across sessions
    meta_bad = []
    for a, b in pairs:
        ra, rb = rows[a], rows[b]
        for key in ("sex", "site", "label"):
            if key in ra and ra[key] != rb[key]:
                meta_bad.append((ra["subject_id"], key))
        if float(rb["age"]) <= float(ra["age"]):
            meta_bad.append((ra["subject_id"], "age not increasing"))
    gaps = np.array([float(rows[b]["age"]) - float(rows[a]["age"]) for a, b in pairs])
    log(f"  {task}: {len(pairs)} subjects with 2 sessions; corr ses-1~ses-2 median {np.median(same):.3f}"
        f" (min {same.min():.3f}); different subjects median {np.median(different):.3f} (max {different.max():.3f});"
        f" different subjects same site median {np.median(diff_site_same):.3f}; "
        f"ses-2 is ses-1's best match in {ident}/{len(pairs)}; follow-up gap {gaps.min():.1f}-{gaps.max():.1f} y;"
        f" metadata inconsistencies: {meta_bad or 'none'}")
    return {"pairs": len(pairs), "same_median": float(np.median(same)), "same_min": float(same.min()),
            "diff_median": float(np.median(different)), "diff_max": float(different.max()),
            "diff_same_site_median": float(np.median(diff_site_same)), "identified": ident,
            "meta_inconsistent": meta_bad}


# --------------------------------------------------------------------------- segment
def segment_check(root, args, problems, all_stats):
    from sklearn.ensemble import HistGradientBoostingClassifier
    section("2c. SEGMENT: grids, label statistics, voxel classifier (train half / test half)")
    tdir = os.path.join(root, "segment")
    rows = read_manifest(tdir)
    site_stats = {"t1ce": new_site_stats(), "flair": new_site_stats()}
    grid_bad = []
    labels_seen = defaultdict(int)
    vox = defaultdict(list)
    outside = 0
    subj = []
    lab_int = defaultdict(list)
    centroids = []
    for r in rows:
        ipaths = [os.path.join(tdir, p) for p in r["image"].split(";")]
        mpath = os.path.join(tdir, r["mask"])
        imgs = [load(p) for p in ipaths]
        mimg, mask = load(mpath)
        for p, (img, data) in zip(ipaths, imgs):
            ch = "t1ce" if "t1ce" in os.path.basename(p) else "flair"
            sanity_image(p, img, data, r["site"], site_stats[ch], problems)
            if img.shape != mimg.shape or not np.array_equal(img.affine, mimg.affine):
                grid_bad.append((r["subject_id"], ch))
        mask = np.rint(mask).astype(np.int16)
        u, c = np.unique(mask, return_counts=True)
        for a, b in zip(u, c):
            labels_seen[int(a)] += 1
        for lab in (1, 2, 4):
            vox[lab].append(int((mask == lab).sum()))
        brain = imgs[0][1] != 0
        outside += int(((mask > 0) & ~brain).sum())
        chans = []
        for (img, data) in imgs:
            mu, sd, m = zstats(data)
            z = np.where(m, (data - mu) / sd, 0).astype(np.float32)
            chans.append(z)
        feats = []
        for z in chans:
            feats.append(z)
            feats.append(ndimage.gaussian_filter(z, 1.0))
            feats.append(ndimage.gaussian_filter(z, 2.5))
        F = np.stack([f[brain] for f in feats], 1)
        subj.append({"id": r["subject_id"], "F": F, "y": mask[brain]})
        for lab in (0, 1, 2, 4):
            sel = mask[brain] == lab
            if sel.any():
                for c, z in enumerate(chans):
                    v = z[brain][sel]
                    lab_int[(lab, c)].append((float(v.mean()), float(v.std())))
        if (mask > 0).any():
            com, _ = world_com(mask > 0, imgs[0][0].affine)
            centroids.append(com)
    for ch in site_stats:
        all_stats[f"segment-{ch}"] = report_site_stats(f"seg-{ch}", site_stats[ch])
    n = len(rows)
    log(f"  subjects {n}; images on exactly the mask's grid (shape+affine equal): {'all' if not grid_bad else f'NOT {grid_bad[:5]}'}")
    log(f"  label values present (number of subjects): {dict(sorted(labels_seen.items()))}; "
        f"mask voxels outside brain: {outside}")
    vs = {}
    for lab in (1, 2, 4):
        v = np.array(vox[lab])
        vs[lab] = {"mean": float(v.mean()), "median": float(np.median(v)), "min": int(v.min()), "max": int(v.max()),
                   "subjects_present": int((v > 0).sum())}
        log(f"  label {lab}: voxels/subject mean {v.mean():.0f} median {np.median(v):.0f} range {v.min()}-{v.max()};"
            f" present in {(v > 0).sum()}/{n} subjects")
    names = ["t1ce", "flair"]
    parts = []
    for lab in (0, 1, 2, 4):
        for c in range(2):
            a = np.array(lab_int[(lab, c)])
            if len(a):
                parts.append(f"L{lab} {names[c]} {a[:, 0].mean():+.2f}(sd within {a[:, 1].mean():.2f})")
    log("  per-label intensity, z within brain: mean over subjects (mean within-subject sd):")
    for i in range(0, len(parts), 2):
        log("    " + ";  ".join(parts[i:i + 2]))
    cen = np.array(centroids)
    log(f"  tumour-mask centroid (world mm): x<0 in {(cen[:, 0] < 0).sum()}/{len(cen)},"
        f" x range {cen[:, 0].min():.0f}..{cen[:, 0].max():.0f}, y {cen[:, 1].min():.0f}..{cen[:, 1].max():.0f},"
        f" z {cen[:, 2].min():.0f}..{cen[:, 2].max():.0f}")
    wt = np.array(vox[1]) + np.array(vox[2]) + np.array(vox[4])
    voxml = (3.09375 ** 3) / 1000
    log(f"  whole tumour: mean {wt.mean():.0f} vox (~{wt.mean() * voxml:.0f} ml at 3.09 mm), "
        f"range {wt.min()}-{wt.max()}")
    # train on first half, test on second half (disjoint subjects)
    rng = np.random.default_rng(args.seed)
    order = rng.permutation(n)
    tr_idx, te_idx = order[: n // 2], order[n // 2:]
    Xtr, ytr = [], []
    for i in tr_idx:
        s = subj[i]
        pos = np.flatnonzero(s["y"] > 0)
        neg = np.flatnonzero(s["y"] == 0)
        neg = rng.choice(neg, size=min(len(neg), max(2000, 2 * len(pos))), replace=False)
        sel = np.r_[pos, neg]
        Xtr.append(s["F"][sel])
        ytr.append(s["y"][sel])
    Xtr = np.concatenate(Xtr)
    ytr = np.concatenate(ytr)
    clf = HistGradientBoostingClassifier(max_iter=150, learning_rate=0.1, max_leaf_nodes=31, random_state=0)
    clf.fit(Xtr, ytr)
    log(f"  classifier: HistGradientBoosting on 6 voxel features (t1ce, flair z-scored + gaussian means 1, 2.5 vox),"
        f" trained on {len(tr_idx)} subjects ({len(ytr)} voxels), tested on {len(te_idx)}")

    def dice(a, b):
        s = a.sum() + b.sum()
        return np.nan if s == 0 else 2 * (a & b).sum() / s

    dices = defaultdict(list)
    tot = defaultdict(lambda: [0, 0, 0])
    thr_dice = []
    for i in te_idx:
        s = subj[i]
        p = clf.predict(s["F"])
        for name, sel in (("WT", (1, 2, 4)), ("TC", (1, 4)), ("1", (1,)), ("2", (2,)), ("4", (4,))):
            a = np.isin(p, sel)
            b = np.isin(s["y"], sel)
            dices[name].append(dice(a, b))
            tot[name][0] += (a & b).sum()
            tot[name][1] += a.sum()
            tot[name][2] += b.sum()
        # trivial baseline: FLAIR z-score threshold for whole tumour
        thr_dice.append([dice(s["F"][:, 4] > t, s["y"] > 0) for t in (0.5, 1.0, 1.5, 2.0)])
    seg = {"grid_mismatch": grid_bad, "labels_seen": labels_seen, "label_voxels": vs,
           "outside_brain_label_voxels": outside, "dice": {}}
    for name in ("WT", "TC", "1", "2", "4"):
        d = np.array(dices[name], float)
        g = 2 * tot[name][0] / max(1, tot[name][1] + tot[name][2])
        seg["dice"][name] = {"mean": float(np.nanmean(d)), "median": float(np.nanmedian(d)), "pooled": float(g),
                             "n_defined": int(np.isfinite(d).sum())}
        log(f"  Dice {name:2s}: mean {np.nanmean(d):.3f} median {np.nanmedian(d):.3f} pooled {g:.3f}"
            f" (subjects with label or prediction: {np.isfinite(d).sum()})")
    thr = np.nanmean(np.array(thr_dice, float), 0)
    log(f"  trivial baseline WT = FLAIR z (gaussian 1 vox) > t (t=0.5,1,1.5,2): Dice {np.round(thr, 3).tolist()}")
    seg["flair_threshold_wt_dice"] = thr.tolist()
    put("segment", seg)


# --------------------------------------------------------------------------- flags
def flags(problems, all_stats):
    """Turn numbers into warnings; thresholds are judgement calls for 'realistic and not trivial'."""
    al = REPORT.get("alignment")
    if al:
        if al["corr_mean_vs_colin_smoothed"] < 0.8:
            problems.append(f"FLAG alignment: mean image vs smoothed Colin corr {al['corr_mean_vs_colin_smoothed']:.2f} < 0.8")
        if np.max(np.abs(np.subtract(al["com_mean_brain_mm"], al["com_colin_mm"]))) > 3:
            problems.append("FLAG alignment: mean brain COM > 3 mm from Colin's")
        for s, v in al["per_site"].items():
            if v["asym_corr"] <= 0.1 or v["corr_site_mean_vs_colin"] < v["corr_site_mean_vs_colin_LRflip"]:
                problems.append(f"FLAG alignment: {s} may be left-right swapped")
    n_img = n_border = 0
    for task, sites in all_stats.items():
        for v in sites.values():
            n_img += v["n_images"]
            n_border += v["images_brain_on_fov_border"]
    if n_img and n_border / n_img > 0.05:
        problems.append(f"FLAG field of view: brain touches the FOV border in {n_border}/{n_img} images (cut-off anatomy)")
    rg = REPORT.get("regress")
    if rg:
        best = max(v["R2"] for v in rg["pca_ridge"].values())
        if best < 0.3 or best > 0.95:
            problems.append(f"FLAG regress: PCA+ridge R2 {best:.2f} outside [0.3, 0.95]")
        if abs(rg["r_dark_age"]) > 0.9:
            problems.append(f"FLAG regress: one scalar (dark-voxel fraction) correlates r={rg['r_dark_age']:.2f} with age")
    cl = REPORT.get("classify")
    if cl:
        best = max(v["AUC"] for v in cl["pca_logreg"].values())
        if best < 0.65 or best > 0.97:
            problems.append(f"FLAG classify: PCA+logreg AUC {best:.2f} outside [0.65, 0.97]")
        if cl["auc_age"] > 0.7:
            problems.append(f"FLAG classify: age alone AUC {cl['auc_age']:.2f}")
    sg = REPORT.get("segment")
    if sg:
        if sg["grid_mismatch"]:
            problems.append("FLAG segment: masks not on the image grid")
        for lab, v in sg["label_voxels"].items():
            if v["subjects_present"] == 0:
                problems.append(f"FLAG segment: label {lab} never present")
        if sg["dice"]["WT"]["median"] > 0.95 or sg["dice"]["4"]["median"] > 0.95:
            problems.append(f"FLAG segment: simple voxel classifier median Dice WT {sg['dice']['WT']['median']:.3f},"
                            f" enhancing {sg['dice']['4']['median']:.3f} (too easy)")
        if max(sg["flair_threshold_wt_dice"]) > 0.8:
            problems.append(f"FLAG segment: one FLAIR threshold gives WT Dice {max(sg['flair_threshold_wt_dice']):.2f}")
        lv = sg["label_voxels"]
        tc = lv[1]["mean"] + lv[4]["mean"]
        if tc and lv[1]["mean"] / tc < 0.1:
            problems.append(f"FLAG segment: necrosis (label 1) only {100 * lv[1]['mean'] / tc:.0f}% of tumour core on average")


# --------------------------------------------------------------------------- main
def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dataset")
    ap.add_argument("--out", help="folder for report.json and mean_vs_colin.png")
    ap.add_argument("--colin", default=COLIN)
    ap.add_argument("--aal", default=AAL)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--skip", default="", help="comma list of: align,regress,classify,segment")
    args = ap.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    if args.out:
        os.makedirs(args.out, exist_ok=True)
    root = args.dataset
    problems = []
    all_stats = {}

    colin_img = nib.load(args.colin)
    # 2 mm world grid covering Colin's field of view (RAS)
    caff = colin_img.affine
    grid2 = (tuple(int(np.ceil(s / 2)) for s in colin_img.shape),
             np.array([[2, 0, 0, caff[0, 3]], [0, 2, 0, caff[1, 3]], [0, 0, 2, caff[2, 3]], [0, 0, 0, 1]], float))
    colin_s = nib.Nifti1Image(ndimage.gaussian_filter(colin_img.get_fdata(dtype=np.float32), 0.85), caff)
    colin2 = to_grid(colin_s, grid2, order=1)
    colin_mask2 = to_grid(colin_img, grid2, order=0, data=(colin_img.get_fdata() > 0).astype(np.float32)) > 0.5
    cm, csd = colin2[colin_mask2].mean(), colin2[colin_mask2].std()
    colin_z = (colin2 - cm) / csd

    if "align" not in skip:
        alignment(root, args, colin_img, colin_z, colin_mask2, grid2, problems)

    section("3. SANITY: value ranges per site (scaled values), NaN/inf, sessions")
    aal_img = nib.load(args.aal)
    task_data = {}
    for task in ("regress", "classify"):
        if task in skip:
            continue
        # AAL medial-temporal ROI on this task's RAS grid (nearest neighbour)
        first = nib.load(os.path.join(root, task, read_manifest(os.path.join(root, task))[0]["image"]))
        g = ras_grid(first)
        aal_mtl = np.isin(np.asarray(aal_img.dataobj), MTL_LABELS).astype(np.float32)
        aal_ras = to_grid(aal_img, g, order=1, data=aal_mtl) > 0.5
        task_data[task] = load_t1_task(root, task, grid2, colin_z, aal_ras, problems, all_stats)
    # pretrain site stats (cheap second pass without resampling)
    if "align" not in skip:
        ss = new_site_stats()
        tdir = os.path.join(root, "pretrain")
        for r in read_manifest(tdir):
            p = os.path.join(tdir, r["image"])
            img, data = load(p)
            sanity_image(p, img, data, r["site"], ss, problems)
        all_stats["pretrain"] = report_site_stats("pretrain", ss)
    sess = {}
    for task, d in task_data.items():
        sess[task] = sessions_check(task, d)
    put("sessions", sess)

    if "regress" in task_data:
        regress_check(task_data["regress"], args)
    if "classify" in task_data:
        classify_check(task_data["classify"], args)
    if "segment" not in skip:
        segment_check(root, args, problems, all_stats)
    put("site_stats", all_stats)

    flags(problems, all_stats)
    section("PROBLEMS / FLAGS (heuristic thresholds, see flags() in the script)")
    log("  none" if not problems else "\n".join("  " + p for p in problems[:50]))
    put("problems", problems)
    log(f"\ndone in {time.time() - T0:.0f}s")
    if args.out:
        with open(os.path.join(args.out, "report.json"), "w") as f:
            json.dump(REPORT, f, indent=1, default=lambda o: o.tolist() if hasattr(o, "tolist") else str(o))


if __name__ == "__main__":
    main()
