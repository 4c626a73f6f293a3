// The majority-vote kernels on every tier (one test instance each), against
// plain integer counters per coordinate and bit for bit against scalar.
//
// The reference decodes the tiled bit-sliced layout of kernels.h directly:
// bit j of the counter of coordinate c is bit c%64 of word
// ((c/512) * w + j) * 8 + (c%512)/64.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "tiers_under_test.h"

namespace bitvote {
namespace {

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

// Counts in 0..P that land on and next to ceil(P/2) half the time: P/2 itself
// (a tie) at even P, both sides of the boundary at odd P.
Counts counts_near_threshold(std::mt19937_64& rng, size_t n, uint64_t P) {
    Counts counts = random_counts(rng, n, P);
    uint64_t T = (P + 1) / 2;
    for (uint64_t& x : counts)
        if (rng() & 1) x = std::min(P, T + rng() % 3 - std::min<uint64_t>(T, 1));
    return counts;
}

// The dense decision the kernels must give for counts of P votes, as bitmaps
// of whole words: positive = 2 count > P, nonzero = 2 count != P (a tie
// decides 0). Coordinates past counts.size() (to the end of the last word)
// hold count 0, as the kernels see padding.
struct Decision {
    Words positive, nonzero;
};
Decision decision_of(const Counts& counts, uint64_t P) {
    Counts padded = counts;
    padded.resize(bitmap_words(counts.size()) * 64, 0);
    Counts positive01(padded.size()), nonzero01(padded.size());
    for (size_t c = 0; c < padded.size(); ++c) {
        positive01[c] = 2 * padded[c] > P;
        nonzero01[c] = 2 * padded[c] != P;
    }
    return {bitmap_of(positive01), bitmap_of(nonzero01)};
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

// The tier's output equals the reference and scalar's output.
#define EXPECT_TIER_EQ(got, want, scalar_out, ctx)                                \
    do {                                                                          \
        ASSERT_EQ(first_mismatch(got, want), "") << "vs reference, " << (ctx);    \
        ASSERT_EQ(first_mismatch(got, scalar_out), "") << "vs scalar, " << (ctx); \
    } while (0)

// run(tier) and run(Isa::scalar); scalar runs once when it is the tier.
template <class Run>
auto on_tier_and_scalar(Isa tier, Run run) {
    auto got = run(tier);
    auto scalar_out = tier == Isa::scalar ? got : run(Isa::scalar);
    return std::pair{got, scalar_out};
}

TIER_TEST_SUITE(VoteAdd);
TIER_TEST_SUITE(VoteAccumulateSigns);
TIER_TEST_SUITE(VoteDecide);
TIER_TEST_SUITE(VoteDecideTernary);
TIER_TEST_SUITE(VoteCount);

TEST_P(VoteAdd, SumsCountersModulo2PowW) {
    std::mt19937_64 rng(1);
    for (unsigned w : {1u, 2u, 3u, 4u, 5u, 8u, 11u, 32u}) {
        for (size_t n = 0; n <= max_n; ++n) {
            Counts a = random_counts(rng, n, max_count(w)), b = random_counts(rng, n, max_count(w));
            Counts sum(n);
            for (size_t c = 0; c < n; ++c) sum[c] = wrap(a[c] + b[c], w);
            auto [got, scalar_out] = on_tier_and_scalar(tier, [&](Isa isa) {
                Words inout = encode(b, w);
                kernel_table(isa).vote_add(encode(a, w), inout, w);
                return inout;
            });
            EXPECT_TIER_EQ(got, encode(sum, w), scalar_out, where(tier, w, 0, n));
        }
    }
}

TEST_P(VoteAdd, IsCommutativeAndAssociative) {
    std::mt19937_64 rng(2);
    auto add = kernel_table(tier).vote_add;
    for (unsigned w : widths) {
        for (size_t n : {size_t{1}, size_t{511}, size_t{512}, size_t{1100}, size_t{5000}}) {
            size_t words = vote_counter_words(n, w);
            Words a(words), b(words), c(words);
            for (Words* v : {&a, &b, &c})
                for (uint64_t& x : *v) x = rng();  // padding counters too: the op sees whole blocks
            Words ab = b, ba = a, ab_c = c, bc = c, a_bc;
            add(a, ab, w);
            add(b, ba, w);
            ASSERT_EQ(first_mismatch(ab, ba), "") << "a+b != b+a, " << where(tier, w, 0, n);
            add(ab, ab_c, w);   // (a + b) + c
            add(b, bc, w);
            a_bc = bc;
            add(a, a_bc, w);    // a + (b + c)
            ASSERT_EQ(first_mismatch(ab_c, a_bc), "") << "(a+b)+c != a+(b+c), " << where(tier, w, 0, n);
        }
    }
}

TEST_P(VoteAccumulateSigns, AddsOneBitmapShortBitmapsAddZero) {
    std::mt19937_64 rng(3);
    for (unsigned w : widths) {
        for (size_t n = 0; n <= max_n; ++n) {
            Counts counts = random_counts(rng, n, max_count(w)), bits01 = random_counts(rng, n, 1);
            Words bits = bitmap_of(bits01);
            bits.resize(rng() % (bits.size() + 1));  // words past the end count as 0
            Counts sum(n);
            for (size_t c = 0; c < n; ++c) sum[c] = wrap(counts[c] + (c / 64 < bits.size() ? bits01[c] : 0), w);
            auto [got, scalar_out] = on_tier_and_scalar(tier, [&](Isa isa) {
                Words counters = encode(counts, w);
                kernel_table(isa).vote_accumulate_signs(counters, bits, w);
                return counters;
            });
            EXPECT_TIER_EQ(got, encode(sum, w), scalar_out,
                           where(tier, w, 0, n) + " bitmap words=" + std::to_string(bits.size()));
        }
    }
}

// 2^w - 1 ranks fill w-bit counters without wrapping; the decision afterwards is the plain majority.
TEST_P(VoteAccumulateSigns, NeverOverflowsUpTo2PowWMinus1Ranks) {
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
            struct Out {
                Words counters, positive, nonzero;
            };
            auto [got, scalar_out] = on_tier_and_scalar(tier, [&](Isa isa) {
                Out out{Words(vote_counter_words(n, w), 0), Words(bitmap_words(n)), Words(bitmap_words(n))};
                for (const Words& bits : bitmaps) kernel_table(isa).vote_accumulate_signs(out.counters, bits, w);
                kernel_table(isa).vote_decide(out.counters, w, P, out.positive, out.nonzero);
                return out;
            });
            const Decision want = decision_of(counts, P);
            ASSERT_EQ(first_mismatch(decode(got.counters, w, n), counts), "") << "counts, " << where(tier, w, P, n);
            EXPECT_TIER_EQ(got.counters, encode(counts, w), scalar_out.counters, where(tier, w, P, n));
            EXPECT_TIER_EQ(got.positive, want.positive, scalar_out.positive, where(tier, w, P, n));
            EXPECT_TIER_EQ(got.nonzero, want.nonzero, scalar_out.nonzero, where(tier, w, P, n));
        }
    }
}

// Also at widths below vote_width(P), where counts wrap and P / 2 may lie
// beyond every w-bit count (then nothing is positive and nothing ties).
TEST_P(VoteDecide, IsSignOfVoteSumTieGoesZero) {
    std::mt19937_64 rng(4);
    for (uint64_t P = 1; P <= 33; ++P) {
        for (unsigned w : {vote_width(P) - 1, vote_width(P), vote_width(P) + 2}) {
            if (w == 0) continue;
            for (size_t n = 0; n <= max_n; ++n) {
                Counts counts = counts_near_threshold(rng, n, P);
                for (uint64_t& x : counts) x = wrap(x, w);
                Words counters = encode(counts, w);
                const Decision want = decision_of(counts, P);
                auto [got, scalar_out] = on_tier_and_scalar(tier, [&](Isa isa) {
                    Decision out{Words(bitmap_words(n), ~uint64_t{0}), Words(bitmap_words(n), 0)};
                    kernel_table(isa).vote_decide(counters, w, P, out.positive, out.nonzero);
                    return out;
                });
                EXPECT_TIER_EQ(got.positive, want.positive, scalar_out.positive, where(tier, w, P, n));
                EXPECT_TIER_EQ(got.nonzero, want.nonzero, scalar_out.nonzero, where(tier, w, P, n));
            }
        }
    }
}

// Without a nonzero bitmap (odd P) the kernel writes positive alone, the same bits.
TEST_P(VoteDecide, EmptyNonzeroIsNotWritten) {
    std::mt19937_64 rng(7);
    for (uint64_t P : {3, 4, 9}) {
        unsigned w = vote_width(P);
        for (size_t n : {size_t{1}, size_t{513}, max_n}) {
            Counts counts = counts_near_threshold(rng, n, P);
            Words positive(bitmap_words(n));
            kernel_table(tier).vote_decide(encode(counts, w), w, P, positive, {});
            EXPECT_EQ(first_mismatch(positive, decision_of(counts, P).positive), "") << where(tier, w, P, n);
        }
    }
}

TEST_P(VoteDecideTernary, IsSignOfDifferenceZeroOnTie) {
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
            struct Out {
                Words voted, positive;
            };
            auto [got, scalar_out] = on_tier_and_scalar(tier, [&](Isa isa) {
                Out out{Words(bitmap_words(n), ~uint64_t{0}), Words(bitmap_words(n), ~uint64_t{0})};
                kernel_table(isa).vote_decide_ternary(encode(plus, w), encode(minus, w), w, out.voted, out.positive);
                return out;
            });
            EXPECT_TIER_EQ(got.voted, bitmap_of(voted01), scalar_out.voted, where(tier, w, 0, n));
            EXPECT_TIER_EQ(got.positive, bitmap_of(positive01), scalar_out.positive, where(tier, w, 0, n));
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

TEST_P(VoteCount, IsSignOfVoteSumTieGoesZeroAndEqualsAccumulateThenDecide) {
    std::mt19937_64 rng(6);
    std::vector<uint64_t> Ps;
    for (uint64_t P = 1; P <= 33; ++P) Ps.push_back(P);
    for (uint64_t P : {47, 64, 255, 256, 1000}) Ps.push_back(P);
    for (uint64_t P : Ps) {
        for (size_t n = 0; n <= max_n; n += (P <= 33 ? 1 : 37)) {
            size_t nwords = bitmap_words(n);
            Rows rows = random_rows(rng, P, n);
            const Decision want = decision_of(rows.counts, P);
            unsigned w = vote_width(P);
            struct Out {
                Decision count, via_counters;
                Words positive_alone;  // vote_count without a nonzero bitmap
            };
            auto [got, scalar_out] = on_tier_and_scalar(tier, [&](Isa isa) {
                const KernelTable& k = kernel_table(isa);
                Out out{{Words(nwords, ~uint64_t{0}), Words(nwords, 0)}, {Words(nwords), Words(nwords)},
                        Words(nwords)};
                k.vote_count(rows.bitmaps, P, out.count.positive, out.count.nonzero);
                k.vote_count(rows.bitmaps, P, out.positive_alone, {});
                Words counters(vote_counter_words(n, w), 0);
                for (uint64_t p = 0; p < P; ++p)
                    k.vote_accumulate_signs(counters, {rows.bitmaps.data() + p * nwords, nwords}, w);
                k.vote_decide(counters, w, P, out.via_counters.positive, out.via_counters.nonzero);
                return out;
            });
            EXPECT_TIER_EQ(got.count.positive, want.positive, scalar_out.count.positive, where(tier, w, P, n));
            EXPECT_TIER_EQ(got.count.nonzero, want.nonzero, scalar_out.count.nonzero, where(tier, w, P, n));
            EXPECT_TIER_EQ(got.positive_alone, want.positive, scalar_out.positive_alone,
                           "without nonzero, " + where(tier, w, P, n));
            EXPECT_TIER_EQ(got.via_counters.positive, got.count.positive, scalar_out.via_counters.positive,
                           "accumulate+decide vs count, " + where(tier, w, P, n));
            EXPECT_TIER_EQ(got.via_counters.nonzero, got.count.nonzero, scalar_out.via_counters.nonzero,
                           "accumulate+decide vs count, " + where(tier, w, P, n));
        }
    }
}

}  // namespace
}  // namespace bitvote
