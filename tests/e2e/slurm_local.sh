#!/usr/bin/env bash
# The Slurm scripts on a real one-node Slurm cluster (exit 0 = pass):
#   1. jobs/local-cluster.sh starts munged + slurmctld + slurmd (own state dir,
#      always stopped again by the trap); status says so;
#   2. jobs/sweep.sbatch on 4 tasks (oversubscribed on 2 cores), over TCP via an
#      environment variable the job inherits from sbatch: every JSON row has
#      wrong == 0, ranks == 4 and measured wire bytes; job.json recorded the
#      job id, node list and task layout;
#   3. a run that fails (bad flag) fails the job, its exit code in job.json;
#   4. jobs/scaling.sh over 1, 2, 4 ranks (one job each, launched by mpirun
#      this time, + a dependent collect job): scaling.csv has every rank count,
#      the PNGs are non-empty PNGs;
#   5. jobs/train.sbatch on 2 ranks (summary.json's
#      slurm_job_id is the job id), and a train scaling study inside one
#      allocation (jobs/scaling.sh --inside) with its plots;
#   6. requeue: a jobs/train.sbatch run gets SIGUSR1 at its batch shell
#      (scancel --signal=USR1 --batch, what --signal=B:USR1@60 does before
#      the time limit) while its ranks are held with SIGSTOP, so the signal
#      lands mid-run whatever the machine's speed; the ranks checkpoint and
#      exit 75, the job requeues itself (Restarts=1), is started again at
#      once (scontrol update StartTime=now), resumes by itself and ends with
#      the weights checksum of the same run under mpirun without Slurm;
#   7. a dead rank under srun: SIGKILL to task 1 ends the job within 30 s,
#      failed, and srun's message names task 1 (skipped without PMIx);
#   8. stop is idempotent and leaves no daemon behind.
# A cluster that cannot start is a failure, with the daemons' log tails.
set -euo pipefail
cd "$(dirname "$0")/../.."
t_start=$SECONDS
fail() { echo "slurm_local: FAILED: $*" >&2; exit 1; }
[ -x build/bitvote ] || fail "build/bitvote missing (make)"
for prog in sbatch squeue sinfo /usr/sbin/slurmctld /usr/sbin/slurmd /usr/sbin/munged; do
    command -v "$prog" >/dev/null || fail "$prog missing: apt-get install slurm-wlm munge (make deps)"
done
python=/usr/bin/python3

tmp=$(mktemp -d /tmp/bitvote-slurm.XXXXXX)
export BITVOTE_SLURM_DIR=$tmp/cluster BITVOTE_RUNS=$tmp/runs
mkdir -p "$BITVOTE_RUNS"
cleanup() {
    jobs/local-cluster.sh stop || true
    rm -rf "$tmp"
}
trap cleanup EXIT

# ---- 1. the cluster -----------------------------------------------------------------------------
jobs/local-cluster.sh start || fail "the local Slurm cluster did not start (log tails above)"
eval "$(jobs/local-cluster.sh env)"
export SLURM_CONF
jobs/local-cluster.sh status
sinfo -h -N -o '%T' | grep -qx idle || fail "node not idle after start"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_btl_base_warn_component_unused=0

submit() {  # sbatch flags... -> waits (bounded); prints the job id; fails on a non-zero job exit
    local id rc=0
    id=$(timeout --kill-after=5 150 sbatch --parsable --wait "$@") || rc=$?
    if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then fail "job did not end within 150 s: sbatch $*"; fi
    echo "${id%%;*}"
    return "$rc"
}
show_out() { cat "$BITVOTE_RUNS/$1-$2.out" 2>/dev/null || true; }

# ---- 2. a sweep on 4 tasks, over TCP (OMPI_MCA_btl travels with the job's environment) -----------
id=$(OMPI_MCA_btl=tcp,self submit --job-name=e2e-sweep --ntasks-per-node=4 --output="$BITVOTE_RUNS/%x-%j.out" \
    jobs/sweep.sbatch -b 1024 -e 65536 -f 8 -i 3 -x 1 --seed 3) || { show_out e2e-sweep "$id"; fail "sweep job $id failed"; }
show_out e2e-sweep "$id" | grep -E '^(job|launcher|oversubscribed|\+)' || true
run=$BITVOTE_RUNS/e2e-sweep-$id
$python - "$run" "$id" <<'PY' || { show_out e2e-sweep "$id"; fail "sweep job $id: bad results"; }
import json, sys
run, job_id = sys.argv[1], int(sys.argv[2])
rows = [json.loads(l) for l in open(f"{run}/sweep.jsonl") if l.strip()]
assert len(rows) >= 3 * 5, f"only {len(rows)} rows"
assert {r["d"] for r in rows} == {1024, 8192, 65536}, {r["d"] for r in rows}
for r in rows:
    assert r["wrong"] == 0, f"{r['strategy']} d={r['d']}: {r['wrong']} wrong"
    assert r["ranks"] == 4, f"ranks {r['ranks']} != 4 tasks"
    assert isinstance(r["wire_sent"], int) and r["wire_sent"] > 0, f"wire bytes not measured (TCP env not propagated?): {r}"
job = json.load(open(f"{run}/job.json"))
assert job["SLURM_JOB_ID"] == job_id, (job["SLURM_JOB_ID"], job_id)
assert job["SLURM_NTASKS"] == 4 and job["ranks"] == 4, job
assert job["SLURM_JOB_NODELIST"] and job["SLURM_TASKS_PER_NODE"] == "4", job
assert job["SLURM_CPUS_PER_TASK"] == 1, job
assert job["launcher"] in ("srun", "mpirun") and job["exit_code"] == 0 and job["end_time"], job
print(f"sweep job {job_id}: {len(rows)} rows, wrong == 0, ranks == 4, wire bytes measured; launcher {job['launcher']}")
PY

# ---- 3. a failing job fails, and says how --------------------------------------------------------
rc=0
id=$(submit --job-name=e2e-bad --ntasks-per-node=2 --output="$BITVOTE_RUNS/%x-%j.out" jobs/sweep.sbatch -b 64K -e 1K) || rc=$?
[ "$rc" -ne 0 ] || fail "a sweep with a bad flag ended as a successful job"
# (the code itself is srun's: 2 from the ranks, or another when srun killed the rest first)
grep -qE '"exit_code": [1-9][0-9]*}' "$BITVOTE_RUNS/e2e-bad-$id/job.json" ||
    { cat "$BITVOTE_RUNS/e2e-bad-$id/job.json"; fail "job.json of the failed job lacks a non-zero exit_code"; }
grep -q 'larger than -e' "$BITVOTE_RUNS/e2e-bad-$id.out" || { show_out e2e-bad "$id"; fail "the bad flag's message is not in the job log"; }
echo "bad-flag job $id: failed as it should ($(grep -oE '"exit_code": [0-9]+' "$BITVOTE_RUNS/e2e-bad-$id/job.json"))"

# ---- 4. a sweep scaling study: one job per rank count, then the collect job ------------------------
study=$tmp/study-sweep
# (launched with mpirun inside the allocation: the fallback where srun has no PMIx)
BITVOTE_LAUNCHER=mpirun timeout --kill-after=5 170 jobs/scaling.sh sweep --ranks 1,2,4 --out "$study" --wait -- -b 1024 -e 16384 -f 4 -i 3 -x 1 \
    >"$tmp/scaling-sweep.log" 2>&1 || { cat "$tmp/scaling-sweep.log"; fail "jobs/scaling.sh sweep failed"; }
grep -E '^submitted' "$tmp/scaling-sweep.log"
check_study() {  # dir, kind, png names...
    local dir=$1 kind=$2 png; shift 2
    [ -s "$dir/scaling.csv" ] || fail "$dir/scaling.csv missing or empty"
    $python - "$dir/scaling.csv" "$kind" <<'PY' || fail "$dir/scaling.csv: wrong rows"
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["kind"] == sys.argv[2]]
ranks = {int(r["ranks"]) for r in rows}
assert ranks == {1, 2, 4} or (sys.argv[2] == "train" and ranks == {1, 2}), ranks
assert all(r["wrong"] in ("", "0") for r in rows)
print(f"{sys.argv[1]}: {len(rows)} {sys.argv[2]} rows, ranks {sorted(ranks)}")
PY
    for png in "$@"; do
        [ -s "$dir/$png" ] || fail "$dir/$png missing or empty"
        [ "$(head -c 4 "$dir/$png" | tail -c 3)" = PNG ] || fail "$dir/$png is not a PNG"
    done
}
check_study "$study" sweep sweep_time.png sweep_bandwidth.png sweep_efficiency.png sweep_bytes.png
grep -q '"launcher": "mpirun"' "$study"/sweep-n4-*/job.json || fail "the study's jobs did not use mpirun (BITVOTE_LAUNCHER)"

# ---- 5. training: a train job and a train scaling study inside one allocation ----------------------
build/bitvote data synthetic --train 2000 --test 400 --classes 10 --seed 5 --out "$tmp/synth.h5" >/dev/null
id=$(submit --job-name=e2e-train --ntasks-per-node=2 --output="$BITVOTE_RUNS/%x-%j.out" \
    jobs/train.sbatch --data "$tmp/synth.h5" --method signum --steps 8 --batch 16 --test-samples 200) ||
    { show_out e2e-train "$id"; fail "train job $id failed"; }
$python - "$BITVOTE_RUNS/e2e-train-$id" "$id" <<'PY' || { show_out e2e-train "$id"; fail "train job $id: bad summary"; }
import json, sys
run, job_id = sys.argv[1], sys.argv[2]
s = json.load(open(f"{run}/summary.json"))
assert str(s["slurm_job_id"]) == job_id, (s["slurm_job_id"], job_id)
assert s["ranks"] == 2 and s["steps"] == 8, s
assert json.load(open(f"{run}/job.json"))["exit_code"] == 0
print(f"train job {job_id}: summary.json slurm_job_id {s['slurm_job_id']}, {s['samples_per_s']:.0f} samples/s")
PY
study=$tmp/study-train
timeout --kill-after=5 170 jobs/scaling.sh train --inside --ranks 1,2 --scaling strong --global-batch 32 \
    --methods signum --out "$study" --wait -- --data "$tmp/synth.h5" --steps 6 --test-samples 100 \
    >"$tmp/scaling-train.log" 2>&1 || { cat "$tmp/scaling-train.log"; fail "jobs/scaling.sh train --inside failed"; }
check_study "$study" train train_throughput.png train_efficiency.png train_bytes.png train_time_share.png

# job_pids JOB_ID [PROCID]: the pids of the job's bitvote ranks (their environment names the job).
job_pids() {
    local p env
    for p in $(pgrep -x bitvote); do
        env=$(tr '\0' '\n' 2>/dev/null <"/proc/$p/environ") || continue
        grep -qx "SLURM_JOB_ID=$1" <<<"$env" || continue
        [ -z "${2:-}" ] || grep -qx "SLURM_PROCID=$2" <<<"$env" || continue
        echo "$p"
    done
}
# wait_for SECONDS WHAT COMMAND...: polls COMMAND every 0.1 s; fails naming WHAT after SECONDS.
wait_for() {
    local limit=$1 what=$2 t; shift 2
    for ((t = 0; t < limit * 10; t++)); do "$@" && return 0; sleep 0.1; done
    fail "$what: not within $limit s"
}
usr1_pending() {  # pids...: SIGUSR1 (10, bit 9) pending at each
    local p
    for p in "$@"; do
        (( 0x$(awk '/^ShdPnd:/ {print $2}' "/proc/$p/status") & 0x200 )) || return 1
    done
}
job_state() { scontrol show job "$1" | grep -o 'JobState=[A-Z]*' | cut -d= -f2; }

# ---- 6. requeue: SIGUSR1 -> checkpoint -> exit 75 -> scontrol requeue -> resume ----------------------
# 20000 steps of 0.1-0.2 ms: seconds of training, so the ranks are still there to be stopped
small=(--data "$tmp/synth.h5" --model mlp --widths 64,32 --batch 32 --test-samples 200 --steps 20000 --eval-every 1000
       --method signum --strategy vote-alltoall --seed 3)
id=$(sbatch --parsable --job-name=e2e-requeue --ntasks-per-node=2 --output="$BITVOTE_RUNS/%x-%j.out" \
    jobs/train.sbatch "${small[@]}")
log=$BITVOTE_RUNS/e2e-requeue-$id.out
two_ranks() { mapfile -t pids < <(job_pids "$id"); [ "${#pids[@]}" -eq 2 ]; }
wait_for 60 "requeue job $id: training under way" grep -qs '^epoch' "$log"
wait_for 10 "requeue job $id: its two ranks" two_ranks
[ "${#pids[@]}" -eq 2 ] || { show_out e2e-requeue "$id"; fail "requeue job $id: ${#pids[@]} ranks found, not 2"; }
kill -STOP "${pids[@]}"
scancel --signal=USR1 --batch "$id"
wait_for 20 "SIGUSR1 passed on to both ranks of job $id" usr1_pending "${pids[@]}"
kill -CONT "${pids[@]}"
requeued() { scontrol show job "$id" | grep -q 'Restarts=1'; }  # pending or already running again
wait_for 60 "job $id requeued" requeued
# Slurm holds a requeued job back a while (the old one is still being cleaned
# up on the node); the test shortens that, not to 0: relaunched at once, slurmd
# can refuse it ("Job N already killed, do not launch batch job").
sleep 5
scontrol update JobId="$id" StartTime=now
finished() { [ "$(job_state "$id")" = COMPLETED ] || [ "$(job_state "$id")" = FAILED ]; }
wait_for 120 "requeued job $id finished" finished
[ "$(job_state "$id")" = COMPLETED ] || { show_out e2e-requeue "$id"; fail "requeued job $id: $(job_state "$id")"; }
for line in '^stopped on SIGUSR1 after step [0-9]* of 20000' '^requeueing job' '^resuming from .*/step-'; do
    grep -q "$line" "$log" || { show_out e2e-requeue "$id"; fail "requeue job $id: no line '$line' in its log"; }
done
mpirun --oversubscribe -np 2 build/bitvote train "${small[@]}" --out "$tmp/requeue-ref" >"$tmp/requeue-ref.log" 2>&1 ||
    { tail "$tmp/requeue-ref.log"; fail "the uninterrupted run under mpirun failed"; }
checksum_of() { $python -c 'import json, sys; print(json.load(open(sys.argv[1]))["weights_checksum"])' "$1/summary.json"; }
got=$(checksum_of "$BITVOTE_RUNS/e2e-requeue-$id") ref=$(checksum_of "$tmp/requeue-ref")
[ "$got" = "$ref" ] || { show_out e2e-requeue "$id"; fail "requeued job $id: checksum $got != uninterrupted $ref"; }
echo "requeue job $id: $(grep -o 'stopped on SIGUSR1 after step [0-9]*' "$log"), requeued (Restarts=1), resumed; checksum $got = uninterrupted run's"

# ---- 7. a dead rank under srun ------------------------------------------------------------------------
if srun --mpi=list 2>&1 | grep -qw pmix; then
    id=$(BITVOTE_LAUNCHER=srun sbatch --parsable --job-name=e2e-dead --ntasks-per-node=3 \
        --output="$BITVOTE_RUNS/%x-%j.out" jobs/train.sbatch "${small[@]}" --steps 100000000)
    wait_for 60 "dead-rank job $id: training under way" grep -qs '^epoch' "$BITVOTE_RUNS/e2e-dead-$id.out"
    victim=$(job_pids "$id" 1)
    [ -n "$victim" ] || fail "dead-rank job $id: no task 1"
    start=$SECONDS
    kill -KILL "$victim"
    ended() { [ -z "$(job_pids "$id")" ] && [ "$(job_state "$id")" = FAILED ]; }
    wait_for 30 "job $id ended after task 1 was killed" ended
    grep -Eq 'task 1: Killed' "$BITVOTE_RUNS/e2e-dead-$id.out" || { show_out e2e-dead "$id"; fail "srun did not name task 1"; }
    echo "dead rank under srun: task 1 killed, job $id FAILED after $((SECONDS - start)) s: $(grep -o 'srun: error: .*task 1: Killed' "$BITVOTE_RUNS/e2e-dead-$id.out")"
else
    echo "SKIP: dead rank under srun: this Slurm's srun has no PMIx (srun --mpi=list)"
fi

# ---- 8. stop, twice -------------------------------------------------------------------------------
jobs/local-cluster.sh stop
jobs/local-cluster.sh stop
if jobs/local-cluster.sh status >/dev/null; then fail "status says running after stop"; fi
echo "slurm_local: passed in $((SECONDS - t_start)) s"
