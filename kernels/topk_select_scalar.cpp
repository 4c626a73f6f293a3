// topk_select, the specification: the k largest |x_i|, ties to the lower index,
// NaN never selected, indices ascending. One rank per element, nth_element to
// find the k winners, a sort of the k winners alone (never of all of x).
#include <algorithm>
#include <bit>
#include <memory>

#include "tiers.h"

namespace bitvote::scalar {
namespace {

// Comparators with internal linkage, so the std:: algorithms instantiated here
// are this translation unit's own (none shared with a tier built with AVX flags).
struct Greater {
    bool operator()(uint64_t a, uint64_t b) const { return a > b; }
};
struct Less {
    bool operator()(uint32_t a, uint32_t b) const { return a < b; }
};

// |x| as an integer that orders like the magnitude: the float's bits without
// the sign. -0 and +0 are both 0, inf is 0x7f800000, NaN is above it.
constexpr uint32_t inf_key = 0x7f800000;
uint32_t magnitude_key(float v) { return std::bit_cast<uint32_t>(v) & 0x7fffffff; }

// Larger rank = selected first: the key in the high half, the complemented
// index in the low half (equal keys: the lower index ranks higher).
uint64_t rank_of(uint32_t key, size_t i) { return uint64_t{key} << 32 | uint32_t(~uint32_t(i)); }
uint32_t index_of(uint64_t rank) { return ~uint32_t(rank); }

}  // namespace

size_t topk_select(std::span<const float> x, size_t k, std::span<uint32_t> out) {
    auto ranks = std::make_unique_for_overwrite<uint64_t[]>(x.size());  // [count] ranks of the non-NaN x
    size_t count = 0;
    for (size_t i = 0; i < x.size(); ++i) {
        uint32_t key = magnitude_key(x[i]);
        if (key <= inf_key) ranks[count++] = rank_of(key, i);
    }
    k = std::min(k, count);
    std::nth_element(ranks.get(), ranks.get() + k, ranks.get() + count, Greater{});
    for (size_t j = 0; j < k; ++j) out[j] = index_of(ranks[j]);
    std::sort(out.data(), out.data() + k, Less{});
    return k;
}

}  // namespace bitvote::scalar
