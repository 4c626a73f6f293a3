// Majority vote on bit-sliced counters, one 64-bit word at a time: the
// specification the avx2 and avx512 tiers are tested against.
//
// Layout (kernels.h): per tile of 512 coordinates, w planes of 8 words; word k
// of plane j of tile t is counters[(t * w + j) * 8 + k] and holds bit j of the
// counters of coordinates 512t + 64k .. 512t + 64k + 63, i.e. of bitmap word
// 8t + k. So the w bits of the 64 counters behind bitmap word i lie at
// counter_base(i, w) + 8j, j = 0..w-1.
#include <algorithm>

#include "tiers.h"

namespace bitvote::scalar {
namespace {

constexpr size_t plane_words = 8;  // words per plane of a tile

// Index of plane 0's word for bitmap word i.
size_t counter_base(size_t i, unsigned w) { return (i / plane_words) * w * plane_words + i % plane_words; }

// Bit-sliced count >= T for the 64 counters whose plane j is planes[j * stride],
// compared from the most significant plane down.
uint64_t count_at_least(const uint64_t* planes, size_t stride, unsigned w, uint64_t T) {
    if (w < 64 && (T >> w) != 0) return 0;  // T exceeds every w-bit count
    uint64_t greater = 0, equal = ~uint64_t{0};
    for (unsigned j = w; j-- > 0;) {
        uint64_t c = planes[j * stride];
        uint64_t t = (T >> j & 1) ? ~uint64_t{0} : 0;
        greater |= equal & c & ~t;
        equal &= ~(c ^ t);
    }
    return greater | equal;
}

// Adds one 0/1 word to the 64 counters whose plane j is planes[j * stride].
void increment(uint64_t* planes, size_t stride, unsigned w, uint64_t bits) {
    for (unsigned j = 0; j < w && bits != 0; ++j) {
        uint64_t c = planes[j * stride];
        planes[j * stride] = c ^ bits;
        bits &= c;
    }
}

}  // namespace

void vote_add(std::span<const uint64_t> in, std::span<uint64_t> inout, unsigned w) {
    for (size_t i = 0; i < inout.size() / w; ++i) {
        size_t base = counter_base(i, w);
        uint64_t carry = 0;
        for (unsigned j = 0; j < w; ++j) {
            uint64_t a = in[base + j * plane_words], b = inout[base + j * plane_words];
            inout[base + j * plane_words] = a ^ b ^ carry;
            carry = (a & b) | (carry & (a ^ b));
        }
    }
}

void vote_accumulate_signs(std::span<uint64_t> counters, std::span<const uint64_t> bits, unsigned w) {
    size_t words = std::min(bits.size(), counters.size() / w);
    for (size_t i = 0; i < words; ++i) increment(&counters[counter_base(i, w)], plane_words, w, bits[i]);
}

// 2 * count >= P  <=>  count >= ceil(P / 2).
void vote_decide(std::span<const uint64_t> counters, unsigned w, uint64_t P, std::span<uint64_t> out) {
    uint64_t T = P / 2 + P % 2;
    for (size_t i = 0; i < out.size(); ++i) out[i] = count_at_least(&counters[counter_base(i, w)], plane_words, w, T);
}

void vote_decide_ternary(std::span<const uint64_t> plus, std::span<const uint64_t> minus, unsigned w,
                         std::span<uint64_t> voted, std::span<uint64_t> positive) {
    for (size_t i = 0; i < voted.size(); ++i) {
        size_t base = counter_base(i, w);
        uint64_t greater = 0, equal = ~uint64_t{0};
        for (unsigned j = w; j-- > 0;) {
            uint64_t a = plus[base + j * plane_words], b = minus[base + j * plane_words];
            greater |= equal & a & ~b;
            equal &= ~(a ^ b);
        }
        voted[i] = ~equal;
        positive[i] = greater;
    }
}

// Word by word: the P words of one column go into w bit-sliced planes, then
// are compared with ceil(P / 2).
void vote_count(std::span<const uint64_t> bitmaps, size_t P, std::span<uint64_t> out) {
    size_t nwords = out.size();
    unsigned w = vote_width(P);
    uint64_t T = P / 2 + P % 2;
    for (size_t i = 0; i < nwords; ++i) {
        uint64_t planes[64] = {};
        for (size_t p = 0; p < P; ++p) increment(planes, 1, w, bitmaps[p * nwords + i]);
        out[i] = count_at_least(planes, 1, w, T);
    }
}

}  // namespace bitvote::scalar
