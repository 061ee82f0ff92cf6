#!/usr/bin/env bash
# Queues the regression shards as an array job and the compare job after them.
#   BRAINBENCH_OUT=/shared/brainbench/$(date +%F) ci/slurm/submit.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export BRAINBENCH_HOME="$root"
: "${BRAINBENCH_OUT:?set BRAINBENCH_OUT to a shared results folder}"
mkdir -p "$BRAINBENCH_OUT"
# build once on the login node so the array tasks do not race to build
(cd "$root" && mvn -q -B -DskipTests package)
shards=$(sbatch --parsable --export=ALL "$root/ci/slurm/regression.sbatch")
sbatch --dependency="afterany:${shards}" --export=ALL "$root/ci/slurm/compare.sbatch"
echo "queued shards ${shards} and the compare job after them; results in $BRAINBENCH_OUT"
