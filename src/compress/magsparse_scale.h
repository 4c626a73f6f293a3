// The candidates for magsparse's scale B of one layer that a rank measures
// (compress/method.h, method_measure_scales): the layer's max|g|, or the B at
// which it expects a given number of votes. The ranks then take the max.
#pragma once

#include <span>
#include <vector>

namespace bitvote {

// max_i |g_i| (0 for an empty span). g finite: the bits of |g_i| order as
// integers, so the loop vectorises without fast-math.
float abs_max(std::span<const float> g);

// The B at which the expected votes sum_i min(1, |g_i| / B) are rho * n
// (n = g.size(), rho in (0, 1]), exactly up to float rounding, by selection:
// expected O(n), no sort. Zero and non-finite entries never vote and are left
// out. Where the nonzero entries are too few to reach rho * n, every one of
// them votes: B = the smallest nonzero |g_i| (0 if there is none).
// scratch holds a copy of |g| (grown to n once).
float density_scale(std::span<const float> g, double rho, std::vector<float>* scratch);

}  // namespace bitvote
