#!/usr/bin/env bash
# The Slurm path run for real, on a single-node cluster started on this machine (needs root; installs
# Debian's slurm-wlm and munge if missing). A tiny suite is submitted with ci/slurm/submit.sh as 3
# array tasks plus the merge/compare job; one task is killed mid-run (scancel) and requeued
# (scontrol requeue), and its second start must resume with --resume. Passes when:
#   - the merged results hold exactly the cells of an unsharded run of the same suite, all ok, with
#     the same metrics to the digit (threads: 1, same machine);
#   - the compare job, holding the merge to the unsharded run, exits 0;
#   - the killed task started twice and its second start kept the cells the first had finished.
#   ci/slurm/test.sh [WORK]   (WORK: where the cluster, data, results and logs go; default a temp folder)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="${1:-$(mktemp -d /tmp/brainbench-slurm.XXXXXX)}"
mkdir -p "$work"
work="$(cd "$work" && pwd)"
say() { echo "slurm-test: $*"; }
fail() { echo "slurm-test: FAILED: $*" >&2; exit 1; }

if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v munged >/dev/null; then
  say "installing slurm-wlm and munge from Debian"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null
fi
"$root/ci/slurm/local-cluster.sh" start "$work/cluster"
trap '"$root/ci/slurm/local-cluster.sh" stop "$work/cluster"' EXIT
export SLURM_CONF="$work/cluster/slurm.conf"

# 2 tasks x 2 models x 2 seeds = 8 cells: shards of 3, 3 and 2
cat > "$work/tiny.yaml" <<'SUITE'
name: slurm-tiny
description: the Slurm test's suite (ci/slurm/test.sh)
builtin: {shape: 20, subjects: 24, seed: 4}
cache: cache
datasets: {cls: builtin:classify, age: builtin:regress}
preprocess: {shape: 20}
tasks:
  - {name: cls, type: classify, dataset: cls, classes: [CN, AD], split: {test: 0.3, validation: 0.2}}
  - {name: age, type: regress, dataset: age, split: {test: 0.3, validation: 0.2}}
models:
  - {id: cnn3d, params: {channels: [4, 8, 8], segmentationLevels: 2, dropout: 0}}
  - {id: slice-cnn, params: {channels: [4, 8, 8], embedding: 8}}
seeds: [1, 2]
training: {epochs: 10, batchSize: 4, learningRate: 0.003}
threads: 1
SUITE

say "building, then the unsharded run"
(cd "$root" && mvn -q -B -DskipTests package)
touch "$root/harness/cli/target/brainbench-harness.jar"
"$root/bin/brainbench" run "$work/tiny.yaml" --out "$work/unsharded" > "$work/unsharded.log" 2>&1 || fail "the unsharded run failed: $(tail -5 "$work/unsharded.log")"

say "submitting 3 shards and the compare job"
cd "$work" # sbatch writes the jobs' logs here
queued=$(BRAINBENCH_OUT="$work/out" SUITE="$work/tiny.yaml" SHARDS=3 BASELINE="$work/unsharded" \
  SHARD_ARGS="--gres=none --cpus-per-task=1 --mem=3G --time=00:30:00" SBATCH_ARGS="" \
  "$root/ci/slurm/submit.sh" | tee "$work/submit.log" | awk '/^queued / { print $2, $3 }')
read -r array compare <<< "$queued"
[[ -n "${compare:-}" ]] || fail "submit.sh printed no job ids: $(cat "$work/submit.log")"
say "array job $array, compare job $compare"

job_state() { scontrol show job "$1" 2>/dev/null | grep -o 'JobState=[A-Z_]*' | head -1 | cut -d= -f2; }

# kill task 1 once it has finished a cell and is training the next
victim="${array}_1"
rows="$work/out/shard-1/results.jsonl"
for _ in $(seq 1500); do
  [[ -s "$rows" ]] && break
  case "$(job_state "$victim")" in PENDING|CONFIGURING|RUNNING|"") ;; *) fail "task 1 ended ($(job_state "$victim")) before it finished a cell" ;; esac
  sleep 0.2
done
[[ -s "$rows" ]] || fail "task 1 finished no cell in 5 minutes"
kept=$(wc -l < "$rows")
[[ "$(job_state "$victim")" == RUNNING ]] || fail "task 1 finished before it could be killed (make its cells longer)"
say "task 1 has $kept finished cell(s): scancel, then scontrol requeue"
scancel "$victim"
for _ in $(seq 100); do [[ "$(job_state "$victim")" == CANCELLED ]] && break; sleep 0.1; done
scontrol requeue "$victim"
scontrol update jobid="$victim" StartTime=now # a requeued job otherwise waits about 2 minutes

say "waiting for the compare job"
for _ in $(seq 1200); do
  state="$(job_state "$compare")"
  case "$state" in COMPLETED|FAILED|CANCELLED|TIMEOUT|OUT_OF_MEMORY|NODE_FAIL) break ;; esac
  sleep 1
done
exit_code="$(scontrol show job "$compare" | grep -o ' ExitCode=[0-9:]*' | cut -d= -f2)"
say "compare job: $state, exit $exit_code"
for f in "$work"/slurm-*.out; do echo "--- $(basename "$f")"; cat "$f"; done > "$work/jobs.log"
[[ "$state" == COMPLETED && "$exit_code" == 0:0 ]] || fail "the compare job did not pass ($state, exit $exit_code); logs: $work/jobs.log"

log1="$work/slurm-brainbench-regression-${array}_1.out"
grep -q "start 2" "$log1" || fail "task 1 did not start again after the requeue ($log1)"
resumed=$(grep -c "finished before, kept (--resume)" "$log1" || true)
[[ "$resumed" -ge "$kept" ]] || fail "task 1's second start kept $resumed cell(s), the first had finished $kept"

python3 - "$work/unsharded/results.jsonl" "$work/out/merged/results.jsonl" <<'PY' || fail "the merged results differ from the unsharded run's"
import json, sys
def rows(path):
    out = {}
    for line in open(path):
        r = json.loads(line)
        if r.get("kind", "cell") == "cell":
            assert r["cell"] not in out, "cell twice: " + r["cell"]
            out[r["cell"]] = r
    return out
a, b = rows(sys.argv[1]), rows(sys.argv[2])
assert set(a) == set(b), "cells: unsharded %s, merged %s" % (sorted(a), sorted(b))
for cell in a:
    assert b[cell]["status"] == "ok", cell + ": " + str(b[cell].get("error"))
    assert a[cell]["metrics"] == b[cell]["metrics"], "%s: %s vs %s" % (cell, a[cell]["metrics"], b[cell]["metrics"])
print("slurm-test: merged = unsharded: %d cells, every metric equal" % len(a))
PY
say "passed: 3 shards + compare, task 1 killed after $kept cell(s) and resumed keeping $resumed ($work)"
