#!/usr/bin/env bash
# Queues a suite's shards as an array job and the merge/compare job after them.
#   BRAINBENCH_OUT=/shared/brainbench/$(date +%F) ci/slurm/submit.sh
# Settings (environment):
#   BRAINBENCH_OUT  shared results folder (required); shard I writes shard-I/, the compare job merged/
#   SUITE           suite file (default suites/regression.yaml)
#   SHARDS          array tasks (default 4)
#   BASELINE        what compare holds the merged results to (default results/baselines/regression)
#   SBATCH_ARGS     extra sbatch options for both jobs: partition, account, QOS ("--partition=gpu --account=lab")
#   SHARD_ARGS      extra sbatch options for the shards only, overriding regression.sbatch's #SBATCH
#                   lines ("--gres=gpu:a100:1 --cpus-per-task=16 --mem=64G --time=02:00:00")
# Prints the two job ids on its last line: "queued ARRAY COMPARE".
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export BRAINBENCH_HOME="$root"
: "${BRAINBENCH_OUT:?set BRAINBENCH_OUT to a shared results folder}"
export SUITE="${SUITE:-suites/regression.yaml}" BASELINE="${BASELINE:-results/baselines/regression}"
shards="${SHARDS:-4}"
mkdir -p "$BRAINBENCH_OUT"
# build once on the login node so the array tasks do not race to build
(cd "$root" && mvn -q -B -DskipTests package)
touch "$root/harness/cli/target/brainbench-harness.jar" # newer than every source: bin/brainbench will not rebuild in a task
# shellcheck disable=SC2086 # the ARGS are option lists
array=$(sbatch --parsable --array="1-$shards" ${SBATCH_ARGS:-} ${SHARD_ARGS:-} --export=ALL "$root/ci/slurm/regression.sbatch")
array="${array%%;*}" # --parsable prints "id;cluster" on multi-cluster setups
# shellcheck disable=SC2086
compare=$(sbatch --parsable --dependency="afterany:${array}" ${SBATCH_ARGS:-} --export=ALL "$root/ci/slurm/compare.sbatch")
compare="${compare%%;*}"
echo "shards: array job ${array} (${shards} tasks), then compare job ${compare}; results in $BRAINBENCH_OUT"
echo "queued ${array} ${compare}"
