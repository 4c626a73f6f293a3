// Test-only fault injection (DESIGN.md 9): BITVOTE_TEST_NAN="rank:step[,...]"
// (steps 0-based) puts a NaN into that rank's gradient at that step, after
// backward and before the compressor, so a test can watch the rank abstain:
//   BITVOTE_TEST_NAN=1:3,0:5,2:5 mpirun -np 4 bitvote train ...
// Unset: nothing is injected.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace bitvote {

struct NanInjection {
    std::vector<int64_t> steps;  // this rank's, in the order given
};

// Reads `text` (BITVOTE_TEST_NAN's value, or nullptr when unset) for `rank`;
// "" or why it is malformed.
std::string nan_injection_parse(const char* text, int rank, NanInjection* out);
// grad's last entry = NaN if this step is one of the rank's (the last layer's:
// backward completes it first, so --overlap sees it in its first bucket).
void nan_injection_apply(const NanInjection& inj, std::span<float> grad, int64_t step);

}  // namespace bitvote
