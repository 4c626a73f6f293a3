// The majority-vote kernels on every tier this CPU runs, against plain integer
// counters per coordinate and bit for bit against scalar.
//
// The reference decodes the tiled bit-sliced layout of kernels.h directly:
// bit j of the counter of coordinate c is bit c%64 of word
// ((c/512) * w + j) * 8 + (c%512)/64.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "tiers_under_test.h"

namespace bitvote {
namespace {

using testing::tiers_available;
using Words = std::vector<uint64_t>;
using Counts = std::vector<uint64_t>;  // one plain integer counter per coordinate

constexpr unsigned widths[] = {1, 2, 3, 4, 5, 8, 11};
constexpr size_t max_n = 1100;

size_t counter_word(size_t c, unsigned j, unsigned w) { return ((c / 512) * w + j) * 8 + (c % 512) / 64; }

uint64_t wrap(uint64_t x, unsigned w) { return w >= 64 ? x : x & ((uint64_t{1} << w) - 1); }
uint64_t max_count(unsigned w) { return wrap(~uint64_t{0}, w); }

Counts decode(const Words& counters, unsigned w, size_t n) {
    Counts counts(n, 0);
    for (size_t c = 0; c < n; ++c)
        for (unsigned j = 0; j < w; ++j) counts[c] |= (counters[counter_word(c, j, w)] >> (c % 64) & 1) << j;
    return counts;
}

Words encode(const Counts& counts, unsigned w) {
    Words counters(vote_counter_words(counts.size(), w), 0);
    for (size_t c = 0; c < counts.size(); ++c)
        for (unsigned j = 0; j < w; ++j) counters[counter_word(c, j, w)] |= (counts[c] >> j & 1) << (c % 64);
    return counters;
}

// A bitmap of n coordinates from per-coordinate 0/1 values (bits past n are 0).
Words bitmap_of(const Counts& bits01) {
    Words bits(bitmap_words(bits01.size()), 0);
    for (size_t c = 0; c < bits01.size(); ++c) bits[c / 64] |= bits01[c] << (c % 64);
    return bits;
}

Counts random_counts(std::mt19937_64& rng, size_t n, uint64_t max) {
    Counts counts(n);
    for (uint64_t& x : counts) x = max == ~uint64_t{0} ? rng() : rng() % (max + 1);
    return counts;
}

// Counts in 0..P that land on and next to the threshold ceil(P/2) (ties for even P) half the time.
Counts counts_near_threshold(std::mt19937_64& rng, size_t n, uint64_t P) {
    Counts counts = random_counts(rng, n, P);
    uint64_t T = (P + 1) / 2;
    for (uint64_t& x : counts)
        if (rng() & 1) x = std::min(P, T + rng() % 3 - std::min<uint64_t>(T, 1));
    return counts;
}

std::string first_mismatch(const Words& got, const Words& want) {
    if (got.size() != want.size()) return "size " + std::to_string(got.size()) + " != " + std::to_string(want.size());
    for (size_t i = 0; i < got.size(); ++i) {
        if (got[i] != want[i]) {
            char msg[96];
            std::snprintf(msg, sizeof msg, "word %zu: got %016llx want %016llx", i, (unsigned long long)got[i],
                          (unsigned long long)want[i]);
            return msg;
        }
    }
    return "";
}

std::string where(Isa isa, unsigned w, uint64_t P, size_t n) {
    return std::string(isa_name(isa)) + " w=" + std::to_string(w) + " P=" + std::to_string(P) +
           " n=" + std::to_string(n);
}

// Every tier's output equals the reference and scalar's output (scalar runs first).
#define EXPECT_TIER_EQ(got, want, scalar_out, isa, ctx)                                 \
    do {                                                                                \
        ASSERT_EQ(first_mismatch(got, want), "") << "vs reference, " << (ctx);          \
        if ((isa) == Isa::scalar) scalar_out = got;                                     \
        ASSERT_EQ(first_mismatch(got, scalar_out), "") << "vs scalar, " << (ctx);       \
    } while (0)

TEST(VoteAdd, SumsCountersModulo2PowW) {
    std::mt19937_64 rng(1);
    for (unsigned w : {1u, 2u, 3u, 4u, 5u, 8u, 11u, 32u}) {
        for (size_t n = 0; n <= max_n; ++n) {
            Counts a = random_counts(rng, n, max_count(w)), b = random_counts(rng, n, max_count(w));
            Counts sum(n);
            for (size_t c = 0; c < n; ++c) sum[c] = wrap(a[c] + b[c], w);
            Words want = encode(sum, w), scalar_out;
            for (Isa isa : tiers_available()) {
                Words inout = encode(b, w);
                kernel_table(isa).vote_add(encode(a, w), inout, w);
                EXPECT_TIER_EQ(inout, want, scalar_out, isa, where(isa, w, 0, n));
            }
        }
    }
}

TEST(VoteAdd, IsCommutativeAndAssociative) {
    std::mt19937_64 rng(2);
    for (Isa isa : tiers_available()) {
        auto add = kernel_table(isa).vote_add;
        for (unsigned w : widths) {
            for (size_t n : {size_t{1}, size_t{511}, size_t{512}, size_t{1100}, size_t{5000}}) {
                size_t words = vote_counter_words(n, w);
                Words a(words), b(words), c(words);
                for (Words* v : {&a, &b, &c})
                    for (uint64_t& x : *v) x = rng();  // padding counters too: the op sees whole blocks
                Words ab = b, ba = a, ab_c = c, bc = c, a_bc;
                add(a, ab, w);
                add(b, ba, w);
                ASSERT_EQ(first_mismatch(ab, ba), "") << "a+b != b+a, " << where(isa, w, 0, n);
                add(ab, ab_c, w);   // (a + b) + c
                add(b, bc, w);
                a_bc = bc;
                add(a, a_bc, w);    // a + (b + c)
                ASSERT_EQ(first_mismatch(ab_c, a_bc), "") << "(a+b)+c != a+(b+c), " << where(isa, w, 0, n);
            }
        }
    }
}

TEST(VoteAccumulateSigns, AddsOneBitmapShortBitmapsAddZero) {
    std::mt19937_64 rng(3);
    for (unsigned w : widths) {
        for (size_t n = 0; n <= max_n; ++n) {
            Counts counts = random_counts(rng, n, max_count(w)), bits01 = random_counts(rng, n, 1);
            Words bits = bitmap_of(bits01);
            bits.resize(rng() % (bits.size() + 1));  // words past the end count as 0
            Counts sum(n);
            for (size_t c = 0; c < n; ++c) sum[c] = wrap(counts[c] + (c / 64 < bits.size() ? bits01[c] : 0), w);
            Words want = encode(sum, w), scalar_out;
            for (Isa isa : tiers_available()) {
                Words counters = encode(counts, w);
                kernel_table(isa).vote_accumulate_signs(counters, bits, w);
                EXPECT_TIER_EQ(counters, want, scalar_out, isa,
                               where(isa, w, 0, n) + " bitmap words=" + std::to_string(bits.size()));
            }
        }
    }
}

// 2^w - 1 ranks fill w-bit counters without wrapping; the decision afterwards is the plain majority.
TEST(VoteAccumulateSigns, NeverOverflowsUpTo2PowWMinus1Ranks) {
    for (unsigned w : widths) {
        uint64_t P = (uint64_t{1} << w) - 1;
        for (size_t n : {size_t{1}, size_t{64}, size_t{700}, size_t{1100}}) {
            std::mt19937_64 rng(w * 10007 + n);
            std::vector<Words> bitmaps;
            Counts counts(n, 0);
            for (uint64_t p = 0; p < P; ++p) {
                Counts bits01 = random_counts(rng, n, 1);
                bits01[0] = 1;  // every rank votes for coordinate 0: its count reaches 2^w - 1
                for (size_t c = 0; c < n; ++c) counts[c] += bits01[c];
                bitmaps.push_back(bitmap_of(bits01));
            }
            Counts majority01(n);
            for (size_t c = 0; c < n; ++c) majority01[c] = 2 * counts[c] >= P;
            Words want_counters = encode(counts, w), want_decision = bitmap_of(majority01);
            Words scalar_counters, scalar_decision;
            for (Isa isa : tiers_available()) {
                Words counters(vote_counter_words(n, w), 0), decision(bitmap_words(n));
                for (const Words& bits : bitmaps) kernel_table(isa).vote_accumulate_signs(counters, bits, w);
                ASSERT_EQ(first_mismatch(decode(counters, w, n), counts), "") << "counts, " << where(isa, w, P, n);
                EXPECT_TIER_EQ(counters, want_counters, scalar_counters, isa, where(isa, w, P, n));
                kernel_table(isa).vote_decide(counters, w, P, decision);
                EXPECT_TIER_EQ(decision, want_decision, scalar_decision, isa, where(isa, w, P, n));
            }
        }
    }
}

TEST(VoteDecide, IsMajorityTieGoesPositive) {
    std::mt19937_64 rng(4);
    for (uint64_t P = 1; P <= 33; ++P) {
        for (unsigned w : {vote_width(P), vote_width(P) + 2}) {
            for (size_t n = 0; n <= max_n; ++n) {
                Counts counts = counts_near_threshold(rng, n, P), majority01(n);
                for (size_t c = 0; c < n; ++c) majority01[c] = 2 * counts[c] >= P;
                Words counters = encode(counts, w), want = bitmap_of(majority01), scalar_out;
                for (Isa isa : tiers_available()) {
                    Words out(bitmap_words(n), ~uint64_t{0});
                    kernel_table(isa).vote_decide(counters, w, P, out);
                    EXPECT_TIER_EQ(out, want, scalar_out, isa, where(isa, w, P, n));
                }
            }
        }
    }
}

TEST(VoteDecideTernary, IsSignOfDifferenceZeroOnTie) {
    std::mt19937_64 rng(5);
    for (unsigned w : widths) {
        for (size_t n = 0; n <= max_n; ++n) {
            Counts plus = random_counts(rng, n, max_count(w)), minus = random_counts(rng, n, max_count(w));
            for (size_t c = 0; c < n; ++c) {
                switch (rng() % 4) {
                    case 0: minus[c] = plus[c]; break;                    // tie
                    case 1: plus[c] = minus[c] = 0; break;                // tie, nobody voted
                    case 2: minus[c] = plus[c] ^ (uint64_t{1} << (rng() % w)); break;  // differ in one plane
                    default: break;
                }
            }
            Counts voted01(n), positive01(n);
            for (size_t c = 0; c < n; ++c) {
                voted01[c] = plus[c] != minus[c];
                positive01[c] = plus[c] > minus[c];
            }
            Words want_voted = bitmap_of(voted01), want_positive = bitmap_of(positive01);
            Words scalar_voted, scalar_positive;
            for (Isa isa : tiers_available()) {
                Words voted(bitmap_words(n), ~uint64_t{0}), positive(bitmap_words(n), ~uint64_t{0});
                kernel_table(isa).vote_decide_ternary(encode(plus, w), encode(minus, w), w, voted, positive);
                EXPECT_TIER_EQ(voted, want_voted, scalar_voted, isa, where(isa, w, 0, n));
                EXPECT_TIER_EQ(positive, want_positive, scalar_positive, isa, where(isa, w, 0, n));
            }
        }
    }
}

// P rows of bitmaps, [P][bitmap_words(n)], and their per-coordinate counts.
struct Rows {
    Words bitmaps;
    Counts counts;
};

// About 1/4 of the coordinates vote 0 in every row, 3/16 vote 1 in every row,
// the rest flip a coin per row, so ties (even P) are frequent.
Rows random_rows(std::mt19937_64& rng, uint64_t P, size_t n) {
    size_t nwords = bitmap_words(n);
    Rows rows{Words(P * nwords), Counts(n, 0)};
    Words always0(nwords), always1(nwords);
    for (size_t i = 0; i < nwords; ++i) {
        always0[i] = rng() & rng();
        always1[i] = rng() & rng() & ~always0[i];
    }
    for (uint64_t p = 0; p < P; ++p) {
        uint64_t* row = &rows.bitmaps[p * nwords];
        for (size_t i = 0; i < nwords; ++i) {
            uint64_t past_n = (i + 1) * 64 > n ? ~uint64_t{0} << (n % 64) : 0;
            row[i] = ((rng() & ~always0[i]) | always1[i]) & ~past_n;
        }
        for (size_t c = 0; c < n; ++c) rows.counts[c] += row[c / 64] >> (c % 64) & 1;
    }
    return rows;
}

TEST(VoteCount, IsMajorityTieGoesPositiveAndEqualsAccumulateThenDecide) {
    std::mt19937_64 rng(6);
    std::vector<uint64_t> Ps;
    for (uint64_t P = 1; P <= 33; ++P) Ps.push_back(P);
    for (uint64_t P : {47, 64, 255, 256, 1000}) Ps.push_back(P);
    for (uint64_t P : Ps) {
        for (size_t n = 0; n <= max_n; n += (P <= 33 ? 1 : 37)) {
            size_t nwords = bitmap_words(n);
            Rows rows = random_rows(rng, P, n);
            Counts majority01(n);
            for (size_t c = 0; c < n; ++c) majority01[c] = 2 * rows.counts[c] >= P;
            Words want = bitmap_of(majority01), scalar_out, scalar_via_counters;
            unsigned w = vote_width(P);
            for (Isa isa : tiers_available()) {
                const KernelTable& k = kernel_table(isa);
                Words out(nwords, ~uint64_t{0});
                k.vote_count(rows.bitmaps, P, out);
                EXPECT_TIER_EQ(out, want, scalar_out, isa, where(isa, w, P, n));

                Words counters(vote_counter_words(n, w), 0), via_counters(nwords);
                for (uint64_t p = 0; p < P; ++p)
                    k.vote_accumulate_signs(counters, {rows.bitmaps.data() + p * nwords, nwords}, w);
                k.vote_decide(counters, w, P, via_counters);
                EXPECT_TIER_EQ(via_counters, out, scalar_via_counters, isa,
                               "accumulate+decide vs count, " + where(isa, w, P, n));
            }
        }
    }
}

}  // namespace
}  // namespace bitvote
