#include "compress/model_difference.h"

#include <algorithm>
#include <cmath>

#include "compress/topk_per_layer.h"

namespace bitvote {

void model_difference_send(std::span<const Segment> segments, double density, std::span<const float> w,
                           std::span<float> copy, std::vector<float>* diff, SparseUpdate* out) {
    diff->resize(w.size());
    for (size_t i = 0; i < w.size(); ++i) (*diff)[i] = w[i] - copy[i];
    topk_per_layer(segments, density, *diff, &out->indices);
    out->values.resize(out->indices.size());
    for (size_t j = 0; j < out->indices.size(); ++j) out->values[j] = (*diff)[out->indices[j]];
    sparse_add(copy, *out, 1);
}

double max_abs_difference(std::span<const float> a, std::span<const float> b) {
    double most = 0;
    for (size_t i = 0; i < a.size(); ++i) most = std::max(most, std::fabs(double(a[i]) - double(b[i])));
    return most;
}

}  // namespace bitvote
