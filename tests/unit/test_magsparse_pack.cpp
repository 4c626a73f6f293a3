// magsparse_pack on every tier (one test instance each): the scalar tier
// against a naive per-coordinate reference of the rule in kernels.h (the draw
// written out here: it pins kernels/magsparse_draw.h, so a change of the
// draw, which changes every magsparse run, fails here first), every tier bit for bit
// against scalar for lengths 0..1100, the named adversarial inputs, bitmap
// offsets 0..63 and the edge scales (B = 0, denormal, |x| >= B, inf); only
// the span's bits are written; and the keep probability is min(1, |x| / B),
// independently across keys and neighbouring counters.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include "tiers_under_test.h"

namespace bitvote {
namespace {

using testing::all_inputs;
using testing::Input;
using testing::input_name;
using testing::make_input;
using Words = std::vector<uint64_t>;
using Floats = std::vector<float>;

constexpr size_t max_n = 1100;
constexpr uint64_t garbage = 0xA5A5'5A5A'C3C3'3C3Cull;  // what the bitmaps hold before the kernel runs
constexpr uint64_t key_a = 0x0123'4567'89ab'cdefull, key_b = 0xfedc'ba98'7654'3210ull;

// ---- the naive reference ---------------------------------------------------
uint32_t ref_lowbias32(uint32_t x) {
    x ^= x >> 16;
    x *= 0x7feb352du;
    x ^= x >> 15;
    x *= 0x846ca68bu;
    return x ^ (x >> 16);
}

// The 24-bit uniform of counter c.
uint32_t ref_uniform(uint64_t key, uint32_t c) {
    return ref_lowbias32(ref_lowbias32(uint32_t(c + key)) ^ uint32_t(key >> 32)) >> 8;
}

bool ref_voted(float x, float B, uint32_t u) {
    const float b = B / 16777216.0f;  // 2^24
    return !std::isnan(x) && float(u) * b < std::fabs(x);
}

bool bit(const Words& bits, size_t i) { return bits[i / 64] >> (i % 64) & 1; }

struct Bitmaps {
    Words voted, positive;
};

// Garbage bitmaps covering coordinates [0, first + n) and two words more.
Bitmaps garbage_bitmaps(size_t first, size_t n) {
    const size_t words = bitmap_words(first + n) + 2;
    return {Words(words, garbage), Words(words, ~garbage)};
}

Bitmaps ref_pack(const Floats& x, float B, uint64_t key, uint32_t counter, size_t first) {
    Bitmaps out = garbage_bitmaps(first, x.size());
    for (size_t j = 0; j < x.size(); ++j) {
        const bool voted = ref_voted(x[j], B, ref_uniform(key, uint32_t(counter + j)));
        const size_t i = first + j;
        const uint64_t b = uint64_t{1} << (i % 64);
        out.voted[i / 64] = voted ? out.voted[i / 64] | b : out.voted[i / 64] & ~b;
        out.positive[i / 64] = voted && !std::signbit(x[j]) ? out.positive[i / 64] | b : out.positive[i / 64] & ~b;
    }
    return out;
}

Bitmaps run_pack(Isa isa, const Floats& x, float B, uint64_t key, uint32_t counter, size_t first) {
    Bitmaps out = garbage_bitmaps(first, x.size());
    kernel_table(isa).magsparse_pack(x, B, key, counter, first, out.voted, out.positive);
    return out;
}

std::string first_mismatch(const Bitmaps& got, const Bitmaps& want) {
    for (size_t w = 0; w < got.voted.size(); ++w) {
        if (got.voted[w] == want.voted[w] && got.positive[w] == want.positive[w]) continue;
        char msg[160];
        std::snprintf(msg, sizeof msg, "word %zu: voted %016llx want %016llx, positive %016llx want %016llx", w,
                      (unsigned long long)got.voted[w], (unsigned long long)want.voted[w],
                      (unsigned long long)got.positive[w], (unsigned long long)want.positive[w]);
        return msg;
    }
    return "";
}

// Records the first failures of a sweep with their case, then stays quiet.
struct Failures {
    int count = 0;
    void check(const std::string& mismatch, const std::string& where) {
        if (!mismatch.empty() && ++count <= 5) ADD_FAILURE() << where << ": " << mismatch;
    }
};

std::string where(Isa isa, const char* input, size_t n, float B, size_t first) {
    return std::string(isa_name(isa)) + " input=" + input + " n=" + std::to_string(n) +
           " B=" + std::to_string(B) + " first=" + std::to_string(first);
}

// The scales of a sweep: typical, 0, denormal, below every |x| (all vote), inf.
const float scales[] = {1.0f, 0.0f, std::numeric_limits<float>::denorm_min() * 7, 1e-30f,
                        std::numeric_limits<float>::infinity()};

// The specification: the other tiers are held to its bits below.
TEST(MagsparsePackScalar, IsTheNaiveRule) {
    const Isa tier = Isa::scalar;
    Failures f;
    for (Input input : all_inputs)
        for (size_t n : {size_t(0), size_t(1), size_t(63), size_t(64), size_t(65), size_t(200), max_n})
            for (float B : scales)
                for (size_t first : {size_t(0), size_t(5), size_t(64), size_t(100)}) {
                    const Floats x = make_input(input, n);
                    f.check(first_mismatch(run_pack(tier, x, B, key_a, 77, first), ref_pack(x, B, key_a, 77, first)),
                            where(tier, input_name(input), n, B, first));
                }
}

TIER_TEST_SUITE(MagsparsePack);

TEST_P(MagsparsePack, EveryLengthAndOffsetMatchesScalar) {
    Failures f;
    for (Input input : all_inputs)
        for (size_t n = 0; n <= max_n; ++n)
            for (float B : {1.0f, 0.0f}) {
                const size_t first = (n * 7) % 64 + (n % 3) * 64;  // every offset in a word, a word or two in
                const uint32_t counter = uint32_t(0xffff'ff00u + n);  // wraps past 2^32 for some n
                const Floats x = make_input(input, n);
                f.check(first_mismatch(run_pack(tier, x, B, key_b, counter, first),
                                       run_pack(Isa::scalar, x, B, key_b, counter, first)),
                        where(tier, input_name(input), n, B, first));
            }
}

TEST_P(MagsparsePack, EdgeScalesMatchScalar) {
    Failures f;
    for (Input input : all_inputs)
        for (size_t n : {size_t(0), size_t(17), size_t(64), size_t(129), size_t(1000)})
            for (float B : scales)
                for (size_t first : {size_t(0), size_t(1), size_t(63)}) {
                    const Floats x = make_input(input, n);
                    f.check(first_mismatch(run_pack(tier, x, B, key_a, 5, first),
                                           run_pack(Isa::scalar, x, B, key_a, 5, first)),
                            where(tier, input_name(input), n, B, first));
                }
}

// What min(1, |x| / B) promises at its ends, whatever the draw: |x| >= B
// votes, 0 and NaN never, B = 0 lets every nonzero vote, B = inf none.
TEST_P(MagsparsePack, ProbabilityOneAndZeroAreExact) {
    const float inf = std::numeric_limits<float>::infinity(), nan = std::numeric_limits<float>::quiet_NaN();
    const Floats x = {0.5f, -0.5f, 0.75f, -3.0f, inf, -inf, 0.0f, -0.0f, nan, -nan, 0.4999999f, 1e-40f};
    const Bitmaps at_half = run_pack(tier, x, 0.5f, key_a, 0, 3);
    for (size_t j = 0; j < 6; ++j) {
        EXPECT_TRUE(bit(at_half.voted, 3 + j)) << j;
        EXPECT_EQ(bit(at_half.positive, 3 + j), x[j] > 0) << j;
    }
    for (size_t j = 6; j < 10; ++j) EXPECT_FALSE(bit(at_half.voted, 3 + j)) << j;
    const Bitmaps at_zero = run_pack(tier, x, 0.0f, key_a, 0, 0);
    for (size_t j = 0; j < x.size(); ++j) EXPECT_EQ(bit(at_zero.voted, j), x[j] != 0 && !std::isnan(x[j])) << j;
    const Bitmaps at_inf = run_pack(tier, x, inf, key_a, 0, 0);
    for (size_t j = 0; j < x.size(); ++j) EXPECT_FALSE(bit(at_inf.voted, j)) << j;
}

// Layers share bitmap words: packing a vector in two calls, split anywhere,
// with the counters continuing, gives the bits of one call.
TEST_P(MagsparsePack, SplitCallsGiveTheBitsOfOne) {
    const Floats x = make_input(Input::random, 700, 3);
    for (size_t first : {size_t(0), size_t(13)})
        for (size_t split = 0; split <= x.size(); split += 23) {
            Bitmaps two = garbage_bitmaps(first, x.size());
            const KernelTable& t = kernel_table(tier);
            t.magsparse_pack(std::span(x).first(split), 1.0f, key_b, 9, first, two.voted, two.positive);
            t.magsparse_pack(std::span(x).subspan(split), 1.0f, key_b, uint32_t(9 + split), first + split, two.voted,
                             two.positive);
            EXPECT_EQ(first_mismatch(two, run_pack(tier, x, 1.0f, key_b, 9, first)), "")
                << "first " << first << " split " << split;
        }
}

// The fraction of coordinates that vote is min(1, |x| / B) within 5 standard
// errors, at several |x| / B; two keys (ranks, steps) and neighbouring
// counters vote independently: both vote with probability p^2.
TEST_P(MagsparsePack, KeepProbabilityIsMagnitudeOverScale) {
    const size_t n = size_t(1) << 17;
    const float B = 0.25f;
    for (double p : {0.001, 0.01, 0.1, 0.3, 0.5, 0.9, 1.0, 1.7}) {
        Floats x(n);
        for (size_t j = 0; j < n; ++j) x[j] = float(j % 2 ? -p : p) * B;
        const Bitmaps a = run_pack(tier, x, B, key_a, 0, 0), b = run_pack(tier, x, B, key_b, 0, 0);
        size_t votes = 0, both_keys = 0, both_neighbours = 0;
        for (size_t j = 0; j < n; ++j) {
            votes += bit(a.voted, j);
            both_keys += bit(a.voted, j) && bit(b.voted, j);
            if (j % 2 == 0) both_neighbours += bit(a.voted, j) && bit(a.voted, j + 1);
            if (bit(a.voted, j)) {
                ASSERT_EQ(bit(a.positive, j), j % 2 == 0) << j;
            }
        }
        const double q = std::min(1.0, p), q2 = q * q;
        auto within = [](double count, double trials, double prob) {
            return std::fabs(count / trials - prob) <= 5 * std::sqrt(prob * (1 - prob) / trials) + 1e-12;
        };
        EXPECT_TRUE(within(double(votes), double(n), q)) << "p " << p << ": " << double(votes) / double(n);
        EXPECT_TRUE(within(double(both_keys), double(n), q2)) << "p " << p << ": " << double(both_keys) / double(n);
        EXPECT_TRUE(within(double(both_neighbours), double(n / 2), q2))
            << "p " << p << ": " << double(both_neighbours) / double(n / 2);
    }
}

}  // namespace
}  // namespace bitvote
