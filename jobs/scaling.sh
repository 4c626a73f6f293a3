#!/usr/bin/env bash
# A scaling study on Slurm: one job per rank count (and per method/strategy for
# train), then a collect job, started when they have all ended
# (--dependency=afterany), that runs bench/scaling.py over their run files:
# scaling.csv and PNG plots in the study directory.
#
#   jobs/scaling.sh sweep --ranks 1,2,4,8 -- -b 1M -e 64M -i 10
#   jobs/scaling.sh train --ranks 1,2,4,8 --methods sgd,s3gd --strategies vote-alltoall \
#       -- --steps 200 --train-samples 20000
#   jobs/scaling.sh train --scaling strong --global-batch 256 --ranks 1,2,4,8 -- --steps 200
#   jobs/scaling.sh sweep --inside --ranks 2,4,8,16 --tasks-per-node 8 -- -b 16M -e 16M
#
# Options (before --; everything after -- goes to bitvote sweep/train):
#   --ranks 1,2,4,8        rank counts (default 1,2,4,8)
#   --tasks-per-node N     ranks per node; a job of R ranks takes ceil(R/N) nodes
#                          (default: every job on one node)
#   --strategies a,b,...   sweep: handed to bitvote sweep --strategies;
#                          train: one job per strategy (--strategy S)
#   --methods a,b,...      train: one job per method (--method M)
#   --scaling strong|weak  weak (default): the per-rank batch stays as given;
#                          strong: --global-batch B is split, --batch B/R per rank
#   --global-batch B       global batch for --scaling strong
#   --inside               one allocation of max(ranks) tasks, the runs one after
#                          another inside it (submits itself unless already in a job)
#   --shared               do not ask for whole nodes (default --exclusive, so
#                          runs never share a node with each other or other jobs)
#   --sbatch ARG           extra sbatch flag for every job, repeatable
#                          (--sbatch=--partition=big --sbatch=--account=proj)
#   --out DIR              study directory (default runs/scaling-<kind>-<UTC time>)
#   --wait                 wait for the collect job and print its output; exit
#                          non-zero if a run or the collect job failed
# Environment: BITVOTE (the binary), BITVOTE_PYTHON (default /usr/bin/python3,
# with numpy and matplotlib) and what jobs/*.sbatch read (BITVOTE_LAUNCHER, ...).
set -euo pipefail

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }
die() { echo "scaling.sh: $*" >&2; exit 2; }

# The repository: this script's parent, or the submit directory when Slurm runs
# a copy of it from its spool directory (--inside).
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [ ! -f "$repo/jobs/sweep.sbatch" ] && [ -n "${SLURM_SUBMIT_DIR:-}" ]; then repo=$SLURM_SUBMIT_DIR; fi
[ -f "$repo/jobs/sweep.sbatch" ] || die "cannot find the repository (jobs/sweep.sbatch) from $0"
python=${BITVOTE_PYTHON:-/usr/bin/python3}

kind="" ranks_list=1,2,4,8 tpn="" strategies="" methods="" scaling=weak global_batch=""
inside=0 exclusive=1 out="" wait=0
extra_sbatch=()
bitvote_args=()
orig_args=("$@")
while [ $# -gt 0 ]; do
    case $1 in
    sweep | train) [ -z "$kind" ] || die "one of sweep|train, once"; kind=$1 ;;
    --ranks) ranks_list=${2:?--ranks needs a value}; shift ;;
    --ranks=*) ranks_list=${1#*=} ;;
    --tasks-per-node) tpn=${2:?}; shift ;;
    --tasks-per-node=*) tpn=${1#*=} ;;
    --strategies) strategies=${2:?}; shift ;;
    --strategies=*) strategies=${1#*=} ;;
    --methods) methods=${2:?}; shift ;;
    --methods=*) methods=${1#*=} ;;
    --scaling) scaling=${2:?}; shift ;;
    --scaling=*) scaling=${1#*=} ;;
    --global-batch) global_batch=${2:?}; shift ;;
    --global-batch=*) global_batch=${1#*=} ;;
    --inside) inside=1 ;;
    --shared) exclusive=0 ;;
    --sbatch) extra_sbatch+=("${2:?}"); shift ;;
    --sbatch=*) extra_sbatch+=("${1#*=}") ;;
    --out) out=${2:?}; shift ;;
    --out=*) out=${1#*=} ;;
    --wait) wait=1 ;;
    -h | --help) usage ;;
    --) shift; bitvote_args=("$@"); break ;;
    *) die "unknown option '$1' (bitvote's own flags go after --; --help lists options)" ;;
    esac
    shift
done
[ -n "$kind" ] || die "say what to scale: jobs/scaling.sh sweep|train [options] [-- bitvote flags]"
[[ $ranks_list =~ ^[0-9]+(,[0-9]+)*$ ]] || die "--ranks wants a list like 1,2,4,8, not '$ranks_list'"
IFS=, read -r -a ranks <<<"$ranks_list"
for r in "${ranks[@]}"; do [ "$r" -ge 1 ] || die "--ranks: $r is not a rank count"; done
[ -z "$tpn" ] || [[ $tpn =~ ^[1-9][0-9]*$ ]] || die "--tasks-per-node wants a positive number"
case $scaling in
weak) [ -z "$global_batch" ] || die "--global-batch is for --scaling strong" ;;
strong)
    [ "$kind" = train ] || die "--scaling strong is for train (a sweep's ranks each hold the whole vector)"
    [[ $global_batch =~ ^[1-9][0-9]*$ ]] || die "--scaling strong needs --global-batch B"
    for r in "${ranks[@]}"; do
        [ $((global_batch % r)) -eq 0 ] || die "--global-batch $global_batch is not divisible by $r ranks"
    done ;;
*) die "--scaling is strong or weak, not '$scaling'" ;;
esac
[ "$kind" = train ] || [ -z "$methods" ] || die "--methods is for train"
for a in "${bitvote_args[@]}"; do
    case $a in
    --out | --out=* | --json | --json=*) die "$a: the sbatch scripts choose the output files" ;;
    --batch | --batch=*) [ "$scaling" = weak ] || die "--scaling strong sets --batch itself" ;;
    esac
done

max_ranks=0
for r in "${ranks[@]}"; do [ "$r" -le "$max_ranks" ] || max_ranks=$r; done
out=${out:-$repo/runs/scaling-$kind-$(date -u +%Y%m%d-%H%M%S)}
mkdir -p "$out"
out=$(cd "$out" && pwd)

# Jobs of R ranks: ceil(R / tpn) nodes, or one node.
layout() {  # ranks -> sbatch flags
    local r=$1 n per
    if [ -n "$tpn" ]; then n=$(((r + tpn - 1) / tpn)); per=$((r < tpn ? r : tpn)); else n=1 per=$r; fi
    echo "--ntasks=$r --nodes=$n --ntasks-per-node=$per"
}

# The runs: (label, extra bitvote flags) for each method x strategy.
combos=()
if [ "$kind" = sweep ]; then
    combos=("sweep|${strategies:+--strategies $strategies}")
else
    IFS=, read -r -a ms <<<"${methods:-}"
    IFS=, read -r -a ss <<<"${strategies:-}"
    [ ${#ms[@]} -gt 0 ] || ms=("")
    [ ${#ss[@]} -gt 0 ] || ss=("")
    for m in "${ms[@]}"; do
        for s in "${ss[@]}"; do
            label=train${m:+-$m}${s:+-$s}
            combos+=("$label|${m:+--method $m}${m:+${s:+ }}${s:+--strategy $s}")
        done
    done
fi
run_args() {  # combo flags, ranks -> the bitvote argument list, one per line
    local flags=$1 r=$2 f
    for f in $flags; do echo "$f"; done
    [ "$scaling" = weak ] || printf -- '--batch\n%s\n' $((global_batch / r))
    for f in "${bitvote_args[@]}"; do printf '%s\n' "$f"; done
}
collect_cmd=("$python" "$repo/bench/scaling.py" --scaling "$scaling" --out "$out" "$out")

# ---- inside one allocation ------------------------------------------------------------------
if [ "$inside" = 1 ] && [ -z "${SLURM_JOB_ID:-}" ]; then
    read -r -a lay <<<"$(layout "$max_ranks")"
    excl=()
    [ "$exclusive" = 0 ] || excl=(--exclusive)
    # The same study again, inside the job: our options less --wait and --out (the
    # absolute study directory goes first), then -- and bitvote's flags untouched.
    inner=(--out "$out")
    skip=0 passthru=0
    for a in "${orig_args[@]}"; do
        if [ "$passthru" = 1 ]; then inner+=("$a"); continue; fi
        if [ "$skip" = 1 ]; then skip=0; continue; fi
        case $a in
        --) passthru=1; inner+=("$a") ;;
        --wait | --out=*) ;;
        --out) skip=1 ;;
        *) inner+=("$a") ;;
        esac
    done
    id=$(cd "$repo" && sbatch --parsable --job-name="scaling-$kind" "${lay[@]}" "${excl[@]}" \
        --output="$out/%x-%j.out" "${extra_sbatch[@]}" jobs/scaling.sh "${inner[@]}")
    id=${id%%;*}
    echo "submitted job $id: the whole study inside one allocation of $max_ranks ranks; results in $out"
    if [ "$wait" = 1 ]; then
        while squeue -h -j "$id" 2>/dev/null | grep -q .; do sleep 2; done
        cat "$out/scaling-$kind-$id.out" 2>/dev/null || true
        [ -s "$out/scaling.csv" ] || { echo "scaling.sh: no scaling.csv in $out" >&2; exit 1; }
    fi
    exit 0
fi
if [ "$inside" = 1 ]; then
    echo "scaling study inside job $SLURM_JOB_ID (${SLURM_NTASKS:-?} tasks on ${SLURM_JOB_NODELIST:-?}): ranks ${ranks[*]}"
    failed=0
    for combo in "${combos[@]}"; do
        label=${combo%%|*}
        for r in "${ranks[@]}"; do
            mapfile -t args < <(run_args "${combo#*|}" "$r")
            echo "== $label, $r ranks"
            BITVOTE_NTASKS=$r BITVOTE_RUNS=$out BITVOTE_RUN_NAME="$label-n$r-$SLURM_JOB_ID" \
                bash "$repo/jobs/$kind.sbatch" "${args[@]}" || { echo "   exit $? ($label, $r ranks)"; failed=1; }
        done
    done
    "${collect_cmd[@]}"
    exit "$failed"
fi

# ---- one job per run, then the collect job -----------------------------------------------------
command -v sbatch >/dev/null || die "no sbatch here (jobs/local-cluster.sh start for a local cluster)"
excl=()
[ "$exclusive" = 0 ] || excl=(--exclusive)
ids=()
for combo in "${combos[@]}"; do
    label=${combo%%|*}
    for r in "${ranks[@]}"; do
        mapfile -t args < <(run_args "${combo#*|}" "$r")
        read -r -a lay <<<"$(layout "$r")"
        id=$(cd "$repo" && BITVOTE_RUNS=$out sbatch --parsable --job-name="$label-n$r" "${lay[@]}" "${excl[@]}" \
            --output="$out/%x-%j.out" "${extra_sbatch[@]}" "jobs/$kind.sbatch" "${args[@]}")
        id=${id%%;*}
        ids+=("$id")
        echo "submitted job $id: $label, $r ranks ($(layout "$r"))"
    done
done
dep=$(IFS=:; echo "afterany:${ids[*]}")
printf -v wrap '%q ' "${collect_cmd[@]}"
collect=$(cd "$repo" && sbatch --parsable --job-name="scaling-collect" --dependency="$dep" --ntasks=1 --nodes=1 \
    --time=00:10:00 --output="$out/collect-%j.out" "${extra_sbatch[@]}" --wrap="$wrap")
collect=${collect%%;*}
echo "submitted job $collect: collect (after ${ids[*]}) -> $out/scaling.csv and PNGs"
echo "study directory: $out"
[ "$wait" = 1 ] || exit 0

while squeue -h -j "$collect" 2>/dev/null | grep -q .; do sleep 2; done
cat "$out/collect-$collect.out" 2>/dev/null || true
rc=0
for id in "${ids[@]}"; do
    ok=0
    for jf in "$out"/*-"$id"/job.json; do
        [ -e "$jf" ] && grep -q '"exit_code": 0}' "$jf" && ok=1
    done
    if [ "$ok" = 0 ]; then
        echo "scaling.sh: job $id did not finish cleanly (see $out/*-$id.out)" >&2
        rc=1
    fi
done
[ -s "$out/scaling.csv" ] || { echo "scaling.sh: the collect job wrote no scaling.csv" >&2; rc=1; }
exit "$rc"
