#!/usr/bin/env bash
# A dead rank ends the job (exit 0 = pass): 3 ranks train under mpirun; once
# training runs, rank 1 is killed with SIGKILL. The job must end within 30 s,
# non-zero, with a message naming rank 1 (OpenMPI's mpirun says "process rank
# 1 ... exited on signal 9"; measured here: about 1 s). The same under srun is
# in tests/e2e/slurm_local.sh.
source "$(dirname "$0")/lib/train.bash"
fail() { echo "FAIL: $*"; exit 1; }

# rank_pid LAUNCHER_PID RANK: the pid of that rank among the launcher's children (its environment
# holds OMPI_COMM_WORLD_RANK).
rank_pid() {
    local p
    for p in $(ps -o pid= --ppid "$1"); do
        tr '\0' '\n' <"/proc/$p/environ" 2>/dev/null | grep -qx "OMPI_COMM_WORLD_RANK=$2" && { echo "$p"; return; }
    done
}

mpirun --oversubscribe -np 3 build/bitvote train --data "$DATA" --model mlp --widths 32,16 --batch 16 \
    --train-samples 600 --test-samples 200 --steps 1000000 --eval-every 100 --method signum \
    --strategy vote-alltoall >"$tmp/dead.log" 2>&1 &
pid=$!
for ((t = 0; t < 1500; t++)); do grep -q '^epoch' "$tmp/dead.log" && break; sleep 0.02; done
grep -q '^epoch' "$tmp/dead.log" || { cat "$tmp/dead.log"; kill -KILL "$pid"; fail "training did not start"; }
victim=$(rank_pid "$pid" 1)
[ -n "$victim" ] || { kill -KILL "$pid"; fail "no rank 1 among mpirun's children"; }
start=$SECONDS
kill -KILL "$victim"
rc=0
for ((t = 0; t < 300; t++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$pid" 2>/dev/null; then
    kill -KILL $(ps -o pid= --ppid "$pid") "$pid" 2>/dev/null
    fail "the job still ran 30 s after rank 1 was killed"
fi
wait "$pid" || rc=$?
elapsed=$((SECONDS - start))
[ "$rc" -ne 0 ] || fail "the job ended with exit 0 after rank 1 was killed"
grep -Eq 'rank 1 .*(signal 9|Killed)' "$tmp/dead.log" || { cat "$tmp/dead.log"; fail "no message naming rank 1"; }
echo "rank 1 (pid $victim) killed: the job ended in ${elapsed} s, exit $rc: $(grep -Eo 'process rank 1 .*' "$tmp/dead.log" | head -1)"
echo "pass"
