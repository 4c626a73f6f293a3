// The avx2 and avx512 vote kernels, written once over a Lane: one plane of one
// tile, i.e. 8 words = 512 coordinates = one 64-byte line (one zmm, two ymm).
//
// Layout (kernels.h): tile t of a counter buffer is w Lanes, plane j at word
// (t * w + j) * 8; bitmap words 8t .. 8t + 7 are the Lane of tile t (the last
// one of a bitmap may be partial: missing words read as 0 and are not written).
//
// The generic body of a tier (kernels/tiers.h): vote_<tier>.cpp defines Lane in
// bitvote::<tier>, sets BITVOTE_TIER and includes this file last. Lane
// provides: Lane::load(p), Lane::store(p, v), Lane::zero(), Lane::ones(), &, |,
// ^, ~, andnot(a, b) = ~a & b, xor3(a, b, c) (sum bit of a full adder) and
// maj(a, b, c) (its carry).
#pragma once

#include <algorithm>
#include <span>

#include "tier_body.h"

namespace bitvote::BITVOTE_TIER {
namespace {

constexpr size_t lane_words = 8;

size_t lanes_of(size_t words) { return (words + lane_words - 1) / lane_words; }

// Hot helpers are force-inlined: GCC otherwise keeps some of them as calls
// taking a vector by memory, or spills the planes of a count to the stack.
#define VOTE_INLINE [[gnu::always_inline]] inline

// The last, partial lane t of a bitmap; words past the end read as 0.
template <class L>
L load_partial_lane(std::span<const uint64_t> bits, size_t t) {
    uint64_t buf[lane_words] = {};
    std::copy(bits.begin() + long(t * lane_words), bits.end(), buf);
    return L::load(buf);
}

// Writes the words of the last, partial lane t that lie inside out.
template <class L>
void store_partial_lane(std::span<uint64_t> out, size_t t, L v) {
    uint64_t buf[lane_words];
    L::store(buf, v);
    std::copy(buf, buf + (out.size() - t * lane_words), out.begin() + long(t * lane_words));
}

// Lane t of a bitmap; words past the end read as 0.
template <class L>
VOTE_INLINE L load_lane(std::span<const uint64_t> bits, size_t t) {
    if (bits.size() >= (t + 1) * lane_words) return L::load(&bits[t * lane_words]);
    return load_partial_lane<L>(bits, t);
}

// Writes the words of lane t that lie inside out.
template <class L>
VOTE_INLINE void store_lane(std::span<uint64_t> out, size_t t, L v) {
    if (out.size() >= (t + 1) * lane_words)
        L::store(&out[t * lane_words], v);
    else
        store_partial_lane(out, t, v);
}

// The dense decision sign(2 count - P): count compared bit-sliced with
// T = floor(P / 2), fed the planes of the count from the most significant
// down: `greater` once a plane has 1 where T has 0 and the planes above were
// equal; `equal` while every plane so far matched T. A plane above the
// count's width (0) compared with a bit above T's (0) changes nothing.
// positive = count > T; nonzero = count != T at even P (a tie decides 0),
// all ones at odd P (never a tie).
template <class L>
struct Decision {
    L greater = L::zero(), equal = L::ones();

    void next_plane(L c, bool t_bit) {
        if (t_bit) {
            equal = equal & c;
        } else {
            greater = greater | (equal & c);
            equal = andnot(c, equal);
        }
    }
    // Lane t of positive and, if it is not empty, of nonzero.
    VOTE_INLINE void store(std::span<uint64_t> positive, std::span<uint64_t> nonzero, size_t t, uint64_t P) const {
        store_lane(positive, t, greater);
        if (!nonzero.empty()) store_lane(nonzero, t, P % 2 ? L::ones() : ~equal);
    }
};

// inout += in: a ripple-carry adder down the w planes of each tile.
template <class L>
void add_counters(std::span<const uint64_t> in, std::span<uint64_t> inout, unsigned w) {
    const uint64_t* a = in.data();
    uint64_t* b = inout.data();
    for (size_t t = 0; t < inout.size() / (w * lane_words); ++t) {
        L carry = L::zero();
        for (unsigned j = 0; j < w; ++j, a += lane_words, b += lane_words) {
            L x = L::load(a), y = L::load(b);
            L::store(b, xor3(x, y, carry));
            carry = maj(x, y, carry);
        }
    }
}

// counters += bits: a half-adder chain with the bits as carry-in. Tiles past
// the end of bits add 0 and are skipped.
template <class L>
void accumulate_signs(std::span<uint64_t> counters, std::span<const uint64_t> bits, unsigned w) {
    size_t tiles = std::min(counters.size() / (w * lane_words), lanes_of(bits.size()));
    for (size_t t = 0; t < tiles; ++t) {
        uint64_t* planes = &counters[t * w * lane_words];
        L carry = load_lane<L>(bits, t);
        for (unsigned j = 0; j < w; ++j) {
            L c = L::load(planes + j * lane_words);
            L::store(planes + j * lane_words, c ^ carry);
            carry = c & carry;
        }
    }
}

template <class L>
void decide(std::span<const uint64_t> counters, unsigned w, uint64_t P, std::span<uint64_t> positive,
            std::span<uint64_t> nonzero) {
    uint64_t T = P / 2;
    bool reachable = w >= 64 || (T >> w) == 0;  // else T exceeds every w-bit count: all below it
    for (size_t t = 0; t < lanes_of(positive.size()); ++t) {
        const uint64_t* planes = &counters[t * w * lane_words];
        Decision<L> dec;
        if (reachable)
            for (unsigned j = w; j-- > 0;) dec.next_plane(L::load(planes + j * lane_words), T >> j & 1);
        else
            dec.equal = L::zero();
        dec.store(positive, nonzero, t, P);
    }
}

// Two bit-sliced counts compared from the most significant plane down.
template <class L>
void decide_ternary(std::span<const uint64_t> plus, std::span<const uint64_t> minus, unsigned w,
                    std::span<uint64_t> voted, std::span<uint64_t> positive) {
    for (size_t t = 0; t < lanes_of(voted.size()); ++t) {
        const uint64_t* a = &plus[t * w * lane_words];
        const uint64_t* b = &minus[t * w * lane_words];
        L greater = L::zero(), equal = L::ones();
        for (unsigned j = w; j-- > 0;) {
            L x = L::load(a + j * lane_words), y = L::load(b + j * lane_words);
            greater = greater | andnot(y, equal & x);
            equal = andnot(x ^ y, equal);
        }
        store_lane(voted, t, ~equal);
        store_lane(positive, t, greater);
    }
}

// ---- vote_count: the majority of P rows, one lane at a time -----------------
// The running count of a lane is bit-sliced: planes of weight 1, 2, 4, 8 in
// low[] (registers: only constant indices), weight 16 and up in high[].
// Rows go in by a Harley-Seal carry-save tree, 16 at a time: 15 full adders
// (two ternary-logic ops each) per 16 rows, plus one carry into high[].
// Everything is force-inlined into the per-lane loop so low[] stays in registers.

// Adds rows p .. p + 2^K - 1 into low[0..K-1] and returns the carry of weight 2^K.
template <unsigned K, class L, class Row>
VOTE_INLINE L add_rows(L* low, const Row& row, size_t p) {
    if constexpr (K == 0) {
        return row(p);
    } else {
        L a = add_rows<K - 1>(low, row, p);
        L b = add_rows<K - 1>(low, row, p + (size_t{1} << (K - 1)));
        L carry = maj(low[K - 1], a, b);
        low[K - 1] = xor3(low[K - 1], a, b);
        return carry;
    }
}

// Adds a plane of weight 2^K to low[K..3]; returns the carry of weight 16.
template <unsigned K, class L>
VOTE_INLINE L carry_into_low(L* low, L carry) {
    if constexpr (K == 4) {
        return carry;
    } else {
        L next = low[K] & carry;
        low[K] = low[K] ^ carry;
        return carry_into_low<K + 1>(low, next);
    }
}

// Adds a plane of weight 16 to high[0..planes) (weights 16, 32, ...).
template <class L>
VOTE_INLINE void carry_into_high(L* high, unsigned planes, L carry) {
    for (unsigned j = 0; j < planes; ++j) {
        L next = high[j] & carry;
        high[j] = high[j] ^ carry;
        carry = next;
    }
}

// Adds the 2^K rows from p if that many are left, and advances p.
template <unsigned K, class L, class Row>
VOTE_INLINE void add_rows_if_left(L* low, L* high, unsigned high_planes, const Row& row, size_t P, size_t& p) {
    if (P - p < (size_t{1} << K)) return;
    carry_into_high(high, high_planes, carry_into_low<K>(low, add_rows<K>(low, row, p)));
    p += size_t{1} << K;
}

// The decision of row(0) .. row(P - 1), whose counts fit w bits (T = P / 2).
template <class L, class Row>
VOTE_INLINE Decision<L> decide_column(const Row& row, size_t P, unsigned w) {
    unsigned high_planes = w > 4 ? w - 4 : 0;
    L low[4] = {L::zero(), L::zero(), L::zero(), L::zero()};
    L high[60];
    for (unsigned j = 0; j < high_planes; ++j) high[j] = L::zero();
    size_t p = 0;
    while (P - p >= 16) add_rows_if_left<4>(low, high, high_planes, row, P, p);
    add_rows_if_left<3>(low, high, high_planes, row, P, p);
    add_rows_if_left<2>(low, high, high_planes, row, P, p);
    add_rows_if_left<1>(low, high, high_planes, row, P, p);
    add_rows_if_left<0>(low, high, high_planes, row, P, p);
    uint64_t T = P / 2;
    Decision<L> dec;
    for (unsigned j = w; j-- > 4;) dec.next_plane(high[j - 4], T >> j & 1);
    dec.next_plane(low[3], T >> 3 & 1);
    dec.next_plane(low[2], T >> 2 & 1);
    dec.next_plane(low[1], T >> 1 & 1);
    dec.next_plane(low[0], T & 1);
    return dec;
}

// vote_count reads P rows side by side, one line of each per lane: more streams
// than the hardware prefetcher follows well, so each row is prefetched this many
// lanes (1 KiB) ahead.
constexpr size_t prefetch_lanes = 16;

template <class L>
void count_majority(std::span<const uint64_t> bitmaps, size_t P, std::span<uint64_t> positive,
                    std::span<uint64_t> nonzero) {
    size_t nwords = positive.size(), full = nwords / lane_words;
    unsigned w = vote_width(P);
    for (size_t t = 0; t < full; ++t) {
        const uint64_t* column = &bitmaps[t * lane_words];
        const uint64_t* ahead = &bitmaps[std::min(t + prefetch_lanes, full - 1) * lane_words];
        auto row = [column, ahead, nwords](size_t p) {
            __builtin_prefetch(ahead + p * nwords);
            return L::load(column + p * nwords);
        };
        decide_column<L>(row, P, w).store(positive, nonzero, t, P);
    }
    if (full == lanes_of(nwords)) return;
    auto partial_row = [&bitmaps, nwords, full](size_t p) {
        return load_partial_lane<L>(bitmaps.subspan(p * nwords, nwords), full);
    };
    decide_column<L>(partial_row, P, w).store(positive, nonzero, full, P);
}

#undef VOTE_INLINE

}  // namespace

void vote_add(std::span<const uint64_t> in, std::span<uint64_t> inout, unsigned w) {
    add_counters<Lane>(in, inout, w);
}
void vote_accumulate_signs(std::span<uint64_t> counters, std::span<const uint64_t> bits, unsigned w) {
    accumulate_signs<Lane>(counters, bits, w);
}
void vote_decide(std::span<const uint64_t> counters, unsigned w, uint64_t P, std::span<uint64_t> positive,
                 std::span<uint64_t> nonzero) {
    decide<Lane>(counters, w, P, positive, nonzero);
}
void vote_decide_ternary(std::span<const uint64_t> plus, std::span<const uint64_t> minus, unsigned w,
                         std::span<uint64_t> voted, std::span<uint64_t> positive) {
    decide_ternary<Lane>(plus, minus, w, voted, positive);
}
void vote_count(std::span<const uint64_t> bitmaps, size_t P, std::span<uint64_t> positive,
                std::span<uint64_t> nonzero) {
    count_majority<Lane>(bitmaps, P, positive, nonzero);
}

}  // namespace bitvote::BITVOTE_TIER
