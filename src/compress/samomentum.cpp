#include "compress/samomentum.h"

#include "compress/topk_per_layer.h"

namespace bitvote {

void samomentum_accumulate(std::span<float> u, std::span<const float> g, std::span<const float> w, float lr,
                           float m, float wd) {
    for (size_t i = 0; i < u.size(); ++i) u[i] = m * u[i] + lr * (g[i] + wd * w[i]);
}

void samomentum_send(std::span<const Segment> segments, double density, float m, std::span<float> u,
                     SparseUpdate* out) {
    topk_per_layer(segments, density, u, &out->indices);
    out->values.resize(out->indices.size());
    for (size_t j = 0; j < out->indices.size(); ++j) out->values[j] = u[out->indices[j]];
    for (float& x : u) x /= m;
    for (uint32_t i : out->indices) u[i] = 0;
}

}  // namespace bitvote
