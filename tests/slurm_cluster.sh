#!/usr/bin/env bash
# slurm_cluster.sh COMMAND [ARGS...]
# Brings up a private single-node Slurm cluster (Debian's munged, slurmctld, slurmd) with
# everything in one temporary folder, runs COMMAND with SLURM_CONF pointing at it (and
# its partition nctest the default), then stops the daemons by their pids and removes the folder.
# Nothing survives: a watchdog outside the caller's process group stops the daemons and
# removes the folder when this script ends in any way (even SIGKILL).
# Exit status: COMMAND's, or 3 when the cluster does not come up (its logs are printed).
set -u
for b in munged slurmctld slurmd sinfo; do
  command -v $b >/dev/null || { echo "slurm_cluster: $b not found (Debian packages munge slurmctld slurmd slurm-client)" >&2; exit 3; }
done
tmp=$(mktemp -d "${TMPDIR:-/tmp}/nc-slurm.XXXXXX") || exit 3
chmod 700 "$tmp"
mkdir -p "$tmp/state" "$tmp/spool" "$tmp/munge"
chmod 700 "$tmp/munge"
pids=()
# Two free TCP ports for slurmctld and slurmd (bind to port 0: the kernel picks).
ports=$(python3 -c 'import socket
s=[socket.socket() for _ in range(2)]
[x.bind(("127.0.0.1",0)) for x in s]
print(" ".join(str(x.getsockname()[1]) for x in s))')
set -- "$@"
read -r pctld pd <<<"$ports"
node=nc-test
conf="$tmp/slurm.conf"
# Everything started under this script carries SLURM_CONF=$conf in its environment: the
# daemons, the job steps (slurmstepd), the array tasks, COMMAND and its children. kill_all
# kills each such process (by pid, read from /proc/PID/environ) except the caller.
kill_all='for e in $(grep -lzxF "SLURM_CONF='"$conf"'" /proc/[0-9]*/environ 2>/dev/null); do
  p=${e#/proc/}; p=${p%/environ}; [ "$p" = "$keep" ] || kill -9 "$p" 2>/dev/null; done'
# The watchdog (its own session, started before SLURM_CONF is set): when this script's process
# is gone, however it ended, it kills what the script started and removes the folder.
me=$$
setsid bash -c 'keep=$$; while kill -0 '"$me"' 2>/dev/null; do sleep 0.5; done
  for f in '"$tmp"'/*.pid; do [ -f "$f" ] && kill -9 "$(cat "$f")" 2>/dev/null; done
  '"$kill_all"'
  rm -rf '"$tmp"'' </dev/null >/dev/null 2>&1 &
cleanup() {
  for f in "$tmp"/slurmd.pid "$tmp"/slurmctld.pid "$tmp"/munged.pid; do
    [ -f "$f" ] && kill -TERM "$(cat "$f")" 2>/dev/null
  done
  sleep 0.5
  for f in "$tmp"/*.pid; do [ -f "$f" ] && kill -9 "$(cat "$f")" 2>/dev/null; done
  env -u SLURM_CONF bash -c 'keep=$PPID; '"$kill_all"'' 
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
export SLURM_CONF="$conf"
dd if=/dev/urandom of="$tmp/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$tmp/munge/munge.key"
munged --force --socket="$tmp/munge/munge.sock" --key-file="$tmp/munge/munge.key" \
       --pid-file="$tmp/munged.pid" --log-file="$tmp/munged.log" --seed-file="$tmp/munge/seed" \
       || { echo "slurm_cluster: munged did not start" >&2; cat "$tmp/munged.log" >&2; exit 3; }
cpus=$(nproc)
cat > "$conf" <<CONF
ClusterName=nctest
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$pctld
SlurmdPort=$pd
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$tmp/munge/munge.sock
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/slurmctld.log
SlurmdLogFile=$tmp/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MpiDefault=none
SwitchType=switch/none
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
MinJobAge=2
KillWait=2
SchedulerParameters=sched_interval=1
NodeName=$node NodeHostname=localhost NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=nctest Nodes=$node Default=YES MaxTime=INFINITE State=UP
CONF
slurmctld -i >"$tmp/slurmctld.out" 2>&1 || true
slurmd -N $node >"$tmp/slurmd.out" 2>&1 || true
# Up when the node is idle (bounded: 30 s).
up=0
for _ in $(seq 1 60); do
  st=$(sinfo -h -N -o %t 2>/dev/null | head -1)
  [ "$st" = idle ] && { up=1; break; }
  sleep 0.5
done
if [ $up != 1 ]; then
  echo "slurm_cluster: the cluster did not come up (node state '${st:-none}')" >&2
  tail -20 "$tmp"/slurmctld.log "$tmp"/slurmd.log "$tmp"/*.out >&2 2>/dev/null
  exit 3
fi
echo "slurm_cluster: up, SLURM_CONF=$conf" >&2
"$@"
