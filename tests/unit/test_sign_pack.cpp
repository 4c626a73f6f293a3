// Sign and ternary bitmaps on every tier (one test instance each): against a naive
// per-coordinate reference written here (from signbit / isnan, not from the
// comparisons the kernels use) and bit for bit against scalar, for every length
// 0..1100, every named adversarial input, and unaligned spans. Floats are
// compared by their bits, so NaN payloads and -0 are checked too.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <limits>
#include <random>
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
constexpr uint64_t garbage = 0xA5A5'5A5A'C3C3'3C3Cull;  // what output words hold before a kernel runs
constexpr size_t guard_words = 2, guard_floats = 16;    // past the span: must stay untouched

// ---- the naive reference ---------------------------------------------------
bool ref_plus(float x) { return std::isnan(x) || x == 0.0f || !std::signbit(x); }
bool ref_voted(float x) { return !std::isnan(x) && x != 0.0f; }
bool ref_positive(float x) { return ref_voted(x) && !std::signbit(x); }

template <class Pred>
Words ref_bitmap(const Floats& x, Pred pred) {
    Words bits(bitmap_words(x.size()), 0);
    for (size_t i = 0; i < x.size(); ++i)
        if (pred(x[i])) bits[i / 64] |= uint64_t{1} << (i % 64);
    return bits;
}

bool bit(const Words& bits, size_t i) { return bits[i / 64] >> (i % 64) & 1; }

Floats ref_sign_apply(Floats w, const Words& bits, float lr) {
    for (size_t i = 0; i < w.size(); ++i) w[i] = w[i] - (bit(bits, i) ? lr : -lr);
    return w;
}

Floats ref_ternary_apply(Floats w, const Words& voted, const Words& positive, float lr) {
    for (size_t i = 0; i < w.size(); ++i)
        if (bit(voted, i)) w[i] = w[i] - (bit(positive, i) ? lr : -lr);
    return w;
}

// ---- running a tier on guarded, optionally misaligned buffers ---------------
// A float buffer whose span starts `offset` floats past a 64-byte boundary,
// followed by guard_floats sentinels.
struct FloatBuffer {
    static constexpr uint32_t sentinel = 0x7FC0'BEEF;  // a NaN with a payload
    Floats storage;
    float* data;
    size_t n;

    FloatBuffer(const Floats& values, size_t offset)
        : storage(values.size() + offset + guard_floats + 16), n(values.size()) {
        uintptr_t misalign = reinterpret_cast<uintptr_t>(storage.data()) % 64;
        data = storage.data() + (misalign ? (64 - misalign) / sizeof(float) : 0) + offset;
        std::copy(values.begin(), values.end(), data);
        for (size_t i = 0; i < guard_floats; ++i) data[n + i] = std::bit_cast<float>(sentinel);
    }
    std::span<float> span() { return {data, n}; }
    Floats values() const { return Floats(data, data + n); }
    bool guard_intact() const {
        for (size_t i = 0; i < guard_floats; ++i)
            if (std::bit_cast<uint32_t>(data[n + i]) != sentinel) return false;
        return true;
    }
};

// bitmap_words(n) output words followed by guard words, all preset to garbage.
struct WordBuffer {
    Words storage;
    size_t words;
    explicit WordBuffer(size_t n) : storage(bitmap_words(n) + guard_words, garbage), words(bitmap_words(n)) {}
    std::span<uint64_t> span() { return {storage.data(), words}; }
    Words values() const { return Words(storage.begin(), storage.begin() + long(words)); }
    bool guard_intact() const {
        for (size_t i = words; i < storage.size(); ++i)
            if (storage[i] != garbage) return false;
        return true;
    }
};

// ---- comparing -------------------------------------------------------------
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

std::string first_mismatch(const Floats& got, const Floats& want) {
    if (got.size() != want.size()) return "size " + std::to_string(got.size()) + " != " + std::to_string(want.size());
    for (size_t i = 0; i < got.size(); ++i) {
        uint32_t g = std::bit_cast<uint32_t>(got[i]), w = std::bit_cast<uint32_t>(want[i]);
        if (g != w) {
            char msg[128];
            std::snprintf(msg, sizeof msg, "element %zu: got %08x (%g) want %08x (%g)", i, g, double(got[i]), w,
                          double(want[i]));
            return msg;
        }
    }
    return "";
}

std::string where(Isa isa, const char* input, size_t n, size_t offset = 0) {
    return std::string(isa_name(isa)) + " input=" + input + " n=" + std::to_string(n) +
           (offset ? " offset=" + std::to_string(offset) : "");
}

// Records the first failures of a sweep with their case, then stays quiet:
// a broken kernel reports where it broke, not thousands of lines.
struct Failures {
    int count = 0;
    void check(const std::string& mismatch, const std::string& what, const std::string& where) {
        if (mismatch.empty()) return;
        if (++count <= 5) ADD_FAILURE() << what << " (" << where << "): " << mismatch;
    }
    void check(bool ok, const std::string& what, const std::string& where) {
        check(std::string(ok ? "" : "overwritten"), what, where);
    }
};

// Random bitmap words for n coordinates, bits past n set at random too (the
// kernels must ignore them), plus one spare word (bits may be longer).
Words random_bitmap(size_t n, uint64_t seed) {
    std::mt19937_64 rng(seed * 7919 + n);
    Words bits(bitmap_words(n) + 1);
    for (uint64_t& b : bits) b = rng();
    return bits;
}

// ---- the four kernels, through one tier's table -------------------------------
// Each returns the outputs and checks that nothing past the spans was written.
struct Packed {
    Words bits;
    bool guards_intact;
};

Packed run_sign_pack(Isa isa, const Floats& x, size_t offset) {
    FloatBuffer in(x, offset);
    WordBuffer out(x.size());
    kernel_table(isa).sign_pack(std::span<const float>(in.span()), out.span());
    return {out.values(), out.guard_intact() && in.guard_intact()};
}

struct TernaryPacked {
    Words voted, positive;
    bool guards_intact;
};

TernaryPacked run_ternary_pack(Isa isa, const Floats& x, size_t offset) {
    FloatBuffer in(x, offset);
    WordBuffer voted(x.size()), positive(x.size());
    kernel_table(isa).ternary_pack(std::span<const float>(in.span()), voted.span(), positive.span());
    return {voted.values(), positive.values(), voted.guard_intact() && positive.guard_intact() && in.guard_intact()};
}

struct Applied {
    Floats w;
    bool guards_intact;
};

Applied run_sign_apply(Isa isa, const Floats& w, const Words& bits, float lr, size_t offset) {
    FloatBuffer buf(w, offset);
    kernel_table(isa).sign_unpack_apply(bits, lr, buf.span());
    return {buf.values(), buf.guard_intact()};
}

Applied run_ternary_apply(Isa isa, const Floats& w, const Words& voted, const Words& positive, float lr,
                          size_t offset) {
    FloatBuffer buf(w, offset);
    kernel_table(isa).ternary_unpack_apply(voted, positive, lr, buf.span());
    return {buf.values(), buf.guard_intact()};
}

// ---- sweeps: input x length, on the tier under test -----------------------------
// Calls body(input, n, offset) for every named input and length 0..1100 at
// offset 0, and for lengths 0..300 at offsets 1..15 floats from an aligned base.
template <class Body>
void for_each_case(Body body) {
    for (Input input : all_inputs) {
        for (size_t n = 0; n <= max_n; ++n) body(input, n, size_t{0});
        for (size_t offset = 1; offset < 16; ++offset)
            for (size_t n = 0; n <= 300; n += 7) body(input, n, offset);
    }
}

const float learning_rates[] = {0.01f, 3.0f, std::numeric_limits<float>::denorm_min(),
                                std::numeric_limits<float>::infinity()};

TIER_TEST_SUITE(SignPack);
TIER_TEST_SUITE(SignUnpackApply);
TIER_TEST_SUITE(TernaryPack);
TIER_TEST_SUITE(TernaryUnpackApply);

TEST_P(SignPack, MatchesReferenceAndScalarAtEveryLengthAndInput) {
    Failures failures;
    for_each_case([&](Input input, size_t n, size_t offset) {
        Floats x = make_input(input, n);
        Words want = ref_bitmap(x, ref_plus);
        Words scalar = run_sign_pack(Isa::scalar, x, offset).bits;
        Packed got = run_sign_pack(tier, x, offset);
        std::string at = where(tier, input_name(input), n, offset);
        failures.check(first_mismatch(got.bits, want), "sign_pack vs reference", at);
        failures.check(first_mismatch(got.bits, scalar), "sign_pack vs scalar", at);
        failures.check(got.guards_intact, "sign_pack guards past the spans", at);
    });
    EXPECT_EQ(failures.count, 0);
}

// All-positive input: every valid bit is 1, so a stray bit past n would show.
TEST_P(SignPack, TailBitsAreZero) {
    for (size_t n = 1; n <= 200; ++n) {
        Words bits = run_sign_pack(tier, Floats(n, 1.0f), 0).bits;
        uint64_t valid = n % 64 ? (uint64_t{1} << (n % 64)) - 1 : ~uint64_t{0};
        ASSERT_EQ(bits.back(), valid) << where(tier, "ones", n);
    }
}

// n = 100 covers a full word and a partial one (the SIMD tiers' tail path).
constexpr size_t lanes_n = 100;

// x = `fill` except x[lane] = value.
Floats one_value_at(size_t lane, float value, float fill) {
    Floats x(lanes_n, fill);
    x[lane] = value;
    return x;
}

// The bitmap of lanes_n coordinates with only `lane` set, or all but `lane`.
Words only_lane(size_t lane, bool set) {
    Words bits(bitmap_words(lanes_n), 0);
    for (size_t i = 0; i < lanes_n; ++i)
        if ((i == lane) == set) bits[i / 64] |= uint64_t{1} << (i % 64);
    return bits;
}

// `value` at every lane, among values that pack the other way, so a kernel
// that ignored the value could not pass.
void expect_packs_as(Isa isa, float value, bool plus, const char* name) {
    for (size_t lane = 0; lane < lanes_n; ++lane) {
        Words bits = run_sign_pack(isa, one_value_at(lane, value, plus ? -1.0f : 1.0f), 0).bits;
        ASSERT_EQ(first_mismatch(bits, only_lane(lane, plus)), "")
            << name << " at lane " << lane << " on " << isa_name(isa);
    }
}

TEST_P(SignPack, PositiveZeroPacksAsPlus) { expect_packs_as(tier, 0.0f, true, "+0"); }
TEST_P(SignPack, NegativeZeroPacksAsPlus) { expect_packs_as(tier, -0.0f, true, "-0"); }
TEST_P(SignPack, NanPacksAsPlus) { expect_packs_as(tier, std::numeric_limits<float>::quiet_NaN(), true, "+NaN"); }
TEST_P(SignPack, NegativeNanPacksAsPlus) {
    expect_packs_as(tier, -std::numeric_limits<float>::quiet_NaN(), true, "-NaN");
}
TEST_P(SignPack, NegativeDenormalPacksAsMinus) {
    expect_packs_as(tier, -std::numeric_limits<float>::denorm_min(), false, "-denorm");
}
TEST_P(SignPack, NegativeInfinityPacksAsMinus) {
    expect_packs_as(tier, -std::numeric_limits<float>::infinity(), false, "-inf");
}
TEST_P(SignPack, PositiveInfinityPacksAsPlus) {
    expect_packs_as(tier, std::numeric_limits<float>::infinity(), true, "+inf");
}

TEST_P(SignUnpackApply, MatchesReferenceAndScalarAtEveryLengthAndInput) {
    Failures failures;
    for_each_case([&](Input input, size_t n, size_t offset) {
        Floats w = make_input(input, n);
        Words bits = random_bitmap(n, 1);
        for (float lr : learning_rates) {
            Floats want = ref_sign_apply(w, bits, lr);
            Floats scalar = run_sign_apply(Isa::scalar, w, bits, lr, offset).w;
            Applied got = run_sign_apply(tier, w, bits, lr, offset);
            std::string at = where(tier, input_name(input), n, offset) + " lr=" + std::to_string(lr);
            failures.check(first_mismatch(got.w, want), "sign_unpack_apply vs reference", at);
            failures.check(first_mismatch(got.w, scalar), "sign_unpack_apply vs scalar", at);
            failures.check(got.guards_intact, "sign_unpack_apply guard past w", at);
        }
    });
    EXPECT_EQ(failures.count, 0);
}

TEST_P(SignUnpackApply, SetBitSubtractsLrClearBitAddsLr) {
    size_t n = 130;
    Words bits = {0x5555'5555'5555'5555ull, 0xFFFF'FFFF'0000'0000ull, 0x3ull};
    Floats w = run_sign_apply(tier, Floats(n, 1.0f), bits, 0.25f, 0).w;
    for (size_t i = 0; i < n; ++i) ASSERT_EQ(w[i], bit(bits, i) ? 0.75f : 1.25f) << isa_name(tier) << " i=" << i;
}

TEST_P(TernaryPack, MatchesReferenceAndScalarAtEveryLengthAndInput) {
    Failures failures;
    for_each_case([&](Input input, size_t n, size_t offset) {
        Floats x = make_input(input, n);
        Words want_voted = ref_bitmap(x, ref_voted), want_positive = ref_bitmap(x, ref_positive);
        TernaryPacked scalar = run_ternary_pack(Isa::scalar, x, offset);
        TernaryPacked got = run_ternary_pack(tier, x, offset);
        std::string at = where(tier, input_name(input), n, offset);
        failures.check(first_mismatch(got.voted, want_voted), "ternary_pack voted vs reference", at);
        failures.check(first_mismatch(got.positive, want_positive), "ternary_pack positive vs reference", at);
        failures.check(first_mismatch(got.voted, scalar.voted), "ternary_pack voted vs scalar", at);
        failures.check(first_mismatch(got.positive, scalar.positive), "ternary_pack positive vs scalar", at);
        failures.check(got.guards_intact, "ternary_pack guards past the spans", at);
    });
    EXPECT_EQ(failures.count, 0);
}

TEST_P(TernaryPack, TailBitsAreZero) {
    for (size_t n = 1; n <= 200; ++n) {
        TernaryPacked got = run_ternary_pack(tier, Floats(n, 1.0f), 0);
        uint64_t valid = n % 64 ? (uint64_t{1} << (n % 64)) - 1 : ~uint64_t{0};
        ASSERT_EQ(got.voted.back(), valid) << where(tier, "ones", n);
        ASSERT_EQ(got.positive.back(), valid) << where(tier, "ones", n);
    }
}

// `value` at every lane, among values that vote (+1) where it does not and
// that do not vote (0) where it does, so a kernel that ignored it could not pass.
void expect_ternary(Isa isa, float value, bool voted, bool positive, const char* name) {
    for (size_t lane = 0; lane < lanes_n; ++lane) {
        TernaryPacked got = run_ternary_pack(isa, one_value_at(lane, value, voted ? 0.0f : 1.0f), 0);
        Words want_voted = only_lane(lane, voted);
        Words want_positive =
            voted ? (positive ? only_lane(lane, true) : Words(bitmap_words(lanes_n), 0)) : only_lane(lane, false);
        ASSERT_EQ(first_mismatch(got.voted, want_voted), "")
            << name << " voted, lane " << lane << " " << isa_name(isa);
        ASSERT_EQ(first_mismatch(got.positive, want_positive), "")
            << name << " positive, lane " << lane << " " << isa_name(isa);
    }
}

TEST_P(TernaryPack, PositiveZeroDoesNotVote) { expect_ternary(tier, 0.0f, false, false, "+0"); }
TEST_P(TernaryPack, NegativeZeroDoesNotVote) { expect_ternary(tier, -0.0f, false, false, "-0"); }
TEST_P(TernaryPack, NanDoesNotVote) {
    expect_ternary(tier, std::numeric_limits<float>::quiet_NaN(), false, false, "+NaN");
}
TEST_P(TernaryPack, NegativeNanDoesNotVote) {
    expect_ternary(tier, -std::numeric_limits<float>::quiet_NaN(), false, false, "-NaN");
}
TEST_P(TernaryPack, PositiveDenormalVotesPlus) {
    expect_ternary(tier, std::numeric_limits<float>::denorm_min(), true, true, "+denorm");
}
TEST_P(TernaryPack, NegativeDenormalVotesMinus) {
    expect_ternary(tier, -std::numeric_limits<float>::denorm_min(), true, false, "-denorm");
}
TEST_P(TernaryPack, InfinitiesVoteBySign) {
    expect_ternary(tier, std::numeric_limits<float>::infinity(), true, true, "+inf");
    expect_ternary(tier, -std::numeric_limits<float>::infinity(), true, false, "-inf");
}

// positive is random and independent of voted here (not a subset): where not
// voted it must be ignored.
TEST_P(TernaryUnpackApply, MatchesReferenceAndScalarAtEveryLengthAndInput) {
    Failures failures;
    for_each_case([&](Input input, size_t n, size_t offset) {
        Floats w = make_input(input, n);
        Words voted = random_bitmap(n, 2), positive = random_bitmap(n, 3);
        for (float lr : learning_rates) {
            Floats want = ref_ternary_apply(w, voted, positive, lr);
            Floats scalar = run_ternary_apply(Isa::scalar, w, voted, positive, lr, offset).w;
            Applied got = run_ternary_apply(tier, w, voted, positive, lr, offset);
            std::string at = where(tier, input_name(input), n, offset) + " lr=" + std::to_string(lr);
            failures.check(first_mismatch(got.w, want), "ternary_unpack_apply vs reference", at);
            failures.check(first_mismatch(got.w, scalar), "ternary_unpack_apply vs scalar", at);
            failures.check(got.guards_intact, "ternary_unpack_apply guard past w", at);
        }
    });
    EXPECT_EQ(failures.count, 0);
}

// Weights that are not voted keep their exact bits, even signalling and
// payload-carrying NaNs and -0 (w - 0 would quiet the NaN and turn -0 into +0).
TEST_P(TernaryUnpackApply, UnvotedWeightsKeepTheirBitsEvenNanPayloads) {
    const uint32_t patterns[] = {0x7F80'0001, 0xFF80'1234, 0x7FC1'2345, 0x8000'0000, 0x0000'0001, 0x3F80'0000};
    size_t n = 200;
    Floats w(n);
    for (size_t i = 0; i < n; ++i) w[i] = std::bit_cast<float>(patterns[i % std::size(patterns)]);
    Words none(bitmap_words(n), 0), all(bitmap_words(n), ~uint64_t{0});
    EXPECT_EQ(first_mismatch(run_ternary_apply(tier, w, none, all, 0.5f, 0).w, w), "") << isa_name(tier);
    Floats stepped = run_ternary_apply(tier, w, all, all, 0.5f, 0).w;
    EXPECT_EQ(stepped[5], 0.5f) << isa_name(tier) << ": voted weights must move";  // 1.0 - 0.5
}

TEST_P(TernaryUnpackApply, VotedPlusSubtractsLrVotedMinusAddsLr) {
    size_t n = 130;
    Words voted = {0x0F0F'0F0F'0F0F'0F0Full, 0xFFFF'0000'FFFF'0000ull, 0x1ull};
    Words positive = {0x3333'3333'3333'3333ull, 0xFF00'FF00'FF00'FF00ull, 0x3ull};
    Floats w = run_ternary_apply(tier, Floats(n, 1.0f), voted, positive, 0.25f, 0).w;
    for (size_t i = 0; i < n; ++i) {
        float want = !bit(voted, i) ? 1.0f : bit(positive, i) ? 0.75f : 1.25f;
        ASSERT_EQ(w[i], want) << isa_name(tier) << " i=" << i;
    }
}

}  // namespace
}  // namespace bitvote
