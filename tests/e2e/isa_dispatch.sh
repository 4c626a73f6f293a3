#!/usr/bin/env bash
# One binary, every CPU: build/bitvote picks the best tier from CPUID, and
# BITVOTE_ISA forces one or fails clearly. Emulated CPUs (qemu-user) stand in
# for machines without AVX-512 (Haswell) and without AVX2 (Nehalem). A check
# that cannot run here prints "SKIP: reason" (tests/run_suites.sh counts it).
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=build/bitvote

expect_tier() {  # expected-tier, command...
    local want=$1; shift
    local got
    got=$("$@" info | awk '/^kernel tier/ {print $3}')
    [ "$got" = "$want" ] || { echo "FAIL: $* picked '$got', expected '$want'"; exit 1; }
    echo "ok: $* -> $got"
}

expect_error() {  # pattern, command...
    local pattern=$1; shift
    local out rc=0
    out=$("$@" info 2>&1) || rc=$?
    out=$(echo "$out" | grep -v "^qemu-x86_64: warning" || true)  # the emulator's own chatter
    [ "$rc" -ne 0 ] || { echo "FAIL: $* succeeded"; exit 1; }
    [ "$rc" -lt 128 ] || { echo "FAIL: $* died by signal (rc $rc)"; exit 1; }
    echo "$out" | grep -q "$pattern" || { echo "FAIL: $* said: $out"; exit 1; }
    [ "$(echo "$out" | wc -l)" -eq 1 ] || { echo "FAIL: more than one line: $out"; exit 1; }
    echo "ok: $* -> $out"
}

declare -A cpu_flag=([scalar]=fpu [avx2]=avx2 [avx512]=avx512f)
for tier in scalar avx2 avx512; do
    if grep -qw "${cpu_flag[$tier]}" /proc/cpuinfo; then
        expect_tier $tier env BITVOTE_ISA=$tier $bin
    else
        echo "SKIP: BITVOTE_ISA=$tier: this CPU lacks ${cpu_flag[$tier]}"
        expect_error "lacks it" env BITVOTE_ISA=$tier $bin
    fi
done
expect_error "not a kernel tier" env BITVOTE_ISA=sse9 $bin

if command -v qemu-x86_64 >/dev/null; then
    expect_tier avx2 qemu-x86_64 -cpu Haswell $bin
    expect_tier scalar qemu-x86_64 -cpu Nehalem $bin
    expect_error "lacks it" env BITVOTE_ISA=avx512 qemu-x86_64 -cpu Haswell $bin
    expect_error "lacks it" env BITVOTE_ISA=avx2 qemu-x86_64 -cpu Nehalem $bin
else
    for check in "Haswell picks avx2" "Nehalem picks scalar" "BITVOTE_ISA=avx512 on Haswell fails" \
        "BITVOTE_ISA=avx2 on Nehalem fails"; do
        echo "SKIP: $check: no qemu-x86_64 (apt-get install qemu-user)"
    done
fi
