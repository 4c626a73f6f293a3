#!/usr/bin/env bash
# --overlap (exchange gradient buckets while backward runs) changes when the
# exchanges happen, not what they compute (exit 0 = pass): at 3 ranks
#  - sgd, signum, s3gd, magsparse, efsign and topk end with the same
#    weights_checksum as without --overlap (magsparse's ranks agree on each
#    bucket's layer scales as it is compressed; also with --magsparse-density), with a bucket smaller than the smallest layer
#    (--bucket-kb 1: one bucket per layer), a medium one and one larger than
#    the model; the cnn too (4 steps);
#  - every strategy that carries a method's messages (auto included) runs
#    with --overlap and, for the vote methods, gives the plain run's weights;
#  - bytes per iteration are unchanged up to each extra bucket's message
#    overhead: payload 64 bytes (the list strategies' size word per rank and
#    the codec's list header), wire 256 bytes (the TCP transport's headers of
#    the extra messages), measured over TCP; less the plain step's abstain
#    census, which --overlap does not take (1 byte sent, P received, wire up
#    to 256 bytes);
#  - --overlap-progress test (MPI_Iallreduce) gives sgd's and topk's weights
#    over the fp32 allreduce, and is refused for a strategy it cannot drive;
#  - a bad --bucket-kb is refused with exit 2 and one line naming the flag.
# sgd's mean is a sum of P floats whose rounding depends on the order MPI adds
# them in; OpenMPI's default allreduce picks its algorithm by message size
# (ring for large ones, where each chunk has its own order), so a bucket's
# coordinates may be added in another order than in the whole vector's
# allreduce. The sgd runs therefore force recursive doubling (the same order
# for every coordinate at any size); the vote methods and the rank-order sums
# of sign-allgather and sparse-allgather-fp32 are exact without it.
source "$(dirname "$0")/lib/train.bash"
small=(--steps 12 --batch 16 --train-samples 2000 --test-samples 500 --eval-every 6)
same_order=(--mca coll_tuned_use_dynamic_rules 1 --mca coll_tuned_allreduce_algorithm 3)

# run NAME BTL MCA_ARGS... -- TRAIN_ARGS...: 3 ranks; a failure ends the test.
run() {
    local name=$1 btl=$2; shift 2
    local mca=()
    while [ "$1" != -- ]; do mca+=("$1"); shift; done
    shift
    if ! timeout --kill-after=10 120 mpirun --oversubscribe -np 3 --mca btl "$btl" "${mca[@]}" build/bitvote train \
        --data "$DATA" --out "$tmp/$name" "${small[@]}" "$@" >"$tmp/$name.log" 2>&1; then
        tail -20 "$tmp/$name.log"; echo "FAIL: $name ($*) exited non-zero"; exit 1
    fi
}
checksum() { summary "$1" 's["weights_checksum"]'; }

# 1. Same weights with and without --overlap, three bucket sizes, mlp and cnn.
for method in sgd signum s3gd magsparse efsign topk; do
    mca=()
    [ "$method" = sgd ] && mca=("${same_order[@]}")
    for model in mlp cnn; do
        steps=()
        [ "$model" = cnn ] && steps=(--steps 4 --eval-every 4)
        run "$method-$model-plain" self,vader "${mca[@]}" -- --method "$method" --model "$model" "${steps[@]}"
        want=$(checksum "$method-$model-plain")
        kbs="1 64 100000"
        [ "$model" = cnn ] && kbs="1 256"
        progresses=pick
        [ "$method" = sgd ] && progresses="pick thread"  # sgd's pick is test: the thread too
        for progress in $progresses; do
        for kb in $kbs; do
            run "$method-$model-$kb" self,vader "${mca[@]}" -- --method "$method" --model "$model" "${steps[@]}" \
                --overlap --bucket-kb "$kb" --overlap-progress "$progress"
            got=$(checksum "$method-$model-$kb") buckets=$(summary "$method-$model-$kb" 's["buckets"]')
            hidden=$(summary "$method-$model-$kb" 's["comm_hidden"]')
            ran=$(summary "$method-$model-$kb" 's["overlap_progress"]')
            echo "$method $model --bucket-kb $kb ($ran): $buckets bucket(s), checksum $got (without: $want), comm_hidden $hidden"
            [ "$got" = "$want" ] || { echo "FAIL: $method $model --overlap --bucket-kb $kb changed the weights"; exit 1; }
            if [ "$method" = efsign ]; then
                [ "$buckets" = 1 ] || { echo "FAIL: efsign (a whole-vector scale) ran in $buckets buckets"; exit 1; }
            elif [ "$kb" = 1 ]; then
                [ "$buckets" -ge 3 ] || { echo "FAIL: --bucket-kb 1 gave $buckets buckets (one per layer expected)"; exit 1; }
            elif [ "$kb" = 100000 ]; then
                [ "$buckets" = 1 ] || { echo "FAIL: a bucket larger than the model gave $buckets buckets"; exit 1; }
            fi
            /usr/bin/python3 - "$tmp/$method-$model-$kb/run.jsonl" <<'PY' || exit 1
import json, sys
steps = [r for r in map(json.loads, open(sys.argv[1])) if r["event"] == "step"]
bad = [r["step"] for r in steps if not (0 <= r["comm_exposed_ms"] and 0 <= r["comm_busy_ms"])]
if bad or not steps:
    sys.exit(f"FAIL: step records without comm_exposed_ms / comm_busy_ms: {bad}")
PY
        done
        done
        plain_hidden=$(summary "$method-$model-plain" 's["comm_hidden"]')
        [ "$plain_hidden" = 0.0 ] || { echo "FAIL: comm_hidden without --overlap is $plain_hidden, not 0"; exit 1; }
    done
done

# 1a. magsparse with --magsparse-density: each rank solves B per layer, the
# ranks agree per bucket; the same weights as one agreement over every layer.
run mdens-plain self,vader -- --method magsparse --magsparse-density 0.05
for kb in 1 64; do
    run "mdens-$kb" self,vader -- --method magsparse --magsparse-density 0.05 --overlap --bucket-kb "$kb"
    got=$(checksum "mdens-$kb") want=$(checksum mdens-plain)
    echo "magsparse --magsparse-density 0.05 --bucket-kb $kb: $got (without: $want)"
    [ "$got" = "$want" ] || { echo "FAIL: magsparse --magsparse-density --overlap changed the weights"; exit 1; }
done

# 1b. --overlap-progress test (MPI_Iallreduce + MPI_Test, the fp32 allreduce only): same
# weights as without --overlap under OpenMPI's default algorithms (its non-blocking
# allreduce adds each coordinate in the same order at any size, here).
for method in sgd topk; do
    for model in mlp cnn; do
        steps=()
        [ "$model" = cnn ] && steps=(--steps 4 --eval-every 4)
        run "t-$method-$model-plain" self,vader -- --method "$method" --strategy allreduce --model "$model" "${steps[@]}"
        want=$(checksum "t-$method-$model-plain")
        for kb in 1 64; do
            run "t-$method-$model-$kb" self,vader -- --method "$method" --strategy allreduce --model "$model" \
                "${steps[@]}" --overlap --overlap-progress test --bucket-kb "$kb"
            got=$(checksum "t-$method-$model-$kb")
            echo "$method $model --overlap-progress test --bucket-kb $kb: $got (without: $want)"
            [ "$got" = "$want" ] || { echo "FAIL: $method $model --overlap-progress test changed the weights"; exit 1; }
        done
    done
done
rc=0
mpirun --oversubscribe -np 3 build/bitvote train --data "$DATA" --method signum --overlap --overlap-progress test \
    >"$tmp/bad.log" 2>&1 || rc=$?
[ "$rc" -eq 2 ] && [ "$(grep -c 'bitvote train: --overlap-progress test needs' "$tmp/bad.log")" -eq 1 ] || {
    cat "$tmp/bad.log"; echo "FAIL: signum --overlap-progress test: exit $rc, not refused"; exit 1; }

# 2. Every strategy that carries the method, with --overlap (vote methods: the plain run's weights).
mapfile -t strategies < <(build/bitvote train --help | sed -n '/^strategies (--strategy):/,/^$/p' | awk '/^  [a-z]/ {print $1}')
for method in signum s3gd sgd efsign topk; do
    want=$(checksum "$method-mlp-plain")
    ran=()
    for strategy in "${strategies[@]}"; do
        rc=0
        timeout --kill-after=10 120 mpirun --oversubscribe -np 3 --mca btl self,vader build/bitvote train --data "$DATA" \
            --out "$tmp/s-$method-$strategy" "${small[@]}" --method "$method" --strategy "$strategy" --overlap \
            --bucket-kb 16 >"$tmp/s.log" 2>&1 || rc=$?
        [ "$rc" -eq 2 ] && grep -q 'valid strategies' "$tmp/s.log" && continue
        [ "$rc" -eq 0 ] || { tail -20 "$tmp/s.log"; echo "FAIL: $method --strategy $strategy --overlap exited $rc"; exit 1; }
        ran+=("$strategy")
        got=$(checksum "s-$method-$strategy")
        case $method in signum | s3gd)
            [ "$got" = "$want" ] || { echo "FAIL: $method --strategy $strategy --overlap: $got, not $want"; exit 1; } ;;
        esac
    done
    echo "$method --overlap ran with: ${ran[*]}"
    [ "${#ran[@]}" -ge 2 ] || { echo "FAIL: $method ran with --overlap over ${#ran[@]} strategies"; exit 1; }
done

# 3. Bytes per iteration over TCP: unchanged up to the extra buckets' overhead.
# (sgd under recursive doubling again: OpenMPI's size-dependent choice would
# also change the wire bytes, by the algorithm, not by the buckets.)
for method in sgd signum s3gd topk; do
    mca=()
    [ "$method" = sgd ] && mca=("${same_order[@]}")
    run "tcp-$method-plain" tcp,self "${mca[@]}" -- --method "$method"
    run "tcp-$method-ov" tcp,self "${mca[@]}" -- --method "$method" --overlap --bucket-kb 1
    /usr/bin/python3 - "$tmp/tcp-$method-plain/summary.json" "$tmp/tcp-$method-ov/summary.json" "$method" <<'PY' || exit 1
import json, sys
plain, ov = (json.load(open(p)) for p in sys.argv[1:3])
extra = ov["buckets"] - 1
for field, per_bucket, census in (("payload_sent", 64, 1), ("payload_received", 64 * 3, 3), ("wire_sent", 256, 256),
                                  ("wire_recv", 256, 256)):
    a, b = plain["bytes_per_iter"][field], ov["bytes_per_iter"][field]
    if a is None or b is None:
        print(f"SKIP: {field} not measured here"); continue
    print(f"{sys.argv[3]} {field}: {a:.0f} without, {b:.0f} with {ov['buckets']} buckets "
          f"(bounds -{census} census, +{per_bucket * extra})")
    if not (a - census <= b + 0.5 and b <= a + per_bucket * extra + 0.5):
        sys.exit(f"FAIL: {sys.argv[3]} {field}: {b:.0f} with --overlap vs {a:.0f} without, {extra} extra buckets")
PY
done

# 4. Bad --bucket-kb: exit 2, one line from rank 0, naming the flag.
for bad in 0 -5 abc 1.5 2000000; do
    rc=0
    mpirun --oversubscribe -np 3 build/bitvote train --data "$DATA" --overlap --bucket-kb "$bad" >"$tmp/bad.log" 2>&1 || rc=$?
    lines=$(grep -c 'bitvote train: --bucket-kb' "$tmp/bad.log" || true)
    [ "$rc" -eq 2 ] && [ "$lines" -eq 1 ] || {
        cat "$tmp/bad.log"; echo "FAIL: --bucket-kb $bad: exit $rc, $lines line(s) naming the flag"; exit 1; }
    echo "--bucket-kb $bad: $(grep 'bitvote train: --bucket-kb' "$tmp/bad.log")"
done
rc=0
mpirun --oversubscribe -np 3 build/bitvote train --data "$DATA" --overlap --aggregate median --method sgd >"$tmp/bad.log" 2>&1 || rc=$?
[ "$rc" -eq 2 ] && [ "$(grep -c 'bitvote train: .*--overlap' "$tmp/bad.log")" -eq 1 ] || {
    cat "$tmp/bad.log"; echo "FAIL: --overlap --aggregate median: exit $rc"; exit 1; }
echo "pass"
