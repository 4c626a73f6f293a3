// What every fuzz target (tests/fuzz/fuzz_<target>.cpp) shares.
//
// A target defines LLVMFuzzerTestOneInput(data, size): it must return 0 for
// any bytes, and ends the process (a crash libFuzzer reports, with the input
// saved) only where the code under test misbehaves: a sanitizer report, an
// exception it does not document, or a broken invariant (fuzz_check).
// `make fuzz` links each target with libFuzzer (clang, -fsanitize=fuzzer,
// address,undefined); `make test` links the same file with replay_main.cpp
// (g++) and replays tests/fuzz/corpus/<target>/ (run_suites.sh, suite fuzz).
// Adding a target: one file fuzz_<name>.cpp here and a seed or two in
// corpus/<name>/; the Makefile finds both.
#pragma once

#include <cstdio>
#include <cstdlib>

namespace bitvote {

// Aborts with "fuzz check failed: what" unless ok.
inline void fuzz_check(bool ok, const char* what) {
    if (ok) return;
    std::fprintf(stderr, "fuzz check failed: %s\n", what);
    std::abort();
}

}  // namespace bitvote
