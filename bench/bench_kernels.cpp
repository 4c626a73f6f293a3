// The roofline baselines every kernel figure is a ratio of: one read pass,
// one read-modify-write pass, memcpy, and the std:: selections top-K replaces.
#include <algorithm>
#include <cstring>

#include "bench_util.h"

namespace bitvote::bench {
namespace {

void bm_read(benchmark::State& st) {
    size_t n = size_t(st.range(0));
    const float* x = gradient(n).data();
    const KernelTable& t = kernels();
    for (auto _ : st) benchmark::DoNotOptimize(t.stream_sum({x, n}));
    st.SetBytesProcessed(int64_t(st.iterations()) * int64_t(n * sizeof(float)));
    st.SetLabel(std::string(isa_name(isa_active())));
}

void bm_rmw(benchmark::State& st) {
    size_t n = size_t(st.range(0));
    std::vector<float> w(gradient(n).begin(), gradient(n).begin() + long(n));
    const KernelTable& t = kernels();
    for (auto _ : st) {
        t.stream_add(w, 1e-7f);
        benchmark::ClobberMemory();
    }
    st.SetBytesProcessed(int64_t(st.iterations()) * int64_t(2 * n * sizeof(float)));  // read + write
    st.SetLabel(std::string(isa_name(isa_active())));
}

void bm_memcpy(benchmark::State& st) {
    size_t n = size_t(st.range(0));
    const float* x = gradient(n).data();
    std::vector<float> y(n);
    for (auto _ : st) {
        std::memcpy(y.data(), x, n * sizeof(float));
        benchmark::ClobberMemory();
    }
    st.SetBytesProcessed(int64_t(st.iterations()) * int64_t(2 * n * sizeof(float)));  // read + write
}

// k-th largest |x| with std::nth_element on a copy of |x| (the copy is timed:
// a caller has to make it too).
void bm_nth_element(benchmark::State& st) {
    size_t n = size_t(st.range(0)), k = size_t(st.range(1));
    const std::vector<float>& x = gradient(n);
    std::vector<float> a(n);
    for (auto _ : st) {
        for (size_t i = 0; i < n; ++i) a[i] = std::fabs(x[i]);
        std::nth_element(a.begin(), a.begin() + long(k), a.end(), std::greater<float>());
        benchmark::DoNotOptimize(a[k]);
    }
    st.SetBytesProcessed(int64_t(st.iterations()) * int64_t(n * sizeof(float)));
}

void bm_partial_sort(benchmark::State& st) {
    size_t n = size_t(st.range(0)), k = size_t(st.range(1));
    const std::vector<float>& x = gradient(n);
    std::vector<float> a(n);
    for (auto _ : st) {
        for (size_t i = 0; i < n; ++i) a[i] = std::fabs(x[i]);
        std::partial_sort(a.begin(), a.begin() + long(k), a.end(), std::greater<float>());
        benchmark::DoNotOptimize(a[0]);
    }
    st.SetBytesProcessed(int64_t(st.iterations()) * int64_t(n * sizeof(float)));
}

const bool registered = [] {
    auto unit = [](benchmark::internal::Benchmark* b) { b->Unit(benchmark::kMillisecond)->UseRealTime(); };
    unit(benchmark::RegisterBenchmark("BM_read", bm_read)->Apply(args_n));
    unit(benchmark::RegisterBenchmark("BM_rmw", bm_rmw)->Apply(args_n));
    unit(benchmark::RegisterBenchmark("BM_memcpy", bm_memcpy)->Apply(args_n));
    unit(benchmark::RegisterBenchmark("BM_nth_element", bm_nth_element)->Apply(args_n_k));
    unit(benchmark::RegisterBenchmark("BM_partial_sort", bm_partial_sort)->Apply(args_n_k));
    return true;
}();

}  // namespace
}  // namespace bitvote::bench

BENCHMARK_MAIN();
