// BM_topk_select_<tier>: the k largest |x| of a gradient-like input, n floats
// read once per call (bytes processed: n * 4, comparable with BM_read).
#include "bench_util.h"

namespace bitvote::bench {
namespace {

void bm_topk_select(benchmark::State& st, const KernelTable& table) {
    size_t n = size_t(st.range(0)), k = size_t(st.range(1));
    std::span<const float> x(gradient(n).data(), n);
    std::vector<uint32_t> out(k);
    for (auto _ : st) benchmark::DoNotOptimize(table.topk_select(x, k, out));
    st.SetBytesProcessed(int64_t(st.iterations()) * int64_t(n * sizeof(float)));
}

const bool registered = [] {
    register_tiers("topk_select", bm_topk_select, args_n_k);
    return true;
}();

}  // namespace
}  // namespace bitvote::bench
