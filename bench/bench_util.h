// Shared by the kernel benchmarks: inputs and per-tier registration.
#pragma once

#include <benchmark/benchmark.h>

#include <functional>
#include <random>
#include <string>
#include <vector>

#include "kernels.h"

namespace bitvote::bench {

// n from 1M to 25M; k at 0.1% and 1% where a kernel takes k.
inline const std::vector<int64_t> sizes = {1 << 20, 1 << 22, 1 << 24, 25'000'000};

// Gaussian floats, like a gradient; the same for every tier and run.
inline const std::vector<float>& gradient(size_t n) {
    static std::vector<float> x;
    if (x.size() < n) {
        std::mt19937_64 rng(42);
        std::normal_distribution<float> normal(0.0f, 1.0f);
        x.resize(n);
        for (float& v : x) v = normal(rng);
    }
    return x;
}

// Registers BM_<kernel>_<tier> for every tier this CPU runs; args(b) adds the
// argument grid (ArgNames, Args).
inline void register_tiers(const std::string& kernel,
                           const std::function<void(benchmark::State&, const KernelTable&)>& body,
                           const std::function<void(benchmark::internal::Benchmark*)>& args) {
    for (int i = 0; i < isa_count; ++i) {
        Isa isa = Isa(i);
        if (!isa_supported(isa)) continue;
        const KernelTable* table = &kernel_table(isa);
        auto* b = benchmark::RegisterBenchmark(("BM_" + kernel + "_" + std::string(isa_name(isa))).c_str(),
                                               [body, table](benchmark::State& st) { body(st, *table); });
        args(b);
        b->Unit(benchmark::kMillisecond)->UseRealTime();
    }
}

// The n grid alone, and the (n, k) grid with k at 0.1% and 1% of n.
inline void args_n(benchmark::internal::Benchmark* b) {
    b->ArgNames({"n"});
    for (int64_t n : sizes) b->Args({n});
}
inline void args_n_k(benchmark::internal::Benchmark* b) {
    b->ArgNames({"n", "k"});
    for (int64_t n : sizes)
        for (int64_t per_mille : {1, 10}) b->Args({n, n * per_mille / 1000});
}

}  // namespace bitvote::bench
