#!/usr/bin/env python3
"""Summarises tools/gate-experiments/run.sh's folder as Markdown: each experiment's verdict, the
conditions it flagged, and the false-alarm and detection rates.

usage: summarise.py OUT
"""
import fnmatch
import os
import re
import sys

# What each experiment should do: green, or red in these conditions (globs over condition ids).
EXPECTED = {
    "healthy-rerun": [],
    "healthy-avx2": [],
    "healthy-threads-1": [],
    "healthy-fresh-seeds": [],
    "stops-learning": ["*/*/djl/s*/f0/p1"],
    "lr-x10": ["*/*/djl/s*/f0/p1"],
    "shuffled-labels": ["ad-vs-cn/*/djl/s*/f0/p1", "brain-age/*/djl/s*/f0/p1"],
    "broken-augmentation": ["tumour/*/djl/s*/f0/p1"],
    "wider-cnn3d": ["*/cnn3d/djl/s*/f0/p1"],
}


def findings(path):
    """The compare table's rows as dicts, split at the header's column starts."""
    with open(path) as f:
        lines = f.read().splitlines()
    header = next((i for i, l in enumerate(lines) if l.startswith("verdict")), None)
    if header is None:
        return [], "\n".join(lines[-3:])
    names = lines[header].split()
    starts = [lines[header].index(n) for n in names]
    rows = []
    for line in lines[header + 1:]:
        if not line.strip():
            break
        cells = [line[s:(starts[i + 1] if i + 1 < len(starts) else None)].strip() for i, s in enumerate(starts)]
        rows.append(dict(zip(names, cells)))
    return rows, ""


def condition(cell):
    return re.sub(r"/s[0-9]+/", "/s*/", cell)


def main():
    out = sys.argv[1]
    exits = {}
    with open(os.path.join(out, "exits.txt")) as f:
        for line in f:
            m = re.match(r"(\S+) exit=(\d+) seconds=(\d+)", line)
            if m:
                exits[m.group(1)] = (int(m.group(2)), int(m.group(3)))
    print("| experiment | expected | exit | minutes | flagged (condition: metrics) |")
    print("|---|---|---|---|---|")
    healthy_runs = healthy_red = healthy_tests = healthy_flags = 0
    bad_runs = bad_red = affected_total = affected_found = wrong_flags = 0
    for name, (rc, seconds) in exits.items():
        rows, error = findings(os.path.join(out, name + ".compare.txt"))
        flagged = {}
        tests = 0
        for r in rows:
            is_test = "s*" in r["cell"] and r["metric"]
            tests += 1 if is_test else 0
            if r["verdict"] == "regressed":
                flagged.setdefault(condition(r["cell"]), []).append(r["metric"] or r["note"])
        expected = EXPECTED.get(name, [])
        if not expected:
            healthy_runs += 1
            healthy_red += rc == 1
            healthy_tests += tests
            healthy_flags += sum(1 for r in rows if r["verdict"] == "regressed" and "s*" in r["cell"])
        else:
            bad_runs += 1
            bad_red += rc == 1
            conditions = {condition(r["cell"]) for r in rows if r["cell"]}
            affected = {c for c in conditions if any(fnmatch.fnmatch(c, g) for g in expected)}
            affected_total += len(affected)
            affected_found += len(affected & set(flagged))
            wrong_flags += len(set(flagged) - affected)
        shown = "; ".join(f"{c}: {', '.join(sorted(set(m)))}" for c, m in sorted(flagged.items())) or error or "none"
        print(f"| {name} | {'red' if expected else 'green'} | {rc} | {seconds / 60:.1f} | {shown} |")
    print()
    if healthy_runs:
        print(f"- Healthy runs: {healthy_red} of {healthy_runs} red (false alarms); {healthy_flags} of {healthy_tests} metric tests flagged.")
    if bad_runs:
        print(f"- Regressions: {bad_red} of {bad_runs} runs red; {affected_found} of {affected_total} affected conditions flagged;"
              f" {wrong_flags} unaffected conditions flagged.")


if __name__ == "__main__":
    main()
