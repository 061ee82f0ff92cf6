#!/usr/bin/env python3
"""The gate's false-alarm rate measured without training anything, from a many-seed baseline. Every
run made here is healthy by construction (same code, same machine; only seeds differ, which is how
much another CPU's or a GPU's rounding moves these cells), so every red verdict is a false alarm.

  --mode leave-out   every K-subset of the seeds as the CI run, the other seeds as the baseline
                     (120 pairs for K = 3 of 10). Pessimistic: when the CI run holds a seed that
                     failed to learn, the baseline lacks it and its spread looks smaller than it is.
  --mode bootstrap   --replicates pairs, each drawing a baseline of as many seeds as recorded and a
                     CI run of K seeds, with replacement, independently, per condition, from the
                     recorded seeds: fresh seeds from the seeds' empirical distribution, as a CI
                     runner's are.
  --worsen D         (bootstrap) power instead: in pair i, condition i (in turn) of the CI run is
                     worse by D of its recorded seeds' standard deviations in every checked metric;
                     counts the pairs whose verdict names that condition.

usage: resample.py BASELINE_RESULTS OUT [--mode leave-out|bootstrap] [--k 3] [--replicates 200] [--alpha 0.05]
  BASELINE_RESULTS  results.jsonl (or its folder) of `run suites/regression.yaml --seeds 1-10`
  OUT               a folder for the pairs' compare outputs and summary.md
Pre-training rows (one fixed stage seed) go into both sides, as a real run with other seeds would
reproduce them. Needs bin/brainbench built; about two seconds per pair.
"""
import argparse
import itertools
import json
import os
import random
import re
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("baseline")
    ap.add_argument("out")
    ap.add_argument("--k", type=int, default=3)
    ap.add_argument("--alpha", default="0.05")
    ap.add_argument("--mode", choices=["leave-out", "bootstrap"], default="leave-out")
    ap.add_argument("--replicates", type=int, default=200)
    ap.add_argument("--worsen", type=float, default=0.0)
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
    tests_per_pair = None
    cells = [(l, r) for l, r in zip(lines, rows) if r["taskType"] != "pretrain"]
    by_condition = {}
    for l, r in cells:
        by_condition.setdefault(re.sub(r"/s[0-9]+/", "/s*/", r["cell"]), {})[r["seed"]] = (l, r)
    if args.mode == "leave-out":
        pairs = [("s" + "-".join(map(str, p)), p) for p in itertools.combinations(seeds, args.k)]
    else:
        rng = random.Random(20261207)
        pairs = [("b%03d" % i, None) for i in range(args.replicates)]

    checked = {"classify": ["balancedAccuracy", "auc"], "regress": ["mae", "r2"], "segment": ["dice", "hd95"]}
    lower = {"mae", "hd95"}
    conditions = sorted(by_condition)
    spread = {}
    for condition, per_seed in by_condition.items():
        values = list(per_seed.values())
        spread[condition] = {k: statistics.stdev([r["metrics"][k] for _, r in values]) for k in checked[values[0][1]["taskType"]]}

    def renamed(line, row, seed, worsen=0.0, condition=None):
        row = dict(row, seed=seed, cell=re.sub(r"/s[0-9]+/", "/s%d/" % seed, row["cell"]))
        if worsen:
            metrics = dict(row["metrics"])
            for k, sd in spread[condition].items():
                metrics[k] = metrics[k] + worsen * sd if k in lower else metrics[k] - worsen * sd
            row["metrics"] = metrics
        return json.dumps(row) + "\n"

    detected = 0

    for name, picked in pairs:
        ci, base = os.path.join(args.out, name, "ci"), os.path.join(args.out, name, "baseline")
        if picked is not None:
            ci_rows = [l for l, r in cells if r["seed"] in picked]
            base_rows = [l for l, r in cells if r["seed"] not in picked]
        else:
            ci_rows, base_rows = [], []
            target = conditions[int(name[1:]) % len(conditions)] if args.worsen else None
            for condition, per_seed in sorted(by_condition.items()):
                recorded = sorted(per_seed)
                for i in range(len(recorded)):
                    base_rows.append(renamed(*per_seed[rng.choice(recorded)], i + 1))
                for i in range(args.k):
                    ci_rows.append(renamed(*per_seed[rng.choice(recorded)], i + 1, args.worsen if condition == target else 0.0, condition))
        for d, chosen in ((ci, ci_rows), (base, base_rows)):
            os.makedirs(d, exist_ok=True)
            with open(os.path.join(d, "results.jsonl"), "w") as f:
                f.writelines(stage)
                f.writelines(chosen)
        done = subprocess.run([os.path.join(ROOT, "bin/brainbench"), "compare", base, ci, "--all", "--alpha", args.alpha],
                              capture_output=True, text=True)
        with open(os.path.join(args.out, name + ".compare.txt"), "w") as f:
            f.write(done.stdout + done.stderr)
        if done.returncode not in (0, 1):
            sys.exit(f"{name}: compare exit {done.returncode}: {done.stderr.strip()}")
        table = [l for l in done.stdout.splitlines() if re.match(r"^[a-z]+ +\S+/\S+", l)]
        tests = [l for l in table if "/s*/" in l]
        tests_per_pair = len(tests)
        if args.worsen and any(l.startswith("regressed") and l.split()[1] == target for l in table):
            detected += 1
        if done.returncode == 1:
            red += 1
            for l in table:
                if l.startswith("regressed"):
                    key = " ".join(l.split()[1:3])
                    flagged[key] = flagged.get(key, 0) + 1
        print(f"{name}: exit {done.returncode}", file=sys.stderr)
    with open(os.path.join(args.out, "summary.md"), "w") as f:
        how = (f"every {args.k} of seeds {seeds[0]}-{seeds[-1]} as a CI run against the other {len(seeds) - args.k} as the baseline"
               if args.mode == "leave-out" else
               f"{args.replicates} bootstrap pairs of a {len(seeds)}-seed baseline and a {args.k}-seed CI run drawn from seeds {seeds[0]}-{seeds[-1]}")
        if args.worsen:
            f.write(f"{how}, one condition per pair worse by {args.worsen:g} sd, alpha {args.alpha}: the worsened condition flagged in "
                    f"{detected} of {len(pairs)} pairs ({100.0 * detected / len(pairs):.1f}%); {red} runs red.\n")
        else:
            f.write(f"{how}, alpha {args.alpha}: {red} of {len(pairs)} runs red ({100.0 * red / len(pairs):.1f}%), "
                    f"{tests_per_pair} metric tests per run.\n")
        for key, n in sorted(flagged.items(), key=lambda kv: -kv[1]):
            f.write(f"- flagged {n}x: {key}\n")
    with open(os.path.join(args.out, "summary.md")) as f:
        print(f.read())


if __name__ == "__main__":
    main()
