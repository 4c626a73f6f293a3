#!/usr/bin/env bash
# Checkpoints and --resume (exit 0 = pass), 3 ranks, a small mlp on 600 samples:
#   1. signum, s3gd, efsign: the whole job (mpirun and its ranks) is killed
#      with SIGKILL just after a random checkpoint step; --resume ends with the
#      weights checksum of an uninterrupted run without checkpoints. signum's
#      first resumed run gets SIGUSR1 through mpirun (what a Slurm job passes
#      on before its time limit): exit 75 with a checkpoint and no summary;
#      the second resume ends with the same checksum, and run.jsonl holds
#      every step once, the two resume records and the summary;
#   2. the newest checkpoint truncated and the one before it with a changed
#      byte in /weights: --resume warns about both, renames them .corrupt,
#      resumes from the third and still ends with the same checksum;
#   3. h5py opens a checkpoint: /weights has d floats, /rank/R for every rank,
#      /config is the run's config record, /step its name's step;
#   4. a config that differs (method, ranks) is refused naming the fields; a
#      fresh run into a directory with checkpoints is refused; --resume with
#      no checkpoint is refused;
#   5. every other method and mode (sgd, signsgd, noisysign, magsparse with
#      and without --local-steps, topk, the median, the weighted vote,
#      --overlap, --accum, per-rank batches): a checkpoint at step 10 of 20,
#      --resume, the checksum of the straight run.
source "$(dirname "$0")/lib/train.bash"
python=/usr/bin/python3
steps=1000
small=(--model mlp --widths 32,16 --batch 16 --train-samples 600 --test-samples 200 --eval-every 250 --seed 7)
declare -A strategy=([signum]=vote-alltoall [s3gd]=sparse-allgather [efsign]=sign-allgather)
fail() { echo "FAIL: $*"; exit 1; }

# run NAME NP FLAGS...: runs to the end; prints the exit code (output in $tmp/NAME.log).
run() {
    local name=$1 np=$2 rc=0; shift 2
    timeout --kill-after=10 300 mpirun --oversubscribe -np "$np" build/bitvote train --data "$DATA" "${small[@]}" \
        "$@" >>"$tmp/$name.log" 2>&1 || rc=$?
    echo "$rc"
}
checksum() { summary "$1" 's["weights_checksum"]'; }
expect_ok() { [ "$1" -eq 0 ] || { tail -20 "$tmp/$2.log"; fail "$2 exited $1"; }; }

# killed NAME FLAGS...: started in a session of its own, killed (SIGKILL to mpirun and every
# rank at once: the whole session) as soon as a checkpoint of step >= a random step exists.
killed() {
    local name=$1 at=$(((RANDOM % 19 + 2) * 25)) pid t; shift
    setsid mpirun --oversubscribe -np 3 build/bitvote train --data "$DATA" "${small[@]}" "$@" >"$tmp/$name.log" 2>&1 &
    pid=$!  # mpirun, leader of a new session; each rank has a process group of its own, in that session
    for ((t = 0; t < 3000; t++)); do
        compgen -G "$tmp/$name/checkpoints/step-*.h5" >/dev/null &&
            [ "$(ls "$tmp/$name/checkpoints" | sed -n 's/^step-0*\([0-9][0-9]*\)\.h5$/\1/p' | sort -n | tail -1)" -ge "$at" ] && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.02
    done
    kill -KILL $(ps -o pid= -s "$pid") 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    [ ! -e "$tmp/$name/summary.json" ] || fail "$name finished before the kill (at step $at): make the run longer"
    echo "$name: killed after checkpoint step $at; newest left: $(ls "$tmp/$name/checkpoints" | tail -1)"
}

# usr1 NAME FLAGS...: SIGUSR1 to mpirun (which passes it to the ranks) once training has begun:
# the ranks finish the step, write a checkpoint and exit 75, without a summary.
usr1() {
    local name=$1 pid t rc=0; shift
    mpirun --oversubscribe -np 3 build/bitvote train --data "$DATA" "${small[@]}" "$@" >"$tmp/$name-usr1.log" 2>&1 &
    pid=$!
    for ((t = 0; t < 1500; t++)); do grep -q '^resuming from' "$tmp/$name-usr1.log" && break; sleep 0.02; done
    kill -USR1 "$pid"
    wait "$pid" || rc=$?
    [ "$rc" -eq 75 ] || { tail "$tmp/$name-usr1.log"; fail "SIGUSR1: exit $rc, not 75"; }
    grep -q '^stopped on SIGUSR1 after step' "$tmp/$name-usr1.log" || fail "SIGUSR1: no 'stopped' line"
    [ ! -e "$tmp/$name/summary.json" ] || fail "SIGUSR1: a summary was written"
    echo "$name: $(grep -o 'stopped on SIGUSR1 after step [0-9]*' "$tmp/$name-usr1.log"), exit 75"
}

# ---- 1. kill -9 of the whole job, then --resume (signum: stopped by SIGUSR1 on the way) -----------
for m in signum s3gd efsign; do
    flags=(--method "$m" --strategy "${strategy[$m]}" --steps "$steps" --out "$tmp/$m" --checkpoint-every 25)
    expect_ok "$(run "$m-ref" 3 --method "$m" --strategy "${strategy[$m]}" --steps "$steps" --out "$tmp/$m-ref")" "$m-ref"
    killed "$m" "${flags[@]}"
    [ "$m" != signum ] || usr1 "$m" "${flags[@]}" --resume
    expect_ok "$(run "$m" 3 "${flags[@]}" --resume)" "$m resumed"
    grep -q '^resuming from .*step-' "$tmp/$m.log" || fail "$m: no 'resuming from' line"
    ref=$(checksum "$m-ref") got=$(checksum "$m")
    echo "$m: uninterrupted $ref, killed + resumed $got"
    [ "$ref" = "$got" ] || fail "$m: resumed checksum $got != uninterrupted $ref"
done
$python - "$tmp/signum/run.jsonl" "$steps" <<'PY' || fail "signum run.jsonl after the resume"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]  # every line whole: the kill's partial lines were cut
steps = [r["step"] for r in recs if r["event"] == "step"]
resume = [r for r in recs if r["event"] == "resume"]
assert recs[0]["event"] == "config" and recs[-1]["event"] == "summary", (recs[0]["event"], recs[-1]["event"])
assert len(resume) == 2 and resume[0]["checkpoint"].endswith("step-%08d.h5" % resume[0]["step"]), resume
assert steps == list(range(1, int(sys.argv[2]) + 1)), "step records not 1..steps once each"
assert recs[-1]["resumed_from_step"] == resume[-1]["step"], recs[-1]["resumed_from_step"]
print(f"run.jsonl: config, steps 1..{sys.argv[2]} once each, resumed at {[r['step'] for r in resume]}, summary")
PY

# ---- 2. a truncated newest and a corrupted second newest: back to the third ---------------------
dir=$tmp/signum/checkpoints
mapfile -t files < <(ls "$dir"/step-*.h5)
[ "${#files[@]}" -eq 3 ] || fail "--keep-checkpoints 3 (default) kept ${#files[@]}: ${files[*]}"
truncate -s $(($(stat -c %s "${files[2]}") * 6 / 10)) "${files[2]}"
$python - "${files[1]}" <<'PY' || fail "could not corrupt ${files[1]}"
import h5py, sys
with h5py.File(sys.argv[1], "r") as f:
    offset = f["weights"].id.get_chunk_info(0).byte_offset  # chunked: the first chunk
with open(sys.argv[1], "r+b") as f:  # one byte of the stored weights, behind HDF5's back
    f.seek(offset + 100); b = f.read(1); f.seek(offset + 100); f.write(bytes([b[0] ^ 0x10]))
PY
rm "$tmp/signum/summary.json"
expect_ok "$(run signum-fallback 3 --method signum --strategy vote-alltoall --steps "$steps" --out "$tmp/signum" --checkpoint-every 25 --resume)" signum-fallback
for f in "${files[2]}" "${files[1]}"; do
    grep -q "warning: checkpoint $f cannot be read" "$tmp/signum-fallback.log" || { cat "$tmp/signum-fallback.log"; fail "no warning for $f"; }
done
grep -q "Fletcher32\|checksum" "$tmp/signum-fallback.log" || fail "the corrupted byte was not reported as a checksum error"
grep -q "^resuming from ${files[0]}" "$tmp/signum-fallback.log" || fail "did not resume from ${files[0]}"
[ -e "${files[2]}.corrupt" ] && [ -e "${files[1]}.corrupt" ] || fail "the unreadable files were not renamed .corrupt"
got=$(checksum signum)
[ "$got" = "$(checksum signum-ref)" ] || fail "after the fallback: $got != $(checksum signum-ref)"
echo "fallback: 2 warnings, resumed from $(basename "${files[0]}"), checksum $got"

# ---- 3. h5py reads a checkpoint ----------------------------------------------------------------------
$python - "$tmp/s3gd" <<'PY' || fail "h5py"
import glob, h5py, json, sys
run = sys.argv[1]
summary = json.load(open(f"{run}/summary.json"))
path = sorted(glob.glob(f"{run}/checkpoints/step-*.h5"))[-1]
with h5py.File(path, "r") as f:
    assert f["weights"].dtype == "float32" and f["weights"].shape == (summary["params"],), f["weights"]
    assert sorted(f["rank"].keys(), key=int) == [str(r) for r in range(summary["ranks"])], list(f["rank"])
    assert f["rank/1/method/memory"].shape == (summary["params"],)  # s3gd's accumulator
    assert f["step"][()] == int(path[-11:-3]), (f["step"][()], path)
    config = json.loads(f["config"][()])
    assert config["event"] == "config" and config["method"] == "s3gd", config
    print(f"h5py: {path.split('/')[-1]}: /weights float32[{summary['params']}], /rank/0..{summary['ranks'] - 1}")
PY

# ---- 4. what --resume refuses ------------------------------------------------------------------------
rc=$(run mismatch 2 --method signum --steps "$steps" --out "$tmp/s3gd" --resume)
[ "$rc" -eq 1 ] || fail "a resume with another method and rank count: exit $rc"
grep -q 'is from another configuration: .*method "s3gd" in the checkpoint, "signum" in this run.*ranks 3 in the checkpoint, 2 in this run' \
    "$tmp/mismatch.log" || { cat "$tmp/mismatch.log"; fail "the mismatch message does not name method and ranks"; }
rc=$(run fresh 1 --method s3gd --steps 10 --out "$tmp/s3gd")
[ "$rc" -eq 2 ] && grep -q "holds an earlier run's checkpoints" "$tmp/fresh.log" || fail "a fresh run over checkpoints: exit $rc"
rc=$(run none 1 --method s3gd --steps 10 --out "$tmp/none" --resume)
[ "$rc" -eq 1 ] && grep -q -- '--resume: no checkpoint in' "$tmp/none.log" || fail "--resume without checkpoints: exit $rc"
echo "refused: another config (names method and ranks), a fresh run over checkpoints, --resume without one"

# ---- 5. every other method and mode: stop at a checkpoint of step 10, resume to 20 -------------------
modes=("sgd" "signsgd" "noisysign" "magsparse" "magsparse --local-steps 3" "topk" "sgd --aggregate median --noise 0.01"
       "signum --aggregate weighted --strategy vote-gather" "signum --overlap" "s3gd --accum 0.5" "signsgd --batch 8,16")
for i in "${!modes[@]}"; do
    read -r -a flags <<<"--method ${modes[$i]}"
    expect_ok "$(run "m$i-ref" 3 "${flags[@]}" --steps 20 --out "$tmp/m$i-ref")" "${modes[$i]} straight"
    expect_ok "$(run "m$i" 3 "${flags[@]}" --steps 10 --checkpoint-every 10 --out "$tmp/m$i")" "${modes[$i]} to 10"
    expect_ok "$(run "m$i" 3 "${flags[@]}" --steps 20 --resume --out "$tmp/m$i")" "${modes[$i]} resumed"
    [ "$(checksum "m$i")" = "$(checksum "m$i-ref")" ] ||
        fail "${modes[$i]}: resumed checksum $(checksum "m$i") != straight $(checksum "m$i-ref")"
done
echo "every mode: 10 steps + checkpoint + --resume to 20 = 20 straight (${#modes[@]} modes)"
echo "pass"
