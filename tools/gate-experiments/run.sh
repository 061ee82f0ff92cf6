#!/usr/bin/env bash
# The CI gate's experiments: healthy runs that only perturb float rounding or draw fresh seeds
# (expected green), and real regressions (expected red). Each runs suites/regression.yaml (three
# seeds) and `compare`s it with a baseline recorded with more seeds. docs/results.md, "How the gate
# was tested", reports what they gave.
#
# usage: tools/gate-experiments/run.sh BASELINE OUT [EXPERIMENT...]
#   BASELINE  results of `bin/brainbench run suites/regression.yaml --seeds 1-10`
#   OUT       a folder for each experiment's results, compare output and summary.md
#   EXPERIMENT  any of the names below (default: all, in this order)
# Needs git, python3 and python3-yaml; about 11 minutes per experiment on 2 cores.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
here="$root/tools/gate-experiments"
baseline="$(realpath "$1")"
out="$(realpath -m "$2")"
shift 2
all=(healthy-rerun healthy-avx2 healthy-threads-1 healthy-fresh-seeds stops-learning lr-x10 shuffled-labels broken-augmentation wider-cnn3d)
experiments=("${@:-${all[@]}}")
mkdir -p "$out"

patched_checkout() { # a worktree of HEAD with one patch applied, sharing the built-in data cache
  local name="$1" wt="$out/.worktree-$1"
  if [[ ! -d "$wt" ]]; then
    git -C "$root" worktree add -q --detach "$wt" HEAD
    git -C "$wt" apply "$here/patches/$name.patch"
    ln -s "$root/.brainbench-cache" "$wt/.brainbench-cache"
  fi
  echo "$wt"
}

for e in "${experiments[@]}"; do
  dir="$out/$e"
  rm -rf "$dir"
  suite="$root/suites/regression.yaml"
  cwd="$root"
  env=()
  seeds=()
  case "$e" in
    healthy-rerun) ;;
    healthy-avx2) env=(ONEDNN_MAX_CPU_ISA=AVX2 MKL_ENABLE_INSTRUCTIONS=AVX2) ;;
    healthy-fresh-seeds) seeds=(--seeds 11-13) ;;
    healthy-threads-1|lr-x10|wider-cnn3d)
      suite="$out/$e.yaml"
      python3 "$here/variant.py" "$root/suites/regression.yaml" "${e#healthy-}" "$suite" ;;
    stops-learning|shuffled-labels|broken-augmentation)
      cwd="$(patched_checkout "$e")" ;;
    *) echo "unknown experiment $e" >&2; exit 2 ;;
  esac
  echo "== $e" >&2
  start=$(date +%s)
  (cd "$cwd" && env "${env[@]}" bin/brainbench run "$suite" "${seeds[@]}" --out "$dir" > "$out/$e.run.log" 2>&1) || true
  end=$(date +%s)
  set +e
  (cd "$root" && bin/brainbench compare "$baseline" "$dir" --all > "$out/$e.compare.txt" 2>&1)
  rc=$?
  set -e
  echo "$e exit=$rc seconds=$((end - start))" | tee -a "$out/exits.txt" >&2
done
python3 "$here/summarise.py" "$out" > "$out/summary.md"
cat "$out/summary.md"
