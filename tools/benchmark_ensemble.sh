#!/usr/bin/env bash
# Scaling of `mdsens ensemble` (release build) on this machine, medians over repeats:
#
#   1. The README's Fig. 17 ensemble: 40 paper systems (seeds 0-39, each minimised and its dx*/dθ
#      unrolled through FIRE and implicit, ~0.3 s a member): mpirun -n 1 vs -n 2, and --jobs 1 vs --jobs 2
#      on local threads; speed-ups as ratios against the one-worker run of the same repeat.
#   2. The queue's overhead per member: many small members (16 discs) on K ranks, oversubscribed
#      (K > cores, as a stand-in for several nodes): the time a worker rank waits between asking
#      for a member and receiving its index (rank 0's poll, the messages, the scheduler), median and
#      90th percentile over the members of ranks ≥ 1; and the wall time per member of the whole run.
#      The same on 2 ranks (one per core), where no rank waits for a core.
#
#   tools/benchmark_ensemble.sh [--repeats R] [--members M] [--ranks K] [--tiny T]
#
# Needs mpirun.mpich (tools/setup.sh) and swift build -c release --product mdsens.
set -euo pipefail
cd "$(dirname "$0")/.."
repeats=3 members=40 ranks=8 tiny=400
while [ $# -gt 0 ]; do
  case "$1" in
    --repeats) repeats=$2; shift 2 ;;
    --members) members=$2; shift 2 ;;
    --ranks) ranks=$2; shift 2 ;;
    --tiny) tiny=$2; shift 2 ;;
    *) echo "tools/benchmark_ensemble.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
mdsens=$PWD/.build/release/mdsens
mpirun=$(command -v mpirun.mpich || command -v mpirun)
[ -x "$mdsens" ] || { echo "build first: swift build -c release --product mdsens" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/paper.json" <<JSON
{ "vary": { "seed": {"from": 0, "count": $members} }, "task": "sensitivity --param diameter --method unrolled --trace 10", "output": "paper-out" }
JSON
cat > "$work/tiny-system.json" <<'JSON'
{ "name": "tiny-2d-16", "dimension": 2, "boundary": "periodic",
  "species": [ {"name": "a", "count": 8, "diameter": 1.0}, {"name": "b", "count": 8, "diameter": 1.4} ],
  "potential": {"kind": "soft-sphere", "epsilon": 1.0, "alpha": 2.0}, "packing_fraction": 0.9,
  "minimizer": {"kind": "fire", "force_tolerance": 1e-10, "max_steps": 10000} }
JSON
cat > "$work/tiny.json" <<JSON
{ "system": "tiny-system.json", "vary": { "seed": {"from": 0, "count": $tiny} }, "task": "minimize", "output": "tiny-out" }
JSON

# Seconds of wall time of one run of SWEEP in a fresh output folder: timed SWEEP "OPTIONS" LAUNCHER...
timed() {
  local sweep=$1 options=$2; shift 2
  rm -rf "$work/paper-out" "$work/tiny-out"
  local began ended
  began=$(date +%s%N)
  # shellcheck disable=SC2086
  (cd "$work" && "$@" "$mdsens" ensemble "$sweep" $options >/dev/null)
  ended=$(date +%s%N)
  awk -v n=$((ended - began)) 'BEGIN { printf "%.4f", n / 1e9 }'
}

results=$work/results.txt
: > "$results"
for repeat in $(seq "$repeats"); do
  t_mpi1=$(timed paper.json "--jobs 1" "$mpirun" -n 1)
  t_mpi2=$(timed paper.json "" "$mpirun" -n 2)
  t_job1=$(timed paper.json "--jobs 1")
  t_job2=$(timed paper.json "--jobs 2")
  t_tiny=$(timed tiny.json "" "$mpirun" -n "$ranks")
  cp "$work/tiny-out/summary.json" "$work/tiny-$repeat.json"
  t_tiny2=$(timed tiny.json "" "$mpirun" -n 2)
  cp "$work/tiny-out/summary.json" "$work/tiny2-$repeat.json"
  echo "$repeat $t_mpi1 $t_mpi2 $t_job1 $t_job2 $t_tiny $t_tiny2" | tee -a "$results" >&2
done
python3 - "$results" "$work" "$repeats" "$members" "$ranks" "$tiny" <<'PY'
import json, statistics, sys
results, work, repeats, members, ranks, tiny = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
rows = [list(map(float, line.split()[1:])) for line in open(results)]
mpi1, mpi2, job1, job2, tinyrun, tinyrun2 = zip(*rows)
median = statistics.median
print(f"paper systems: {members} members (Fig. 17 task), {repeats} repeats, medians")
print(f"  mpirun -n 1: {median(mpi1):.2f} s; -n 2: {median(mpi2):.2f} s; speed-up {median([a / b for a, b in zip(mpi1, mpi2)]):.2f}x")
print(f"  --jobs 1: {median(job1):.2f} s; --jobs 2: {median(job2):.2f} s; speed-up {median([a / b for a, b in zip(job1, job2)]):.2f}x")
def queue(prefix, ranks, runs):
    waits, per_member = [], []
    for repeat in range(1, repeats + 1):
        summary = json.load(open(f"{work}/{prefix}-{repeat}.json"))
        waits += [row["queue_seconds"] for row in summary["rows"] if row["rank"] and row["rank"] > 0]
        per_member.append(statistics.median(row["seconds"] for row in summary["rows"]))
    waits.sort()
    p90 = waits[int(0.9 * (len(waits) - 1))]
    print(f"queue overhead: {tiny} members of 16 discs on {ranks} ranks, {repeats} repeats")
    print(f"  wait for an index on ranks >= 1: median {1e3 * median(waits):.3f} ms, 90th percentile {1e3 * p90:.3f} ms over {len(waits)} members")
    print(f"  member time (median) {1e3 * median(per_member):.3f} ms; wall time per member of the run {1e3 * median(runs) / tiny:.3f} ms")
queue("tiny", f"{ranks} (oversubscribed)", tinyrun)
queue("tiny2", "2", tinyrun2)
PY
