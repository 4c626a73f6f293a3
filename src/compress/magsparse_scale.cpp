// magsparse's per-rank scale candidates: max|g| and the B of a density.
#include "compress/magsparse_scale.h"

#include <algorithm>
#include <bit>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <utility>

namespace bitvote {

float abs_max(std::span<const float> g) {
    int32_t m = 0;
    for (float x : g) m = std::max(m, std::bit_cast<int32_t>(x) & 0x7fffffff);
    return std::bit_cast<float>(m);
}

// f(B) = sum_i min(1, a_i / B) over the candidates a_i = |g_i| > 0 falls as B
// grows. Quickselect on a: for a pivot p, f(p) <= target puts B at or below
// p, so every a_i >= p votes surely (`above`); f(p) > target puts B above p,
// so every a_i <= p votes with a_i / B (`below`, their sum). What stays
// undecided shrinks to nothing; then above + below / B = target gives B.
float density_scale(std::span<const float> g, double rho, std::vector<float>* scratch) {
    if (scratch->size() < g.size()) scratch->resize(g.size());
    float* a = scratch->data();
    size_t n = 0;
    for (float x : g)
        if (const float v = std::fabs(x); v > 0 && v <= FLT_MAX) a[n++] = v;
    const double target = rho * double(g.size());
    size_t above = 0;       // candidates that vote surely
    double below = 0;       // sum of the candidates that vote with a_i / B
    float smallest_sure = 0;  // the last pivot with f(p) <= target: B <= it
    size_t lo = 0, hi = n;  // a[lo, hi): undecided
    while (lo < hi) {
        const float p = std::max(std::min(a[lo], a[hi - 1]), std::min(std::max(a[lo], a[hi - 1]), a[lo + (hi - lo) / 2]));
        // a[lo, gt) > p, a[gt, lt) == p, a[lt, hi) < p
        size_t gt = lo, i = lo, lt = hi;
        while (i < lt) {
            if (a[i] > p) std::swap(a[i++], a[gt++]);
            else if (a[i] < p) std::swap(a[i], a[--lt]);
            else ++i;
        }
        double sum_lt = 0;
        for (size_t j = lt; j < hi; ++j) sum_lt += a[j];
        const double votes_at_p = double(above + (lt - lo)) + (below + sum_lt) / p;
        if (votes_at_p <= target) {
            smallest_sure = p;
            above += lt - lo;
            lo = lt;
        } else {
            below += sum_lt + double(lt - gt) * p;
            hi = gt;
        }
    }
    if (below == 0) return smallest_sure;  // every candidate votes surely (or there is none)
    return float(below / (target - double(above)));
}

}  // namespace bitvote
