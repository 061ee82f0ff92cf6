#!/usr/bin/python3
"""The NIfTI loading a Python user would write, timed on the same files as brainbench's JMH benchmark.

For every file in DIR (written by the bench module's NiftiFiles, see docs/performance.md):
  decode       nibabel.load(path, mmap=False).get_fdata(dtype=float32)  (reads, un-gzips, scales)
  preprocess   decode, then what brainbench's Preprocessor does with PreprocessSpec.toShape(96,112,96):
               reorient to RAS+ (nibabel.as_closest_canonical), trilinear resample of the field of
               view to 96x112x96 (scipy.ndimage.zoom, order=1, grid_mode=True), clip to the
               0.5-99.5 percentiles of the non-zero voxels, z-score over the non-zero voxels.
Prints a table and writes JSON: per file the median milliseconds of each, and MB/s of decoded float32
(181*217*181*4 bytes / time), the same unit as the JMH summary. Single-threaded, as nibabel is.

Usage: /usr/bin/python3 tools/nifti-reference/nifti_reference.py DIR [--repeats 10] [--json OUT]
"""
import argparse
import json
import pathlib
import platform
import statistics
import sys
import time

import nibabel
import numpy as np
import scipy
import scipy.ndimage

SHAPE = (96, 112, 96)


def decode(path):
    # mmap=False: read the voxels now (by default nibabel memory-maps an uncompressed file and would
    # time only the header)
    return nibabel.load(str(path), mmap=False).get_fdata(dtype=np.float32)


def preprocess(path):
    img = nibabel.as_closest_canonical(nibabel.load(str(path), mmap=False))
    data = img.get_fdata(dtype=np.float32)
    factors = [n / o for n, o in zip(SHAPE, data.shape)]
    out = scipy.ndimage.zoom(data, factors, order=1, grid_mode=True, mode="grid-constant")
    mask = out != 0
    inside = out[mask]
    lo, hi = np.percentile(inside, [0.5, 99.5])
    np.clip(out, lo, hi, out=out)
    inside = out[mask]
    out = np.where(mask, (out - inside.mean()) / inside.std(), 0).astype(np.float32)
    return out


def median_ms(fn, path, repeats):
    fn(path)  # warm the page cache and imports
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn(path)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dir", type=pathlib.Path)
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--json", type=pathlib.Path)
    args = parser.parse_args()
    files = sorted(args.dir.glob("colin_1mm_*.nii*"))
    if not files:
        print(f"{args.dir}: no colin_1mm_*.nii[.gz] files (write them with the bench module's NiftiFiles)", file=sys.stderr)
        return 2
    rows = []
    for path in files:
        shape = nibabel.load(str(path)).shape
        megabytes = np.prod(shape) * 4 / 1e6
        d = median_ms(decode, path, args.repeats)
        p = median_ms(preprocess, path, args.repeats)
        rows.append({"file": path.name.removeprefix("colin_1mm_"), "decodeMs": d, "preprocessMs": p,
                     "decodeMBps": megabytes / d * 1000, "preprocessMBps": megabytes / p * 1000,
                     "repeats": args.repeats, "nibabel": nibabel.__version__, "scipy": scipy.__version__,
                     "numpy": np.__version__, "python": platform.python_version()})
        print(f"{rows[-1]['file']:16s} decode {d:8.1f} ms  decode+preprocess {p:8.1f} ms")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        tmp = args.json.with_suffix(".tmp")
        tmp.write_text(json.dumps(rows, indent=2))
        tmp.replace(args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
