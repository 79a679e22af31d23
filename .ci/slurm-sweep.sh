#!/usr/bin/env bash
# Runs sharded compare and fuzz sweeps on a real single-node Slurm, through
# the job scripts `mesosim sweep slurm` writes, and checks that each merged
# output is byte for byte what the command prints on one machine (wall-time
# figures apart), with the same exit status. Shard counts: 3, 1, and more
# shards than cells (empty parts). Needs Debian's slurm-wlm and munge
# (apt-get install -y slurm-wlm munge) and root (slurmd starts the jobs).
#
# It starts its own munged (own key and socket), slurmctld and slurmd in a
# temporary directory, on ports 16817/16818 so that a Slurm the machine
# runs is left alone, and stops them by their PIDs when it ends. Runs are
# serialised with flock(1) on /tmp/mesosim-slurm-sweep.lock.
#
# Exit status: 0 every check passed; 1 a check failed; 77 Slurm is not
# installed or could not be started here (the Go test skips on 77).
# Called by .ci/run and by TestSlurmSweep (cmd/mesosim/slurm_test.go).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

skip() { echo "slurm-sweep: SKIP: $*" >&2; exit 77; }
for tool in munged mungekey slurmctld slurmd sbatch squeue sinfo scontrol flock; do
  command -v "$tool" >/dev/null || skip "$tool not found (apt-get install -y slurm-wlm munge)"
done
[ "$(id -u)" = 0 ] || skip "not root: slurmd must run as root to start jobs"

exec 9>/tmp/mesosim-slurm-sweep.lock
flock 9

state=$(mktemp -d "${TMPDIR:-/tmp}/mesosim-slurm.XXXXXX")
chmod 0755 "$state"
cleanup() {
  local status=$?
  for f in slurmd.pid slurmctld.pid munged.pid; do
    [ -s "$state/$f" ] && kill "$(cat "$state/$f")" 2>/dev/null || true
  done
  # Give them a moment to go, then make sure.
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    alive=0
    for f in slurmd.pid slurmctld.pid munged.pid; do
      [ -s "$state/$f" ] && kill -0 "$(cat "$state/$f")" 2>/dev/null && alive=1
    done
    [ $alive = 0 ] && break
    sleep 0.5
  done
  for f in slurmd.pid slurmctld.pid munged.pid; do
    [ -s "$state/$f" ] && kill -9 "$(cat "$state/$f")" 2>/dev/null || true
  done
  if [ $status != 0 ] && [ $status != 77 ]; then
    echo "slurm-sweep: FAILED; daemon logs:" >&2
    tail -n 30 "$state"/log/*.log >&2 || true
  fi
  rm -rf "$state"
  exit $status
}
trap cleanup EXIT

echo "== build mesosim"
bin="$state/mesosim"
go build -o "$bin" ./cmd/mesosim

echo "== start munged, slurmctld, slurmd (state in $state)"
mkdir -p "$state/log" "$state/spool" "$state/save" "$state/munge"
chmod 0700 "$state/munge"
mungekey --create --keyfile="$state/munge/munge.key" 2>/dev/null ||
  { dd if=/dev/urandom of="$state/munge/munge.key" bs=1 count=1024 2>/dev/null; }
chmod 0600 "$state/munge/munge.key"
munged --force --socket="$state/munge/munge.socket" --key-file="$state/munge/munge.key" \
  --pid-file="$state/munged.pid" --log-file="$state/log/munged.log" --seed-file="$state/munge/munged.seed" ||
  skip "munged did not start"

cpus=$(nproc)
export SLURM_CONF="$state/slurm.conf"
cat >"$SLURM_CONF" <<EOF
ClusterName=mesosimci
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=16817
SlurmdPort=16818
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$state/munge/munge.socket
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
ReturnToService=2
MinJobAge=3600
StateSaveLocation=$state/save
SlurmdSpoolDir=$state/spool
SlurmctldPidFile=$state/slurmctld.pid
SlurmdPidFile=$state/slurmd.pid
SlurmctldLogFile=$state/log/slurmctld.log
SlurmdLogFile=$state/log/slurmd.log
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=ci Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
slurmctld -f "$SLURM_CONF" || skip "slurmctld did not start"
# -N: the node is "localhost" whatever the host name is.
slurmd -f "$SLURM_CONF" -N localhost || skip "slurmd did not start"
for i in $(seq 60); do
  [ "$(sinfo -h -o %T 2>/dev/null)" = idle ] && break
  [ "$i" = 60 ] && skip "the node did not come up idle: $(sinfo 2>&1)"
  sleep 1
done
sinfo

# job_field JOBID FIELD: a field of scontrol show job (e.g. JobState).
job_field() { scontrol show job "$1" | tr ' ' '\n' | sed -n "s/^$2=//p" | head -n 1; }

# The figures that are wall time: the fuzz table's "; 1.23s wall time,
# 4.5 seeds/s" and the JSON report's timing object.
wall() { sed -E 's/; [0-9.]+s wall time, [0-9.e+]+ seeds\/s//; /"(wall_seconds|seeds_per_second)":/d' "$1"; }

# sweep NAME N MERGEARGS -- compare|fuzz ARGS...: runs the sweep in N
# shards through Slurm and checks the merge against the single run.
sweep() {
  local name=$1 n=$2 mergeargs=$3
  shift 4
  local dir="$state/work/$name"
  mkdir -p "$dir"
  echo "== $name: mesosim $* in $n shards"
  local gen=(--shards "$n" --max-running 2 --mesosim "$bin" --name "$name" --parts parts)
  [ -n "$mergeargs" ] && gen+=(--merge-arg="$mergeargs")
  "$bin" sweep slurm "${gen[@]}" -- "$@" >"$dir/$name.sbatch"
  local out
  out=$(cd "$dir" && bash "$name.sbatch")
  echo "$out"
  local array merge
  array=$(sed -n 's/.*shards job array \([0-9]*\),.*/\1/p' <<<"$out")
  merge=$(sed -n 's/.*merge job \([0-9]*\);.*/\1/p' <<<"$out")
  [ -n "$array" ] && [ -n "$merge" ] || { echo "no job ids in: $out" >&2; return 1; }
  for i in $(seq 600); do
    [ -z "$(squeue -h -j "$array,$merge" 2>/dev/null)" ] && break
    [ "$i" = 600 ] && { echo "$name: jobs still queued after 10 minutes:" >&2; squeue >&2; return 1; }
    sleep 1
  done
  local parts
  parts=$(ls "$dir"/parts/part-*.json | wc -l)
  [ "$parts" = "$n" ] || { echo "$name: $parts parts, want $n" >&2; return 1; }

  local want=0
  (cd "$dir" && "$bin" "$@" $mergeargs >"$dir/single.out" 2>"$dir/single.err") || want=$?
  local state_ code
  state_=$(job_field "$merge" JobState)
  code=$(job_field "$merge" ExitCode)
  echo "$name: merge job $merge $state_, exit code $code; single run exit status $want"
  [ "$code" = "$want:0" ] || { echo "$name: the merge exited $code, the single run $want" >&2; cat "$dir/parts/merge.log" >&2; return 1; }
  if ! cmp -s <(wall "$dir/single.out") <(wall "$dir/parts/merged.out"); then
    echo "$name: merged output differs from the single run:" >&2
    diff <(wall "$dir/single.out") <(wall "$dir/parts/merged.out") >&2 || true
    return 1
  fi
  # Compare output has no wall time at all: the files are identical.
  if [ "$1" = compare ] && ! cmp "$dir/single.out" "$dir/parts/merged.out"; then
    return 1
  fi
  echo "$name: merged output identical to the single run ($(wc -c <"$dir/single.out") bytes)"
}

compare=(compare drf-offer-filter --allocators drf,fifo --seeds 3 --vary frameworks.f1.refuse_seconds=0,2)
fuzz=(fuzz reconciliation-under-loss --seeds 5 --set frameworks.0.behavior=naive --set frameworks.1.behavior=naive)
# 12 compare cells, 5 fuzz seeds: 20 shards leaves empty ones for both.
sweep compare-3 3 "" -- "${compare[@]}"
sweep compare-1 1 --format=csv -- "${compare[@]}"
sweep compare-20 20 --format=json -- "${compare[@]}"
sweep fuzz-3 3 "" -- "${fuzz[@]}"
sweep fuzz-1 1 --format=json -- "${fuzz[@]}"
sweep fuzz-20 20 "" -- "${fuzz[@]}"
echo "slurm-sweep OK"
