#!/usr/bin/env bash
# The Byzantine table: test accuracy against the number N of adversaries, on
# Fashion-MNIST, mlp, shared memory (bench/byzantine.py -> OUT/byzantine.md
# and OUT/byzantine.png; the committed copy is bench/results/).
#   - at each P of --ranks (5 and 9), N = 0 .. floor((P - 1) / 2) `flip`
#     adversaries (the last N ranks) for signum (vote), s3gd (vote), sgd (mean)
#     and sgd (median), and `scaled` and `alie` adversaries for the two sgd rows;
#   - DETOX at P = 6 with R = 3 (groups {0,1,2} {3,4,5}): flip adversaries at
#     rank 5, at ranks 2 and 5 (one per group), at ranks 4 and 5 (group 1 taken
#     over), for signum (vote across groups) and sgd (median across groups;
#     also under scaled), and plain signum vote at P = 6 with the same ranks.
# alie where its z = Phi^-1((P - s) / P), s = floor(P / 2 + 1) - N, is <= 0
# (the lie would be the mean) is not run and shows as "z <= 0". A run whose
# gradient stops being finite (sgd's mean under scaled) ends there and shows
# as "diverged". Runtime: 62 minutes on 2 cores shared with five other jobs;
# from the runs' CPU time about 25 minutes on 2 idle cores, mostly P = 9's
# median and alie runs (--ranks 5 or --steps 150 should fit in 15 minutes;
# --smoke: about a minute).
#
#   bench/byzantine.sh [--ranks 5,9] [--steps 300] [--out build/byzantine] [--keep] [--smoke]
#
# --keep: runs whose summary.json (or divergence log) exists are not run
# again. --smoke: P = 3, 20 steps, signum and sgd (mean), DETOX on one group
# of 3: a check that the pipeline works. Extra flags for `bitvote train`
# (every run) go after `--`.
set -euo pipefail
cd "$(dirname "$0")/.."
ranks=5,9 steps=300 out=build/byzantine keep=0
methods="signum:vote s3gd:vote sgd:mean sgd:median"
detox_ranks=6 detox_places="none: one:5 spread:2,5 grouped:4,5"
extra=()
while [ $# -gt 0 ]; do
    case $1 in
    --ranks) ranks=$2; shift 2 ;;
    --steps) steps=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    --smoke) ranks=3 steps=20 methods="signum:vote sgd:mean" detox_ranks=3 detox_places="none: one:2"; shift ;;
    --) shift; extra=("$@"); break ;;
    *) echo "byzantine: unknown flag '$1' (see the top of $0)" >&2; exit 2 ;;
    esac
done
[ -x build/bitvote ] || { echo "byzantine: build/bitvote missing (make)" >&2; exit 1; }
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_btl_base_warn_component_unused=0
export OMPI_MCA_btl_vader_single_copy_mechanism=none OMP_NUM_THREADS=1
data=datasets/fashion-mnist.h5
[ -e "$data" ] || build/bitvote data fmnist --out "$data"
mkdir -p "$out"
manifest=$out/manifest.tsv  # table, row, attack, column, status (ok | diverged | skipped: why), run dir
[ "$keep" = 1 ] || : >"$manifest"
common=(--data "$data" --model mlp --steps "$steps" --eval-every "$steps" --test-samples 2000)
started=$SECONDS

# alie's z at P ranks with N adversaries (src/compress/corrupt.cpp), or 0 where the formula gives none.
alie_z() {
    /usr/bin/python3 -c "import statistics,sys; P,N=map(int,sys.argv[1:]); s=P//2+1-N; p=(P-s)/P
print(statistics.NormalDist().inv_cdf(p) if s > 0 and p > 0.5 else 0)" "$1" "$2"
}

# run TABLE ROW ATTACK COLUMN NP DIR FLAGS...: one training, recorded in the manifest.
run() {
    local table=$1 row=$2 attack=$3 column=$4 np=$5 dir=$6; shift 6
    local status=ok
    if [ "$keep" = 1 ] && grep -qP "^\Q$table\E\t\Q$row\E\t\Q$attack\E\t\Q$column\E\t" "$manifest"; then return; fi
    rm -rf "$dir"
    mkdir -p "$(dirname "$dir")"
    local rc=0 start=$SECONDS
    timeout --kill-after=10 900 mpirun --oversubscribe -np "$np" build/bitvote train "${common[@]}" --out "$dir" "$@" \
        "${extra[@]}" >"$dir.log" 2>&1 || rc=$?
    if [ "$rc" -ne 0 ]; then
        grep -Eiq "non-?finite" "$dir.log" || { tail -20 "$dir.log"; echo "byzantine: $dir failed" >&2; exit 1; }
        status="diverged ($(grep -Eio -m1 'step [0-9]+' "$dir.log" || echo 'non-finite gradient'))"
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$table" "$row" "$attack" "$column" "$status" "$dir" >>"$manifest"
    printf '  %-10s %-16s %-7s %-12s %s (%d s)\n' "$table" "$row" "$attack" "$column" \
        "$([ "$status" = ok ] && /usr/bin/python3 -c "import json,sys; print('%.2f%%' % (100 * json.load(open(sys.argv[1]))['test_accuracy']))" "$dir/summary.json" || echo "$status")" \
        "$((SECONDS - start))"
}

skip() {  # TABLE ROW ATTACK COLUMN WHY
    [ "$keep" = 1 ] && grep -qP "^\Q$1\E\t\Q$2\E\t\Q$3\E\t\Q$4\E\t" "$manifest" && return
    printf '%s\t%s\t%s\t%s\tskipped: %s\t\n' "$1" "$2" "$3" "$4" "$5" >>"$manifest"
}

for P in ${ranks//,/ }; do
    echo "== P = $P"
    for spec in $methods; do
        method=${spec%%:*} rule=${spec#*:}
        agg=(); [ "$rule" = median ] && agg=(--aggregate median)
        row="$method ($rule)"
        for ((N = 0; N <= (P - 1) / 2; N++)); do
            attacks=flip
            [ "$method" = sgd ] && [ "$N" -gt 0 ] && attacks="flip scaled alie"
            for attack in $attacks; do
                dir=$out/p$P/$method-$rule-$attack-$N
                if [ "$attack" = alie ] && /usr/bin/python3 -c "import sys; sys.exit(float(sys.argv[1]) > 0)" "$(alie_z "$P" "$N")"; then
                    skip "P=$P" "$row" alie "$N" "z <= 0"; continue
                fi
                byz=(); [ "$N" -gt 0 ] && byz=(--byzantine "$N" --attack "$attack")
                if [ "$N" = 0 ]; then attack_label=flip; else attack_label=$attack; fi
                run "P=$P" "$row" "$attack_label" "$N" "$P" "$dir" --method "$method" "${agg[@]}" "${byz[@]}"
                # N = 0 is every attack's clean run
                if [ "$N" = 0 ] && [ "$method" = sgd ]; then
                    for other in scaled alie; do
                        printf '%s\t%s\t%s\t%s\t%s\t%s\n' "P=$P" "$row" "$other" 0 ok "$dir" >>"$manifest"
                    done
                fi
            done
        done
    done
done

echo "== DETOX at P = $detox_ranks, R = 3"
for place in $detox_places; do
    name=${place%%:*} liars=${place#*:}
    for spec in "signum detox flip" "sgd detox flip" "sgd detox scaled" "signum vote flip"; do
        read -r method rule attack <<<"$spec"
        [ "$name" = none ] && [ "$attack" = scaled ] && continue
        agg=(--aggregate "$rule"); [ "$rule" = vote ] && agg=()
        byz=(); [ -n "$liars" ] && byz=(--byzantine-ranks "$liars" --attack "$attack")
        row="$method ($rule)"
        [ "$rule" = detox ] && row="$method (detox, $([ "$method" = sgd ] && echo median || echo vote))"
        run "DETOX P=$detox_ranks" "$row" "$attack" "$name:$liars" "$detox_ranks" "$out/detox/$method-$rule-$attack-$name" \
            --method "$method" "${agg[@]}" "${byz[@]}"
        if [ "$name" = none ] && [ "$method" = sgd ]; then
            printf '%s\t%s\t%s\t%s\t%s\t%s\n' "DETOX P=$detox_ranks" "$row" scaled "$name:" ok "$out/detox/$method-$rule-$attack-$name" >>"$manifest"
        fi
    done
done
echo "== $((SECONDS - started)) s of training"
/usr/bin/python3 bench/byzantine.py "$out" --steps "$steps"
