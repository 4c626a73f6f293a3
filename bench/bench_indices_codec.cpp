// indices_encode / indices_decode per tier on random top-K-like index sets
// (k of n coordinates, uniform, sorted; random signs). Bytes processed are the
// 4k bytes of indices; bits_per_index is the stream size, entropy_ratio its
// ratio to log2 C(n, k) + k.
#include <cmath>
#include <map>
#include <utility>

#include "bench_util.h"

namespace bitvote::bench {
namespace {

struct SparseInput {
    std::vector<uint32_t> idx;    // k sorted unique indices < n
    std::vector<uint64_t> signs;  // bitmap_words(k) words
    std::vector<uint8_t> stream;  // the encoded stream
};

// The same (n, k) gives the same input in every tier and run (selection sampling).
const SparseInput& sparse_input(size_t n, size_t k) {
    static std::map<std::pair<size_t, size_t>, SparseInput> cache;
    SparseInput& in = cache[{n, k}];
    if (in.idx.empty() && k > 0) {
        std::mt19937_64 rng(n * 31 + k);
        for (size_t i = 0, left = k; left > 0; ++i)
            if (rng() % (n - i) < left) {
                in.idx.push_back(uint32_t(i));
                --left;
            }
        in.signs.resize(bitmap_words(k));
        for (uint64_t& w : in.signs) w = rng();
        in.stream.resize(indices_encode_bound(n, k));
        in.stream.resize(kernel_table(Isa::scalar).indices_encode(in.idx, in.signs, uint32_t(n), in.stream));
    }
    return in;
}

void report(benchmark::State& st, size_t n, size_t k, size_t stream_bytes) {
    double entropy = (std::lgamma(double(n) + 1) - std::lgamma(double(k) + 1) - std::lgamma(double(n - k) + 1)) /
                         std::log(2.0) + double(k);
    st.SetBytesProcessed(int64_t(st.iterations()) * int64_t(4 * k));
    st.counters["bits_per_index"] = 8.0 * double(stream_bytes) / double(k);
    st.counters["entropy_ratio"] = 8.0 * double(stream_bytes) / entropy;
}

void bm_encode(benchmark::State& st, const KernelTable& t) {
    size_t n = size_t(st.range(0)), k = size_t(st.range(1));
    const SparseInput& in = sparse_input(n, k);
    std::vector<uint8_t> out(indices_encode_bound(n, k));
    size_t bytes = 0;
    for (auto _ : st) {
        bytes = t.indices_encode(in.idx, in.signs, uint32_t(n), out);
        benchmark::DoNotOptimize(out.data());
    }
    report(st, n, k, bytes);
}

void bm_decode(benchmark::State& st, const KernelTable& t) {
    size_t n = size_t(st.range(0)), k = size_t(st.range(1));
    const SparseInput& in = sparse_input(n, k);
    std::vector<uint32_t> idx(k);
    std::vector<uint64_t> signs(bitmap_words(k));
    size_t k_out = 0;
    for (auto _ : st) {
        CodecStatus s = t.indices_decode(in.stream, uint32_t(n), idx, signs, &k_out);
        if (s != CodecStatus::ok) st.SkipWithError("decode failed");
        benchmark::DoNotOptimize(idx.data());
    }
    report(st, n, k, in.stream.size());
}

const bool registered = [] {
    register_tiers("indices_encode", bm_encode, args_n_k);
    register_tiers("indices_decode", bm_decode, args_n_k);
    return true;
}();

}  // namespace
}  // namespace bitvote::bench
