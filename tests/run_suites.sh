#!/usr/bin/env bash
# Runs every test suite of bitvote and ends with one line "N passed, N failed,
# N skipped", summed over all suites; exits non-zero if anything failed.
# Only what ran counts as passed or failed; what did not run is skipped, and
# every skip reason is listed (with its count) before the totals line.
#   unit     build/test_kernels: every kernel x every tier (scalar, avx2,
#            avx512); a tier this CPU lacks shows as skipped test cases
#   app      build/test_app (data, model; one process)
#   mpi      build/test_mpi under mpirun at 1, 2, 3, 4 and 5 ranks, shared memory;
#            its DETOX tests (Detox*) at 3, 5, 6 and 9 ranks instead (they need
#            an odd group size >= 3 dividing P)
#   mpi-tcp  the wire-byte tests of build/test_mpi (WireBytes.*) at 2..5 ranks
#            over TCP, where the byte-model assertions run
#   fuzz     each fuzz target's seed corpus, replayed (build/fuzz_replay_<target>
#            over tests/fuzz/corpus/<target>/; `make fuzz` runs libFuzzer):
#            every input is one test, a crash or failed check one failure
#   isa      build/test_kernels again under qemu-x86_64 as an AVX2-only CPU
#            (Haswell) and a scalar-only CPU (Nehalem): one binary must pick
#            the right tier and run everywhere (skipped, counted, without qemu)
#   e2e      tests/e2e/*.sh, one test each: exit 0 = pass, 77 = skipped (its
#            last line says why), anything else = fail; each line
#            "SKIP: reason" a passing script prints is one skipped check
# A suite binary that is missing is a failure; so is a gtest run that prints
# no summary (crash, hang, or exit 0 without running gtest).
# SUITES="unit mpi" runs a subset.
set -uo pipefail
cd "$(dirname "$0")/.."
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}
# Quiet OpenMPI in containers: no OpenFabrics probing.
export OMPI_MCA_btl_base_warn_component_unused=0 OMPI_MCA_btl_vader_single_copy_mechanism=none
SUITES=${SUITES:-unit app mpi mpi-tcp fuzz isa e2e}
LOG_DIR=build/test-logs
rm -rf "$LOG_DIR"
mkdir -p "$LOG_DIR"
SKIPS=$LOG_DIR/skip-reasons.txt  # one line per skipped test: "suite: reason"
: >"$SKIPS"
passed=0 failed=0 skipped=0

fail_suite() {  # name, why: one failure that is not a test's
    failed=$((failed + 1))
    echo "  FAILED: $2"
}

skip_suite() {  # name, count, why: `count` tests that did not run
    skipped=$((skipped + $2))
    for ((i = 0; i < $2; i++)); do echo "$1: $3"; done >>"$SKIPS"
    echo "  $2 skipped: $3"
}

# Adds a gtest log's counts. No summary line is a failure (crash, hang, not gtest);
# a non-zero exit without a failed test is a failure too.
count_gtest() {  # name, log, exit code
    local name=$1 log=$2 rc=$3 p f s
    if ! grep -qE '^\[  PASSED  \] [0-9]+ test' "$log"; then
        fail_suite "$name" "no gtest summary (exit $rc); see $log"
        tail -15 "$log" | sed 's/^/    /'
        return
    fi
    p=$(grep -E '^\[  PASSED  \] [0-9]+ test' "$log" | tail -1 | awk '{print $4}')
    f=$(grep -E '^\[  FAILED  \] [0-9]+ test' "$log" | tail -1 | awk '{print $4}')
    s=$(grep -E '^\[  SKIPPED \] [0-9]+ test' "$log" | tail -1 | awk '{print $4}')
    p=${p:-0} f=${f:-0} s=${s:-0}
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; echo "  (exit $rc without a gtest failure: counted as one failure; see $log)"; fi
    passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
    # gtest prints "file:line: Skipped" and the reason on the next line(s), up to "[  SKIPPED ]".
    awk -v suite="$name" '
        / Skipped$/ { want = 1; reason = ""; next }
        want && /^\[  SKIPPED \]/ { print suite ": " (reason == "" ? "(no reason given)" : reason); want = 0; next }
        want && reason == "" { reason = $0 }' "$log" >>"$SKIPS"
    echo "  $p passed, $f failed, $s skipped"
}

run_gtest() {  # name, timeout seconds, binary, launcher and arguments...
    local name=$1 limit=$2 bin=$3; shift 3
    local log="$LOG_DIR/$name.log"
    echo "== $name: $*"
    if [ ! -x "$bin" ]; then fail_suite "$name" "$bin is missing (not built: make)"; return; fi
    timeout --kill-after=10 "$limit" "$@" >"$log" 2>&1
    local rc=$?
    grep -E '^kernel tiers tested|^\[  FAILED  \] [A-Za-z]|^rank [0-9]+: ' "$log" | sort -u | head -40 | sed 's/^/  /'
    count_gtest "$name" "$log" $rc
}

run_replay() {  # target: its corpus through build/fuzz_replay_<target>
    local t=$1 bin=build/fuzz_replay_$1 log="$LOG_DIR/fuzz-$1.log" rc n
    echo "== fuzz replay $t"
    if [ ! -x "$bin" ]; then fail_suite "fuzz $t" "$bin is missing (not built: make)"; return; fi
    timeout --kill-after=10 300 "$bin" "tests/fuzz/corpus/$t" >"$log" 2>&1
    rc=$?
    n=$(sed -n 's/^replayed \([0-9]*\) inputs$/\1/p' "$log")
    if [ "$rc" -eq 0 ] && [ -n "$n" ]; then
        passed=$((passed + n)); echo "  $n passed"
    else
        fail_suite "fuzz $t" "exit $rc; see $log"; tail -5 "$log" | sed 's/^/    /'
    fi
}

run_e2e() {  # script
    local t=$1 name log rc n
    name=$(basename "$t" .sh)
    log="$LOG_DIR/e2e-$name.log"
    echo "== e2e $name"
    timeout --kill-after=10 900 bash "$t" >"$log" 2>&1
    rc=$?
    if [ "$rc" -eq 77 ]; then
        skip_suite "e2e $name" 1 "$(tail -1 "$log")"
        return
    fi
    n=$(grep -c '^SKIP: ' "$log")
    grep '^SKIP: ' "$log" | sed "s/^SKIP: /e2e $name: /" >>"$SKIPS"
    skipped=$((skipped + n))
    if [ "$rc" -eq 0 ]; then
        passed=$((passed + 1))
        if [ "$n" -gt 0 ]; then echo "  passed ($n checks skipped)"; else echo "  passed"; fi
    else
        failed=$((failed + 1)); echo "  FAILED (exit $rc; log: $log)"; tail -20 "$log" | sed 's/^/    /'
    fi
}

for suite in $SUITES; do
    case $suite in
    unit) run_gtest unit 900 build/test_kernels build/test_kernels ;;
    app) run_gtest app 600 build/test_app build/test_app ;;
    mpi)
        for np in 1 2 3 4 5; do
            run_gtest "mpi-np$np" 600 build/test_mpi \
                mpirun --oversubscribe -np $np --mca btl self,vader,tcp build/test_mpi --gtest_filter='-Detox*'
        done
        for np in 3 5 6 9; do
            run_gtest "mpi-detox-np$np" 300 build/test_mpi \
                mpirun --oversubscribe -np $np --mca btl self,vader,tcp build/test_mpi --gtest_filter='Detox*'
        done ;;
    mpi-tcp)
        for np in 2 3 4 5; do
            run_gtest "mpi-tcp-np$np" 300 build/test_mpi \
                mpirun --oversubscribe -np $np --mca btl tcp,self build/test_mpi --gtest_filter='WireBytes.*'
        done ;;
    fuzz)
        for dir in tests/fuzz/corpus/*/; do run_replay "$(basename "$dir")"; done ;;
    isa)
        for cpu in Haswell Nehalem; do
            if command -v qemu-x86_64 >/dev/null; then
                run_gtest "isa-$cpu" 900 build/test_kernels qemu-x86_64 -cpu $cpu build/test_kernels --gtest_brief=1
            elif [ -x build/test_kernels ]; then
                echo "== isa-$cpu"
                skip_suite "isa-$cpu" "$(build/test_kernels --gtest_list_tests | grep -c '^  ')" \
                    "no qemu-x86_64 to emulate a $cpu CPU (apt-get install qemu-user)"
            else
                echo "== isa-$cpu"; fail_suite "isa-$cpu" "build/test_kernels is missing (not built: make)"
            fi
        done ;;
    e2e)
        for t in tests/e2e/*.sh; do run_e2e "$t"; done ;;
    *) echo "unknown suite '$suite'"; failed=$((failed + 1)) ;;
    esac
done

if [ -s "$SKIPS" ]; then
    echo "skipped, by reason:"
    sort "$SKIPS" | uniq -c | sort -rn | sed 's/^ */  /'
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
