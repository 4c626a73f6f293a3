// Batches from a shard: per-epoch shuffling and normalisation to float32.
#include <array>
#include <numeric>

#include "data/data.h"
#include "data/rng.h"

namespace bitvote {

namespace {

// float of every byte value: (x / 255 - mean) / std.
std::array<float, 256> normalise_table(const DataInfo& info) {
    std::array<float, 256> table;
    for (int x = 0; x < 256; ++x) table[size_t(x)] = float((x / 255.0 - info.mean) / info.std);
    return table;
}

void batch_resize(const DataInfo& info, int n, Batch* out) {
    out->n = n;
    out->images.resize(size_t(n) * size_t(info.shape.pixels()));
    out->labels.resize(size_t(n));
}

// Copies shard sample `at` into batch row `row`, normalised.
void sample_copy(const Shard& shard, const std::array<float, 256>& table, int64_t pixels, int64_t at, int row,
                 Batch* out) {
    const uint8_t* src = shard.images.data() + at * pixels;   // [C, H, W] uint8
    float* dst = out->images.data() + int64_t(row) * pixels;  // [C, H, W] float32
    for (int64_t p = 0; p < pixels; ++p) dst[p] = table[src[p]];
    out->labels[size_t(row)] = shard.labels[size_t(at)];
}

void pass_begin(Loader* l) {
    std::iota(l->order.begin(), l->order.end(), 0);
    Rng rng(seed_mix(seed_mix(seed_mix(l->seed, 0x6c6f6164), uint64_t(l->rank)), uint64_t(l->epoch)));
    shuffle_seeded(&l->order, &rng);
    l->pos = 0;
    ++l->epoch;
}

}  // namespace

Loader loader_make(const Shard& shard, const DataInfo& info, int batch, uint64_t seed, int rank) {
    if (batch < 1) throw DataError("batch size " + std::to_string(batch) + ": must be at least 1");
    if (shard.size() == 0)
        throw DataError("dataset '" + info.name + "': rank " + std::to_string(rank) +
                        " holds no training samples (partition or subset too small)");
    Loader l{&shard, &info, batch, seed, rank, 0, 0, std::vector<int64_t>(size_t(shard.size()))};
    pass_begin(&l);
    return l;
}

void batch_next(Loader* l, Batch* out) {
    const auto table = normalise_table(*l->info);
    batch_resize(*l->info, l->batch, out);
    for (int row = 0; row < l->batch; ++row) {
        if (l->pos == l->shard->size()) pass_begin(l);
        sample_copy(*l->shard, table, l->info->shape.pixels(), l->order[size_t(l->pos++)], row, out);
    }
}

void loader_states(Loader* l, StateList* out) {
    state_add(out, "data/epoch", &l->epoch);
    state_add(out, "data/pos", &l->pos);
    state_add(out, "data/order", l->order);
}

void batch_fill(const Shard& shard, const DataInfo& info, int64_t first, int n, Batch* out) {
    if (first < 0 || n < 0 || first + n > shard.size())
        throw DataError("batch_fill: samples " + std::to_string(first) + "+" + std::to_string(n) +
                        " outside a shard of " + std::to_string(shard.size()));
    const auto table = normalise_table(info);
    batch_resize(info, n, out);
    for (int row = 0; row < n; ++row) sample_copy(shard, table, info.shape.pixels(), first + row, row, out);
}

}  // namespace bitvote
