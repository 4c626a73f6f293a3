#!/usr/bin/env bash
# Runs every test suite of bitvote and ends with one line "N passed, N failed,
# N skipped", summed over all suites; exits non-zero if anything failed. (A
# gtest skip is a test that does not apply here, e.g. a TCP-only check under
# shared memory; each says why in its log.)
#   unit    build/test_kernels (every kernel, every tier this CPU runs)
#   app     build/test_app (data, model; one process)
#   mpi     build/test_mpi under mpirun at 1, 2, 3, 4 and 5 ranks
#   isa     build/test_kernels again under qemu-x86_64 as an AVX2-only CPU
#           (Haswell) and a scalar-only CPU (Nehalem): one binary must pick
#           the right tier and run everywhere (skipped without qemu-user)
#   e2e     tests/e2e/*.sh, one test each (exit 0 = pass)
# SUITES="unit mpi" runs a subset.
set -uo pipefail
cd "$(dirname "$0")/.."
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}
# Quiet OpenMPI in containers: no OpenFabrics probing, loopback TCP only.
export OMPI_MCA_btl_base_warn_component_unused=0 OMPI_MCA_btl_vader_single_copy_mechanism=none
SUITES=${SUITES:-unit app mpi isa e2e}
LOG_DIR=build/test-logs
mkdir -p "$LOG_DIR"
passed=0 failed=0 skipped=0

# Adds a gtest log's counts; a run that printed no summary (crash, hang) is one failure.
count_gtest() {
    local log=$1 rc=$2 p f s
    p=$(grep -E '^\[  PASSED  \] [0-9]+ test' "$log" | tail -1 | awk '{print $4}')
    f=$(grep -E '^\[  FAILED  \] [0-9]+ test' "$log" | tail -1 | awk '{print $4}')
    s=$(grep -E '^\[  SKIPPED \] [0-9]+ test' "$log" | tail -1 | awk '{print $4}')
    p=${p:-0} f=${f:-0} s=${s:-0}
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; echo "  (exit $rc without a gtest failure: counted as one failure; see $log)"; fi
    passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
    echo "  $p passed, $f failed, $s skipped"
}

run_gtest() {  # name, timeout seconds, command...
    local name=$1 limit=$2; shift 2
    local log="$LOG_DIR/$name.log"
    echo "== $name: $*"
    timeout --kill-after=10 "$limit" "$@" >"$log" 2>&1
    local rc=$?
    grep -E '^kernel tiers tested|^\[  FAILED  \] [A-Za-z]' "$log" | sort -u | sed 's/^/  /'
    count_gtest "$log" $rc
}

for suite in $SUITES; do
    case $suite in
    unit) run_gtest unit 900 build/test_kernels ;;
    app) [ -x build/test_app ] && run_gtest app 600 build/test_app ;;
    mpi)
        if [ -x build/test_mpi ]; then
            for np in 1 2 3 4 5; do
                run_gtest "mpi-np$np" 600 mpirun --oversubscribe -np $np --mca btl self,vader,tcp build/test_mpi
            done
        fi ;;
    isa)
        if command -v qemu-x86_64 >/dev/null; then
            for cpu in Haswell Nehalem; do
                run_gtest "isa-$cpu" 900 qemu-x86_64 -cpu $cpu build/test_kernels --gtest_brief=1
            done
        else
            echo "== isa: skipped (no qemu-x86_64; apt-get install qemu-user)"
        fi ;;
    e2e)
        for t in tests/e2e/*.sh; do
            [ -e "$t" ] || continue
            name=$(basename "$t" .sh)
            echo "== e2e $name"
            if timeout --kill-after=10 900 bash "$t" >"$LOG_DIR/e2e-$name.log" 2>&1; then
                passed=$((passed + 1)); echo "  passed"
            else
                failed=$((failed + 1)); echo "  FAILED (log: $LOG_DIR/e2e-$name.log)"; tail -20 "$LOG_DIR/e2e-$name.log" | sed 's/^/    /'
            fi
        done ;;
    *) echo "unknown suite '$suite'"; failed=$((failed + 1)) ;;
    esac
done

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
