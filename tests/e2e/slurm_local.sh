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
#   6. stop is idempotent and leaves no daemon behind.
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

# ---- 6. stop, twice -------------------------------------------------------------------------------
jobs/local-cluster.sh stop
jobs/local-cluster.sh stop
if jobs/local-cluster.sh status >/dev/null; then fail "status says running after stop"; fi
echo "slurm_local: passed in $((SECONDS - t_start)) s"
