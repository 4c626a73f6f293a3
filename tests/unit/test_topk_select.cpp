// topk_select on every tier (one test instance each): against a naive
// reference (a stable sort of all indices by magnitude) and, for the SIMD
// tiers, against scalar bit for bit, over
// every length 0..1100 with the named adversarial inputs, then large inputs
// that go through the sampled threshold, including ones that mislead the sample.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <string>
#include <vector>

#include "tiers_under_test.h"

namespace bitvote::testing {
namespace {

uint32_t magnitude_key(float v) { return std::bit_cast<uint32_t>(v) & 0x7fffffff; }
bool is_nan_key(uint32_t key) { return key > 0x7f800000; }

// Every non-NaN index, best first: larger |x| first, equal |x| (±0 included)
// in index order.
std::vector<uint32_t> rank_indices(const std::vector<float>& x) {
    std::vector<uint32_t> ranked;
    for (size_t i = 0; i < x.size(); ++i)
        if (!is_nan_key(magnitude_key(x[i]))) ranked.push_back(uint32_t(i));
    std::stable_sort(ranked.begin(), ranked.end(),
                     [&](uint32_t a, uint32_t b) { return magnitude_key(x[a]) > magnitude_key(x[b]); });
    return ranked;
}

// The expected answer: the first min(k, #non-NaN) ranked indices, ascending.
std::vector<uint32_t> reference_topk(const std::vector<uint32_t>& ranked, size_t k) {
    std::vector<uint32_t> top(ranked.begin(), ranked.begin() + long(std::min(k, ranked.size())));
    std::sort(top.begin(), top.end());
    return top;
}

// Runs one tier; out has room for exactly k, and guard words after it must
// stay untouched.
std::vector<uint32_t> run_topk(Isa isa, const std::vector<float>& x, size_t k, std::string* error) {
    constexpr uint32_t guard = 0xdeadbeef;
    constexpr size_t guard_words = 16;
    std::vector<uint32_t> out(k + guard_words, guard);
    size_t written = kernel_table(isa).topk_select(x, k, std::span<uint32_t>(out.data(), k));
    if (written > k) *error = "returned " + std::to_string(written) + " > k";
    for (size_t j = k; j < out.size(); ++j)
        if (out[j] != guard) *error = "wrote past out[k - 1]";
    out.resize(std::min(written, k));
    return out;
}

// "" when equal, else the first difference.
std::string first_difference(const std::vector<uint32_t>& got, const std::vector<uint32_t>& want) {
    if (got.size() != want.size())
        return "wrote " + std::to_string(got.size()) + " indices, expected " + std::to_string(want.size());
    for (size_t j = 0; j < got.size(); ++j)
        if (got[j] != want[j])
            return "out[" + std::to_string(j) + "] = " + std::to_string(got[j]) + ", expected " +
                   std::to_string(want[j]);
    return "";
}

// Collects failures (the first few in full) so a sweep of 100k cases makes
// one assertion, whose message names tier, input, n and k.
struct Failures {
    size_t count = 0;
    std::string first;
    void add(Isa isa, const std::string& input, size_t n, size_t k, const std::string& what) {
        if (count++ < 8)
            first += std::string(isa_name(isa)) + " " + input + " n=" + std::to_string(n) + " k=" + std::to_string(k) +
                     ": " + what + "\n";
    }
};

// Checks one tier at every k on one input: against the reference and, for
// a SIMD tier, against scalar.
void check_input(Isa isa, const std::vector<float>& x, const std::string& input, const std::vector<size_t>& ks,
                 Failures* failures) {
    std::vector<uint32_t> ranked = rank_indices(x);
    for (size_t k : ks) {
        std::vector<uint32_t> want = reference_topk(ranked, k);
        std::string error;
        std::vector<uint32_t> got = run_topk(isa, x, k, &error);
        if (error.empty()) error = first_difference(got, want);
        if (error.empty() && isa != Isa::scalar) {
            std::string scalar_error;  // reported by the scalar instance
            error = first_difference(got, run_topk(Isa::scalar, x, k, &scalar_error));
        }
        if (!error.empty()) failures->add(isa, input, x.size(), k, error);
    }
}

// {0, 1, 2, n/100 + 1, n/2, n - 1, n, n + 1} within 0..n+1, without repeats;
// n + 1 checks that k past n clamps.
std::vector<size_t> small_ks(size_t n) {
    std::vector<size_t> ks = {0, 1, 2, n / 100 + 1, n / 2, n == 0 ? 0 : n - 1, n, n + 1};
    for (size_t& k : ks) k = std::min(k, n + 1);
    std::sort(ks.begin(), ks.end());
    ks.erase(std::unique(ks.begin(), ks.end()), ks.end());
    return ks;
}

// 0.1%, 1% and 10% of n, and the extremes.
std::vector<size_t> large_ks(size_t n) { return {1, n / 1000, n / 100, n / 10, n / 2, n}; }

TIER_TEST_SUITE(TopkSelect);

TEST_P(TopkSelect, MatchesReferenceAtEveryLengthAndInput) {
    Failures failures;
    for (size_t n = 0; n <= 1100; ++n)
        for (Input kind : all_inputs) check_input(tier, make_input(kind, n), input_name(kind), small_ks(n), &failures);
    EXPECT_EQ(failures.count, 0u) << failures.first;
}

TEST_P(TopkSelect, AllNanSelectsNothing) {
    Failures failures;
    for (size_t n : {1, 17, 1000, 40000})
        check_input(tier, std::vector<float>(n, std::nanf("")), "all_nan", {0, 1, n}, &failures);
    EXPECT_EQ(failures.count, 0u) << failures.first;
}

// NaNs of every kind (the smallest payload sits right above inf's bits, signs
// both ways) next to ±inf and the largest finite magnitude.
TEST_P(TopkSelect, NoNanPayloadIsSelected) {
    const uint32_t specials[] = {0x7f800001, 0xff800001, 0x7fc00000, 0xffc00000, 0x7fffffff,
                                 0xffffffff, 0x7f800000, 0xff800000, 0x7f7fffff, 0xff7fffff};
    Failures failures;
    for (size_t n : {1, 2, 63, 64, 65, 200, 1000, 100'000}) {
        std::vector<float> x = make_input(Input::random, n, 3);
        for (size_t i = 0; i < n; i += 3) x[i] = std::bit_cast<float>(specials[(i / 3) % std::size(specials)]);
        check_input(tier, x, "nan_payloads", small_ks(n), &failures);
    }
    EXPECT_EQ(failures.count, 0u) << failures.first;
}

// Longer inputs: from 5000 on, the exact select histograms the survivors;
// from 100k on, the threshold comes from a sample.
TEST_P(TopkSelect, LargeInputsMatchReference) {
    Failures failures;
    for (size_t n : {5'000, 20'000, 100'000, 1'000'003})
        for (Input kind : {Input::random, Input::many_ties, Input::nan_mixed, Input::infinities, Input::denormals})
            check_input(tier, make_input(kind, n, 7), input_name(kind), large_ks(n), &failures);
    size_t n = 1 << 21;
    for (Input kind : {Input::random, Input::all_equal, Input::many_ties})
        check_input(tier, make_input(kind, n, 7), input_name(kind), large_ks(n), &failures);
    EXPECT_EQ(failures.count, 0u) << failures.first;
}

// At n = 2^21 the sampler reads the 16-float line at every multiple of 2048.
// Large values exactly there make the sample promise far more large values
// than exist: too few survive and the kernel must lower the threshold (down
// to taking every element). Large values everywhere but there make the
// sample promise too few: many survive.
TEST_P(TopkSelect, InputsThatMisleadTheSampleMatchReference) {
    constexpr size_t n = 1 << 21, stride = 2048, line = 16;
    std::vector<float> x = make_input(Input::random, n, 9);
    std::vector<float> in_sample = x, off_sample = x;
    for (size_t i = 0; i < n; ++i) {
        bool sampled = i % stride < line;
        if (sampled) in_sample[i] = 1000.0f + x[i];
        if (!sampled && i >= n / 2 && i < n / 2 + n / 50) off_sample[i] = 1000.0f - x[i];
    }
    Failures failures;
    check_input(tier, in_sample, "large_on_sampled_lines", large_ks(n), &failures);
    check_input(tier, off_sample, "large_clustered_off_sampled_lines", large_ks(n), &failures);
    EXPECT_EQ(failures.count, 0u) << failures.first;
}

}  // namespace
}  // namespace bitvote::testing
