// Forward + backward of one training batch on one rank: samples/s of each network at the
// dataset shapes the trainer uses. Run single-threaded for per-core figures:
//   OMP_NUM_THREADS=1 build/bench_model
// Counters: params (floats per arena); items_per_second = samples/s.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "model/net.h"
#include "model/param_init.h"

namespace bitvote {
namespace {

void bm_forward_backward(benchmark::State& state, ModelSpec spec) {
    const int batch = int(state.range(0));
    Net net = net_create(spec, batch, 1);
    std::vector<float> x(size_t(batch) * spec.channels * spec.height * spec.width);  // [batch, C, H, W]
    uniform_fill(x, 1.0f, 2, 0);
    std::vector<int32_t> labels(static_cast<size_t>(batch));
    for (int i = 0; i < batch; ++i) labels[size_t(i)] = i % spec.classes;
    for (auto _ : state) benchmark::DoNotOptimize(net_forward_backward(&net, x.data(), labels.data(), batch));
    state.SetItemsProcessed(state.iterations() * batch);
    state.counters["params"] = double(net_param_count(net));
}

void args_batch(benchmark::internal::Benchmark* b) {
    b->ArgNames({"batch"})->Arg(64)->Unit(benchmark::kMillisecond)->UseRealTime();
}

BENCHMARK_CAPTURE(bm_forward_backward, mlp_1x28x28, ModelSpec{ModelKind::mlp, 1, 28, 28, 10, {}})->Apply(args_batch);
BENCHMARK_CAPTURE(bm_forward_backward, cnn_1x28x28, ModelSpec{ModelKind::cnn, 1, 28, 28, 10, {}})->Apply(args_batch);
BENCHMARK_CAPTURE(bm_forward_backward, cnn_3x32x32, ModelSpec{ModelKind::cnn, 3, 32, 32, 10, {}})->Apply(args_batch);

}  // namespace
}  // namespace bitvote

BENCHMARK_MAIN();
