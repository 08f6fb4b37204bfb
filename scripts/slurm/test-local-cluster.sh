#!/usr/bin/env bash
# Tests the Slurm recipe for real (docs/cluster.md): starts a one-node Slurm cluster on this
# machine from the Debian packages (munge, slurmctld, slurmd, slurm-client) with its own
# configuration, ports and state in a temporary folder, submits a 3-shard sweep with the shipped
# scripts/slurm/sweep.sbatch and the merge with scripts/slurm/merge.sbatch, waits, and compares
# the merged files byte for byte with one unsharded process. Stops only the daemons it started
# (by the pids they wrote), whatever happens. Needs root (the daemons run as root here).
#   scripts/slurm/test-local-cluster.sh [scenario]      (default scenarios/sweep.yaml)
set -euo pipefail
cd "$(dirname "$0")/../.."
scenario=${1:-scenarios/sweep.yaml}
for bin in munged slurmctld slurmd sbatch squeue sinfo; do
  command -v "$bin" >/dev/null || { echo "test-local-cluster: $bin not found (apt-get install munge slurmctld slurmd slurm-client)" >&2; exit 2; }
done
[ "$(id -u)" = 0 ] || { echo "test-local-cluster: run as root (the test cluster's daemons run as root)" >&2; exit 2; }

work=$(mktemp -d /tmp/seqsim-slurm-XXXXXX)
chmod 755 "$work"
host=$(hostname -s)
# Ports of this test cluster only: free ones, so a cluster already running here is left alone.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
ctld_port=$(free_port)
d_port=$(free_port)

stop() {
  local status=$?
  for pidfile in "$work/slurmd.pid" "$work/slurmctld.pid" "$work/munged.pid"; do
    if [ -s "$pidfile" ]; then
      pid=$(cat "$pidfile")
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
    fi
  done
  if [ "$status" != 0 ]; then
    echo "test-local-cluster: FAILED; daemon logs:" >&2
    tail -n 20 "$work"/*.log >&2 2>/dev/null || true
  fi
  rm -rf "$work"
  exit "$status"
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# munge: its own key, socket and files (--force: it refuses root otherwise).
mkdir -p "$work/munge" "$work/state" "$work/spool"
chmod 700 "$work/munge"
dd if=/dev/urandom of="$work/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$work/munge/munge.key"
munged --force --key-file="$work/munge/munge.key" --socket="$work/munge/munge.socket" \
  --pid-file="$work/munged.pid" --log-file="$work/munged.log" --seed-file="$work/munge/munge.seed"

cat > "$work/slurm.conf" <<EOF
ClusterName=seqsimtest
SlurmctldHost=$host
SlurmctldPort=$ctld_port
SlurmdPort=$d_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$work/munge/munge.socket
CredType=cred/munge
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
ReturnToService=2
NodeName=$host CPUs=$(nproc) State=UNKNOWN
PartitionName=seqsim Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF="$work/slurm.conf"
slurmctld -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF"
for _ in $(seq 100); do
  state=$(sinfo -h -n "$host" -o %T 2>/dev/null || true)
  [ "$state" = idle ] && break
  sleep 0.2
done
[ "$state" = idle ] || { echo "test-local-cluster: the node did not come up (state: ${state:-none})" >&2; exit 1; }
echo "test-local-cluster: one-node cluster up ($host, slurmctld port $ctld_port)"

# The reference: the same sweep in one process.
npx seqsim sweep "$scenario" -o "$work/whole" --quiet >/dev/null

# The recipe, as docs/cluster.md gives it. The jobs log into the work folder.
jid=$(sbatch --parsable --chdir="$PWD" --output="$work/sweep-%A_%a.log" --array=0-2 scripts/slurm/sweep.sbatch "$scenario" "$work/out")
echo "test-local-cluster: submitted array job $jid (3 shards of $scenario)"
sbatch --parsable --wait --chdir="$PWD" --output="$work/merge-%j.log" --dependency=afterok:"$jid" scripts/slurm/merge.sbatch "$work/out" >/dev/null \
  || { echo "test-local-cluster: the merge job failed" >&2; cat "$work"/*.log >&2; exit 1; }

shards=$(ls -d "$work"/out/shard-* | wc -l)
[ "$shards" = 3 ] || { echo "test-local-cluster: expected 3 shard folders, found $shards" >&2; exit 1; }
files=0
for f in "$work"/whole/*.arrow; do
  cmp "$f" "$work/out/all/$(basename "$f")" || { echo "test-local-cluster: $(basename "$f") differs between the Slurm array and one process" >&2; exit 1; }
  files=$((files + 1))
done
[ "$(ls "$work"/out/all/*.arrow | wc -l)" = "$files" ] || { echo "test-local-cluster: the merged folder has other files than one process writes" >&2; exit 1; }
echo "test-local-cluster: PASS: 3 Slurm array tasks merged = one process, $files files byte-identical"
