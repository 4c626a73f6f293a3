// indices_encode / indices_decode on every tier (one test instance each): round trips,
// streams byte-identical to scalar, size against the entropy bound and
// indices_encode_bound, and rejection of truncated, corrupt and oversized input.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <unordered_set>
#include <vector>

#include "indices_codec_format.h"
#include "kernels.h"
#include "tiers_under_test.h"

namespace bitvote::testing {
namespace {

// Named index sets of K out of d.
enum class Layout { random, starts_at_zero, ends_at_last, one_huge_gap, consecutive, all_at_end };
constexpr Layout all_layouts[] = {Layout::random,       Layout::starts_at_zero, Layout::ends_at_last,
                                  Layout::one_huge_gap, Layout::consecutive,    Layout::all_at_end};

const char* layout_name(Layout layout) {
    switch (layout) {
        case Layout::random: return "random";
        case Layout::starts_at_zero: return "starts_at_zero";
        case Layout::ends_at_last: return "ends_at_last";
        case Layout::one_huge_gap: return "one_huge_gap";
        case Layout::consecutive: return "consecutive";
        case Layout::all_at_end: return "all_at_end";
    }
    return "?";
}

struct IndexSet {
    std::vector<uint32_t> idx;   // sorted, unique, < d
    std::vector<uint64_t> signs; // bitmap_words(K) words; bits past K are garbage on purpose
};

// k distinct values of lo..hi-1, ascending (Floyd's sampling: O(k) draws).
void sample_sorted(uint64_t lo, uint64_t hi, uint64_t k, std::mt19937_64& rng, std::vector<uint32_t>* out) {
    std::unordered_set<uint64_t> picked;
    for (uint64_t j = hi - k; j < hi; ++j) {
        uint64_t t = lo + rng() % (j - lo + 1);
        picked.insert(picked.contains(t) ? j : t);
    }
    size_t first = out->size();
    out->insert(out->end(), picked.begin(), picked.end());
    std::sort(out->begin() + long(first), out->end());
}

IndexSet make_index_set(Layout layout, uint64_t d, uint64_t k, uint64_t seed = 1) {
    std::mt19937_64 rng(seed * 7919 + d * 31 + k);
    IndexSet s;
    if (k > 0) {
        switch (layout) {
            case Layout::random: sample_sorted(0, d, k, rng, &s.idx); break;
            case Layout::starts_at_zero:
                s.idx.push_back(0);
                sample_sorted(1, d, k - 1, rng, &s.idx);
                break;
            case Layout::ends_at_last:
                sample_sorted(0, d - 1, k - 1, rng, &s.idx);
                s.idx.push_back(uint32_t(d - 1));
                break;
            case Layout::one_huge_gap:  // half at the start, half at the end
                for (uint64_t j = 0; j < k / 2; ++j) s.idx.push_back(uint32_t(j));
                for (uint64_t j = k / 2; j < k; ++j) s.idx.push_back(uint32_t(d - k + j));
                break;
            case Layout::consecutive: {
                uint64_t first = rng() % (d - k + 1);
                for (uint64_t j = 0; j < k; ++j) s.idx.push_back(uint32_t(first + j));
                break;
            }
            case Layout::all_at_end:
                for (uint64_t j = 0; j < k; ++j) s.idx.push_back(uint32_t(d - k + j));
                break;
        }
    }
    s.signs.resize(bitmap_words(k));
    for (uint64_t& w : s.signs) w = rng();
    return s;
}

std::vector<uint8_t> encode(const KernelTable& t, const IndexSet& s, uint32_t d) {
    std::vector<uint8_t> out(indices_encode_bound(d, s.idx.size()));
    out.resize(t.indices_encode(s.idx, s.signs, d, out));
    return out;
}

struct Decoded {
    CodecStatus status;
    size_t k;
    std::vector<uint32_t> idx;
    std::vector<uint64_t> signs;
};

// Decodes a copy of exactly the stream's bytes (an overread is an ASan error).
Decoded decode(const KernelTable& t, std::vector<uint8_t> in, uint32_t d, size_t idx_capacity,
               size_t signs_capacity) {
    Decoded r{CodecStatus::ok, 12345, std::vector<uint32_t>(idx_capacity), std::vector<uint64_t>(signs_capacity)};
    r.status = t.indices_decode(in, d, r.idx, r.signs, &r.k);
    if (r.status == CodecStatus::ok) {
        r.idx.resize(r.k);
        r.signs.resize(bitmap_words(r.k));
    }
    return r;
}

Decoded decode(const KernelTable& t, const std::vector<uint8_t>& in, uint32_t d) {
    return decode(t, in, d, d, bitmap_words(d));
}

std::vector<uint64_t> signs_of(const IndexSet& s) {
    std::vector<uint64_t> signs = s.signs;
    if (s.idx.size() % 64) signs.back() &= (uint64_t{1} << (s.idx.size() % 64)) - 1;
    return signs;
}

// log2 C(d, k) + k: the bits any code of (index set, signs) needs on average.
double entropy_bits(double d, double k) {
    return (std::lgamma(d + 1) - std::lgamma(k + 1) - std::lgamma(d - k + 1)) / std::log(2.0) + k;
}

std::string tier_label(Isa isa) { return "tier " + std::string(isa_name(isa)); }

// Encodes s on the tier, checks the bytes against scalar and the bound and
// the round trip.
void check_round_trip(Isa isa, const IndexSet& s, uint32_t d) {
    SCOPED_TRACE(tier_label(isa));
    const KernelTable& t = kernel_table(isa);
    std::vector<uint8_t> expected = encode(kernel_table(Isa::scalar), s, d);
    EXPECT_LE(expected.size(), indices_encode_bound(d, s.idx.size()));
    EXPECT_EQ(encode(t, s, d), expected);
    Decoded r = decode(t, expected, d, s.idx.size(), bitmap_words(s.idx.size()));
    EXPECT_EQ(r.status, CodecStatus::ok) << codec_status_name(r.status);
    EXPECT_EQ(r.k, s.idx.size());
    EXPECT_EQ(r.idx, s.idx);
    EXPECT_EQ(r.signs, signs_of(s));
}

std::vector<uint64_t> ks_for(uint64_t d) {
    std::vector<uint64_t> ks = {0, 1, 2, 5, d / 2, d - 1, d};
    std::erase_if(ks, [d](uint64_t k) { return k > d; });
    std::sort(ks.begin(), ks.end());
    ks.erase(std::unique(ks.begin(), ks.end()), ks.end());
    return ks;
}

TIER_TEST_SUITE(IndicesCodec);
TIER_TEST_SUITE(IndicesCodecDeathTest);

TEST_P(IndicesCodec, RoundTripEveryLengthAndLayout) {
    for (uint32_t d = 0; d <= 1100; ++d)
        for (uint64_t k : ks_for(d))
            for (Layout layout : all_layouts) {
                SCOPED_TRACE("d=" + std::to_string(d) + " k=" + std::to_string(k) + " " + layout_name(layout));
                check_round_trip(tier, make_index_set(layout, d, k), d);
                if (HasFailure()) return;
            }
}

TEST_P(IndicesCodec, RoundTripLargestD) {
    const uint32_t d = UINT32_MAX;
    for (uint64_t k : {1, 2, 3, 1000})
        for (Layout layout : all_layouts) {
            SCOPED_TRACE("k=" + std::to_string(k) + " " + layout_name(layout));
            check_round_trip(tier, make_index_set(layout, d, k), d);
        }
}

// The index sets SizeWithinFivePercentOfEntropy measures (its streams are
// scalar's; this shows every tier writes and reads the same bytes).
TEST_P(IndicesCodec, RoundTripLargeK) {
    const uint32_t d = 1'000'000;
    for (uint64_t k : {1'000, 10'000, 100'000}) check_round_trip(tier, make_index_set(Layout::random, d, k), d);
}

TEST(IndicesCodec, SizeWithinFivePercentOfEntropy) {
    const uint32_t d = 1'000'000;
    for (uint64_t k : {1'000, 10'000, 100'000}) {
        std::vector<uint8_t> stream = encode(kernel_table(Isa::scalar), make_index_set(Layout::random, d, k), d);
        double bits = 8.0 * double(stream.size()), bound = entropy_bits(d, double(k));
        std::printf("  d=%u K=%lu: %.3f bits/index, entropy %.3f, ratio %.4f\n", d, k, bits / double(k),
                    bound / double(k), bits / bound);
        EXPECT_LE(bits, 1.05 * bound) << "K=" << k;
    }
}

TEST(IndicesCodec, BoundIsAttainedByAllAtEnd) {
    for (uint32_t d : {1u, 7u, 64u, 1000u, 65537u, 1u << 24})
        for (uint64_t k : ks_for(d)) {
            SCOPED_TRACE("d=" + std::to_string(d) + " k=" + std::to_string(k));
            EXPECT_EQ(encode(kernel_table(Isa::scalar), make_index_set(Layout::all_at_end, d, k), d).size(),
                      indices_encode_bound(d, k));
        }
}

// b = max(0, 1 + floor(log2(ln(phi - 1) / ln(1 - K/d)))), evaluated in
// double; the format's integer rule may differ by one only where the log2 is
// within 2% of an integer.
TEST(IndicesCodec, RiceParameterFollowsKielyRule) {
    const double phi = (1 + std::sqrt(5.0)) / 2;
    int checked = 0;
    for (uint64_t k : {1, 3, 100, 10'000})
        for (double ratio = 1.0; ratio < 1e6 && double(k) * ratio < 4e9; ratio *= 1.01) {
            uint64_t d = uint64_t(double(k) * ratio);
            double l = d == k ? 0 : std::log2(std::log(phi - 1) / std::log1p(-double(k) / double(d)));
            int kiely = d == k ? 0 : std::max(0, 1 + int(std::floor(l)));
            int b = int(indices_rice_parameter(d, k));
            if (b != kiely) {
                EXPECT_EQ(std::abs(b - kiely), 1) << "d=" << d << " k=" << k;
                EXPECT_LT(std::abs(l - std::round(l)), 0.02) << "d=" << d << " k=" << k;
            }
            ++checked;
        }
    EXPECT_GT(checked, 3000);
}

// Every proper prefix of a valid stream is `truncated`.
TEST_P(IndicesCodec, EveryTruncationIsTruncated) {
    struct Case { uint32_t d; uint64_t k; Layout layout; };
    for (Case c : {Case{1, 1, Layout::random}, Case{1000, 0, Layout::random}, Case{1000, 10, Layout::random},
                   Case{1000, 500, Layout::random}, Case{1000, 1000, Layout::random},
                   Case{1000, 3, Layout::one_huge_gap}, Case{20000, 200, Layout::random},
                   Case{100000, 1000, Layout::random},
                   Case{200000, 5, Layout::all_at_end}, Case{UINT32_MAX, 2, Layout::one_huge_gap}}) {
        SCOPED_TRACE("d=" + std::to_string(c.d) + " k=" + std::to_string(c.k) + " " + layout_name(c.layout));
        std::vector<uint8_t> stream = encode(kernel_table(Isa::scalar), make_index_set(c.layout, c.d, c.k), c.d);
        for (size_t n = 0; n < stream.size(); ++n) {
            Decoded r = decode(kernel_table(tier), {stream.begin(), stream.begin() + long(n)}, c.d, c.k,
                               bitmap_words(c.k));
            ASSERT_EQ(r.status, CodecStatus::truncated)
                << tier_label(tier) << " prefix " << n << ": " << codec_status_name(r.status);
            ASSERT_EQ(r.k, 0u);
        }
    }
}

// Random byte and bit damage: the tier gives scalar's status and output; an
// accepted stream holds a valid index set and re-encodes to the same bytes.
TEST_P(IndicesCodec, CorruptionIsRejectedOrCanonical) {
    const KernelTable& t = kernel_table(tier);
    std::mt19937_64 rng(7);
    int accepted = 0, rejected = 0;
    for (int trial = 0; trial < 20000; ++trial) {
        uint32_t d = uint32_t(1 + rng() % 3000);
        uint64_t k = rng() % 4 == 0 ? rng() % (d + 1) : rng() % (d / 8 + 1);
        std::vector<uint8_t> stream =
            encode(kernel_table(Isa::scalar), make_index_set(Layout::random, d, k, uint64_t(trial)), d);
        for (int damage = 1 + int(rng() % 3); damage > 0; --damage) {
            size_t at = rng() % stream.size();
            switch (rng() % 4) {
                case 0: stream[at] = uint8_t(rng()); break;
                case 1: stream[at] ^= uint8_t(1u << (rng() % 8)); break;
                case 2: stream.insert(stream.begin() + long(at), uint8_t(rng())); break;
                case 3:
                    stream.erase(stream.begin() + long(at));
                    if (stream.empty()) stream.push_back(0);
                    break;
            }
        }
        Decoded r = decode(t, stream, d);
        if (tier != Isa::scalar) {
            Decoded scalar = decode(kernel_table(Isa::scalar), stream, d);
            ASSERT_EQ(r.status, scalar.status) << tier_label(tier) << " trial " << trial;
            if (r.status == CodecStatus::ok) {
                ASSERT_EQ(r.idx, scalar.idx) << tier_label(tier) << " trial " << trial;
                ASSERT_EQ(r.signs, scalar.signs) << tier_label(tier) << " trial " << trial;
            }
        }
        if (r.status != CodecStatus::ok) {
            ++rejected;
            continue;
        }
        ++accepted;
        ASSERT_TRUE(std::adjacent_find(r.idx.begin(), r.idx.end(), std::greater_equal<>()) == r.idx.end());
        ASSERT_TRUE(r.idx.empty() || r.idx.back() < d);
        ASSERT_EQ(encode(t, {r.idx, r.signs}, d), stream) << tier_label(tier) << " trial " << trial;
    }
    EXPECT_GT(rejected, 10000);  // most damage is caught
    std::printf("  %s: %d damaged streams rejected, %d accepted as other valid streams\n", tier_label(tier).c_str(),
                rejected, accepted);
}

TEST_P(IndicesCodec, ShortOutputIsTooMany) {
    const uint32_t d = 5000;
    const KernelTable& t = kernel_table(tier);
    for (uint64_t k : {1, 64, 65, 300}) {
        IndexSet s = make_index_set(Layout::random, d, k);
        std::vector<uint8_t> stream = encode(kernel_table(Isa::scalar), s, d);
        SCOPED_TRACE(tier_label(tier) + " k=" + std::to_string(k));
        EXPECT_EQ(decode(t, stream, d, k - 1, bitmap_words(k)).status, CodecStatus::too_many);
        EXPECT_EQ(decode(t, stream, d, k, bitmap_words(k) - 1).status, CodecStatus::too_many);
        EXPECT_EQ(decode(t, stream, d, k, bitmap_words(k)).status, CodecStatus::ok);
    }
}

TEST_P(IndicesCodec, MalformedStreamsAreRejected) {
    const uint32_t d = 1000;
    const uint8_t b1 = uint8_t(indices_rice_parameter(d, 1));  // 9
    struct Case { const char* what; std::vector<uint8_t> bytes; CodecStatus status; };
    const Case cases[] = {
        {"empty", {}, CodecStatus::truncated},
        {"varint cut", {0x80}, CodecStatus::truncated},
        {"no b", {0x01}, CodecStatus::truncated},
        {"varint 6 bytes", {0x80, 0x80, 0x80, 0x80, 0x80, 0x00, 0x00}, CodecStatus::corrupt},
        {"varint over 32 bits", {0xff, 0xff, 0xff, 0xff, 0x1f, 0x00}, CodecStatus::corrupt},
        {"varint not minimal", {0x81, 0x00, b1, 0x00, 0x80}, CodecStatus::corrupt},
        {"K > d", {0xe9, 0x07, 0x00}, CodecStatus::corrupt},  // K = 1001
        {"wrong b", {0x01, uint8_t(b1 + 1), 0x00, 0x80}, CodecStatus::corrupt},
        {"b far out of range", {0x01, 0xff, 0x00, 0x80}, CodecStatus::corrupt},
        {"valid: idx 0", {0x01, b1, 0x00, 0x04}, CodecStatus::ok},  // r = 0, sign 0, q = 0
        {"trailing byte", {0x01, b1, 0x00, 0x04, 0x00}, CodecStatus::corrupt},
        {"padding not zero", {0x01, b1, 0x00, 0x0c}, CodecStatus::corrupt},
        {"no unary one", {0x01, b1, 0x00, 0x00}, CodecStatus::truncated},
        {"quotients past d", {0x01, b1, 0x00, 0x80}, CodecStatus::out_of_range},  // q = 5: 5 * 512 >= d
        {"last index = d", {0x01, b1, 0xe8, 0x09}, CodecStatus::out_of_range},  // r = 488, q = 1: 1000
    };
    for (const Case& c : cases) {
        Decoded r = decode(kernel_table(tier), c.bytes, d, 2, 1);
        EXPECT_EQ(r.status, c.status) << tier_label(tier) << " " << c.what << ": " << codec_status_name(r.status);
    }
}

// A stream whose last index is d - 1, decoded with d - 1 (same b): out_of_range.
TEST_P(IndicesCodec, IndexAtDIsOutOfRange) {
    int checked = 0;
    for (uint32_t d = 2; d <= 1100; ++d)
        for (uint64_t k : {1, 2, 5, 50}) {
            if (k >= d || indices_rice_parameter(d, k) != indices_rice_parameter(d - 1, k)) continue;
            std::vector<uint8_t> stream =
                encode(kernel_table(Isa::scalar), make_index_set(Layout::ends_at_last, d, k), d);
            ASSERT_EQ(decode(kernel_table(tier), stream, d - 1).status, CodecStatus::out_of_range)
                << tier_label(tier) << " d=" << d << " k=" << k;
            ++checked;
        }
    EXPECT_GT(checked, 3000);
}

// The encoder's preconditions (sorted, unique, below d; room for the bound)
// are checked on every tier.
TEST_P(IndicesCodecDeathTest, UnsortedInputIsFatal) {
    ::testing::FLAGS_gtest_death_test_style = "threadsafe";
    const uint32_t d = 1000;
    std::vector<uint32_t> long_duplicate(100), long_too_big(100);
    for (uint32_t j = 0; j < 100; ++j) long_duplicate[j] = long_too_big[j] = 10 * j;
    long_duplicate[50] = long_duplicate[49];  // inside a vector of 8 or 16
    long_too_big[99] = d;
    const std::vector<uint64_t> signs(2);
    const KernelTable& t = kernel_table(tier);
    for (const std::vector<uint32_t>& idx : {std::vector<uint32_t>{1, 5, 5, 9}, std::vector<uint32_t>{7, 3},
                                             std::vector<uint32_t>{2, 4, 1000}, long_duplicate, long_too_big})
        EXPECT_DEATH(encode(t, {idx, signs}, d), "indices_encode: idx") << tier_label(tier);
    std::vector<uint8_t> short_out(indices_encode_bound(d, 3) - 1);
    EXPECT_DEATH(t.indices_encode(std::vector<uint32_t>{1, 2, 3}, signs, d, short_out), "indices_encode: out shorter")
        << tier_label(tier);
}

}  // namespace
}  // namespace bitvote::testing
