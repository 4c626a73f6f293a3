// The majority-vote kernels on every tier the CPU runs. Bytes/s count bytes
// read + written, as BM_memcpy does, so the two compare directly; n is the
// number of coordinates.
#include "bench_util.h"

namespace bitvote::bench {
namespace {

constexpr uint64_t ranks = 4;                  // P of the counter benchmarks
constexpr unsigned width = vote_width(ranks);  // w = 3
constexpr size_t word_bytes = sizeof(uint64_t);

std::vector<uint64_t> random_words(size_t count, uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::vector<uint64_t> words(count);
    for (uint64_t& x : words) x = rng();
    return words;
}

// inout += in: in and inout read, inout written.
void bm_vote_add(benchmark::State& st, const KernelTable& k) {
    size_t words = vote_counter_words(size_t(st.range(0)), width);
    std::vector<uint64_t> in = random_words(words, 1), inout = random_words(words, 2);
    for (auto _ : st) {
        k.vote_add(in, inout, width);
        benchmark::ClobberMemory();
    }
    st.SetBytesProcessed(int64_t(st.iterations()) * int64_t(3 * words * word_bytes));
}

// counters += bits: bits read, counters read and written.
void bm_vote_accumulate_signs(benchmark::State& st, const KernelTable& k) {
    size_t n = size_t(st.range(0)), words = vote_counter_words(n, width);
    std::vector<uint64_t> counters = random_words(words, 1), bits = random_words(bitmap_words(n), 2);
    for (auto _ : st) {
        k.vote_accumulate_signs(counters, bits, width);
        benchmark::ClobberMemory();
    }
    st.SetBytesProcessed(int64_t(st.iterations()) * int64_t((2 * words + bits.size()) * word_bytes));
}

// counters read, the decision written: positive and nonzero bitmaps (P even: ties).
void bm_vote_decide(benchmark::State& st, const KernelTable& k) {
    size_t n = size_t(st.range(0)), words = vote_counter_words(n, width);
    std::vector<uint64_t> counters = random_words(words, 1), positive(bitmap_words(n)), nonzero(bitmap_words(n));
    for (auto _ : st) {
        k.vote_decide(counters, width, ranks, positive, nonzero);
        benchmark::ClobberMemory();
    }
    st.SetBytesProcessed(int64_t(st.iterations()) * int64_t((words + 2 * positive.size()) * word_bytes));
}

// P rows of n bits read, 2 n bits written (positive and nonzero: every P here is even).
void bm_vote_count(benchmark::State& st, const KernelTable& k) {
    size_t n = size_t(st.range(0)), P = size_t(st.range(1)), nwords = bitmap_words(n);
    std::vector<uint64_t> bitmaps = random_words(P * nwords, 1), positive(nwords), nonzero(nwords);
    for (auto _ : st) {
        k.vote_count(bitmaps, P, positive, nonzero);
        benchmark::ClobberMemory();
    }
    st.SetBytesProcessed(int64_t(st.iterations()) * int64_t((P + 2) * nwords * word_bytes));
}

// The n grid plus n = 2^28, where vote_add's counters (100 MB each at w = 3)
// come from DRAM as BM_memcpy's 100 MB do at n = 25M: at equal n vote_add
// touches 9/32 of memcpy's bytes, so it is cache-resident longer.
void args_n_dram(benchmark::internal::Benchmark* b) {
    args_n(b);
    b->Args({int64_t{1} << 28});
}

void args_n_P(benchmark::internal::Benchmark* b) {
    b->ArgNames({"n", "P"});
    for (int64_t n : sizes)
        for (int64_t P : {4, 8, 16}) b->Args({n, P});
}

const bool registered = [] {
    register_tiers("vote_add", bm_vote_add, args_n_dram);
    register_tiers("vote_accumulate_signs", bm_vote_accumulate_signs, args_n);
    register_tiers("vote_decide", bm_vote_decide, args_n);
    register_tiers("vote_count", bm_vote_count, args_n_P);
    return true;
}();

}  // namespace
}  // namespace bitvote::bench
