#!/usr/bin/env bash
# A NaN in a rank's gradient (DESIGN.md 9): that rank abstains from the step's
# vote, the run goes on (exit 0 = pass). BITVOTE_TEST_NAN=rank:step injects
# one (test-only). Checked, at 3 ranks (4 for --max-abstain):
#  - every method, and the weighted and median aggregators, complete with the
#    NaN steps counted per rank (summary nonfinite_steps, step records'
#    abstainers), a finite test loss, one weights checksum on every rank (the
#    trainer checks it), and rank 0 naming each abstaining step once;
#  - the NaN changed something: signum's and sgd's weights differ from the
#    clean run's (an abstainer does not vote), and an abstention at the last
#    step of s3gd changes nothing before it (same eval at step 4);
#  - more abstainers in one step than --max-abstain (default P/2): exit 1,
#    one line from rank 0 naming the step and the ranks, no hang;
#  - --max-abstain >= P, a malformed BITVOTE_TEST_NAN, and a NaN under
#    --overlap (which cannot abstain) each end with one clear message.
source "$(dirname "$0")/lib/train.bash"
small=(--steps 8 --batch 16 --train-samples 2000 --test-samples 500 --eval-every 4)

# check NAME P EXPECTED_NONFINITE_STEPS (python list)
check() {
    /usr/bin/python3 - "$tmp/$1" "$2" "$3" <<'PY' || { tail -5 "$tmp/$1.log"; exit 1; }
import json, math, sys
run, P, want = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3])
s = json.load(open(run + "/summary.json"))
steps = [json.loads(l) for l in open(run + "/run.jsonl") if '"event":"step"' in l]
got = s["nonfinite_steps"]
print(f"{run.split('/')[-1]}: nonfinite_steps {got}, test loss {s['test_loss']:.4f}, checksum {s['weights_checksum']}")
assert got == want, f"nonfinite_steps {got}, want {want}"
assert s["max_abstain"] == P // 2, s["max_abstain"]
assert math.isfinite(s["test_loss"]) and s["test_loss"] < 5, s["test_loss"]
per_rank = [0] * P
for r in steps:
    for a in r["abstainers"]:
        per_rank[a] += 1
assert per_rank == want, f"step records' abstainers {per_rank}, want {want}"
PY
    local lines
    lines=$(grep -c 'abstained (non-finite gradient)' "$tmp/$1.log" || true)
    [ "$lines" -eq "$(/usr/bin/python3 -c "print(sum($3))")" ] || {  # no two ranks abstain in one step here
        cat "$tmp/$1.log"; echo "FAIL: $1: $lines abstention line(s) on stderr"; exit 1; }
}

export BITVOTE_TEST_NAN=1:2,2:5
for method in sgd signsgd signum s3gd magsparse noisysign efsign topk; do
    train 3 "nan-$method" --method "$method" "${small[@]}"
    check "nan-$method" 3 "[0, 1, 1]"
done
train 3 nan-weighted --method signsgd --aggregate weighted "${small[@]}"
check nan-weighted 3 "[0, 1, 1]"
train 3 nan-median --method sgd --aggregate median "${small[@]}"
check nan-median 3 "[0, 1, 1]"

# The abstentions changed the run: clean runs end elsewhere.
export BITVOTE_TEST_NAN=
for method in sgd signum; do
    train 3 "clean-$method" --method "$method" "${small[@]}"
    check "clean-$method" 3 "[0, 0, 0]"
    [ "$(summary "nan-$method" 's["weights_checksum"]')" != "$(summary "clean-$method" 's["weights_checksum"]')" ] || {
        echo "FAIL: $method: the NaN run ends with the clean run's weights"; exit 1; }
done
# An abstention at step 7 (0-based, the last) leaves steps 0..6 alone: the eval after step 4 is the clean one.
train 3 clean-s3gd --method s3gd "${small[@]}"
BITVOTE_TEST_NAN=0:7 train 3 late-s3gd --method s3gd "${small[@]}"
check late-s3gd 3 "[1, 0, 0]"
eval4() { grep '"event":"eval"' "$tmp/$1/run.jsonl" | head -1 | sed 's/"samples_per_s":[^,]*,//; s/"payload_sent_per_iter":[^,}]*//'; }
[ "$(eval4 clean-s3gd)" = "$(eval4 late-s3gd)" ] || { echo "FAIL: an abstention at step 7 changed the eval at step 4"; exit 1; }

# expect CODE PATTERN NP -- FLAGS...: exit CODE, one "bitvote" line on stderr matching PATTERN.
expect() {
    local code=$1 pattern=$2 np=$3; shift 4
    local rc=0
    timeout --kill-after=5 120 mpirun --oversubscribe -np "$np" build/bitvote train --data "$DATA" "$@" \
        >"$tmp/out" 2>"$tmp/err" || rc=$?
    local lines
    lines=$(grep -c '^bitvote' "$tmp/err" || true)
    if [ "$rc" -ne "$code" ] || [ "$lines" -ne 1 ] || ! grep -q -- "$pattern" "$tmp/err"; then
        echo "FAIL: BITVOTE_TEST_NAN=$BITVOTE_TEST_NAN train $* -> exit $rc (want $code), $lines message(s):"
        cat "$tmp/err"; exit 1
    fi
    echo "ok: exit $rc: $(grep '^bitvote' "$tmp/err")"
}
export BITVOTE_TEST_NAN=0:3,1:3,3:3
expect 1 "bitvote train: step 3: 3 of 4 ranks abstained (non-finite gradients on ranks 0, 1, 3), more than --max-abstain 2" \
    4 -- --method signum "${small[@]}"
export BITVOTE_TEST_NAN=2:1
expect 1 "bitvote train: step 1: 1 of 3 ranks abstained (non-finite gradients on ranks 2), more than --max-abstain 0" \
    3 -- --method s3gd --max-abstain 0 "${small[@]}"
expect 2 "--max-abstain 3 must be below the rank count (3)" 3 -- --method sgd --max-abstain 3 "${small[@]}"
expect 2 "--max-abstain: '-1' is not an integer >= 0" 3 -- --method sgd --max-abstain -1
export BITVOTE_TEST_NAN=1:x
expect 2 "BITVOTE_TEST_NAN: '1:x' is not rank:step" 3 -- --method sgd "${small[@]}"
export BITVOTE_TEST_NAN=1:2
expect 1 "rank 1: non-finite gradient at step 2: .* --overlap cannot leave a rank out of a step" \
    3 -- --method signum --overlap "${small[@]}"
echo "pass"
