#!/usr/bin/env python3
"""The gate's false-alarm rate measured without training anything: split a many-seed baseline into
"CI runs" of K seeds and a baseline of the remaining seeds, compare each pair, and count the red
verdicts. Every such run is healthy by construction (same code, same machine; only the seed
differs, which is how much another CPU's or a GPU's rounding moves these cells), so every red
verdict is a false alarm.

usage: resample.py BASELINE_RESULTS OUT [--k 3] [--alpha 0.05]
  BASELINE_RESULTS  results.jsonl (or its folder) of `run suites/regression.yaml --seeds 1-10`
  OUT               a folder for the pairs' compare outputs and summary.md
Every K-subset of the seeds is tried (120 for K = 3 of 10). Pre-training rows (one fixed stage
seed) go into both halves, as a real run with other seeds would reproduce them. Needs bin/brainbench
built; about two seconds per pair.
"""
import argparse
import itertools
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("baseline")
    ap.add_argument("out")
    ap.add_argument("--k", type=int, default=3)
    ap.add_argument("--alpha", default="0.05")
    args = ap.parse_args()
    path = args.baseline if args.baseline.endswith(".jsonl") else os.path.join(args.baseline, "results.jsonl")
    with open(path) as f:
        lines = [l for l in f if l.strip()]
    rows = [json.loads(l) for l in lines]
    stage = [l for l, r in zip(lines, rows) if r["taskType"] == "pretrain"]
    seeds = sorted({r["seed"] for r in rows if r["taskType"] != "pretrain"})
    os.makedirs(args.out, exist_ok=True)
    red = 0
    flagged = {}
    pairs = list(itertools.combinations(seeds, args.k))
    tests_per_pair = None
    for picked in pairs:
        name = "s" + "-".join(map(str, picked))
        ci, base = os.path.join(args.out, name, "ci"), os.path.join(args.out, name, "baseline")
        for d, keep in ((ci, lambda s: s in picked), (base, lambda s: s not in picked)):
            os.makedirs(d, exist_ok=True)
            with open(os.path.join(d, "results.jsonl"), "w") as f:
                f.writelines(stage)
                f.writelines(l for l, r in zip(lines, rows) if r["taskType"] != "pretrain" and keep(r["seed"]))
        done = subprocess.run([os.path.join(ROOT, "bin/brainbench"), "compare", base, ci, "--all", "--alpha", args.alpha],
                              capture_output=True, text=True)
        with open(os.path.join(args.out, name + ".compare.txt"), "w") as f:
            f.write(done.stdout + done.stderr)
        if done.returncode not in (0, 1):
            sys.exit(f"{name}: compare exit {done.returncode}: {done.stderr.strip()}")
        table = [l for l in done.stdout.splitlines() if re.match(r"^[a-z]+ +\S+/\S+", l)]
        tests = [l for l in table if "/s*/" in l]
        tests_per_pair = len(tests)
        if done.returncode == 1:
            red += 1
            for l in table:
                if l.startswith("regressed"):
                    key = " ".join(l.split()[1:3])
                    flagged[key] = flagged.get(key, 0) + 1
        print(f"{name}: exit {done.returncode}", file=sys.stderr)
    with open(os.path.join(args.out, "summary.md"), "w") as f:
        f.write(f"Seeds {seeds[0]}-{seeds[-1]}, every {args.k} of them as a CI run against the other {len(seeds) - args.k} "
                f"as the baseline, alpha {args.alpha}: {red} of {len(pairs)} runs red "
                f"({100.0 * red / len(pairs):.1f}%), {tests_per_pair} metric tests per run.\n")
        for key, n in sorted(flagged.items(), key=lambda kv: -kv[1]):
            f.write(f"- flagged {n}x: {key}\n")
    with open(os.path.join(args.out, "summary.md")) as f:
        print(f.read())


if __name__ == "__main__":
    main()
