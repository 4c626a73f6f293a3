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

// The dense decision of 64 counters (plane j at planes[j * stride]) from P
// votes: sign(2 count - P), compared bit-sliced with T = floor(P / 2) from
// the most significant plane down. positive = count > T; nonzero = count != T
// at even P (a tie decides 0), all ones at odd P (never a tie).
struct Decision {
    uint64_t positive, nonzero;
};
Decision decide_counts(const uint64_t* planes, size_t stride, unsigned w, uint64_t P) {
    uint64_t T = P / 2, odd = P % 2 ? ~uint64_t{0} : 0;
    if (w < 64 && (T >> w) != 0) return {0, ~uint64_t{0}};  // T exceeds every w-bit count
    uint64_t greater = 0, equal = ~uint64_t{0};
    for (unsigned j = w; j-- > 0;) {
        uint64_t c = planes[j * stride];
        uint64_t t = (T >> j & 1) ? ~uint64_t{0} : 0;
        greater |= equal & c & ~t;
        equal &= ~(c ^ t);
    }
    return {greater, ~equal | odd};
}

// Writes word i of the decision; nonzero only if it is not empty.
void store_decision(Decision dec, size_t i, std::span<uint64_t> positive, std::span<uint64_t> nonzero) {
    positive[i] = dec.positive;
    if (!nonzero.empty()) nonzero[i] = dec.nonzero;
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

void vote_decide(std::span<const uint64_t> counters, unsigned w, uint64_t P, std::span<uint64_t> positive,
                 std::span<uint64_t> nonzero) {
    for (size_t i = 0; i < positive.size(); ++i)
        store_decision(decide_counts(&counters[counter_base(i, w)], plane_words, w, P), i, positive, nonzero);
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
// are decided as vote_decide does.
void vote_count(std::span<const uint64_t> bitmaps, size_t P, std::span<uint64_t> positive,
                std::span<uint64_t> nonzero) {
    size_t nwords = positive.size();
    unsigned w = vote_width(P);
    for (size_t i = 0; i < nwords; ++i) {
        uint64_t planes[64] = {};
        for (size_t p = 0; p < P; ++p) increment(planes, 1, w, bitmaps[p * nwords + i]);
        store_decision(decide_counts(planes, 1, w, P), i, positive, nonzero);
    }
}

}  // namespace bitvote::scalar
