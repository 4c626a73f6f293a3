// DGS's downward sparsification (DESIGN.md 3): the parameter server answers a
// worker with the per-layer top-K of (its model - that worker's last copy)
// and adds what it sent to the copy, so the copy stays bit-identical to the
// worker's model (the worker adds the same floats: sparse_add, scale +1).
#pragma once

#include <span>
#include <vector>

#include "base/segment.h"
#include "compress/sparse_update.h"

namespace bitvote {

// diff = w - copy (scratch, [d]); *out = its per-layer top-K entries
// (topk_per_layer); copy[sent] += out's values. w, copy: [d].
void model_difference_send(std::span<const Segment> segments, double density, std::span<const float> w,
                           std::span<float> copy, std::vector<float>* diff, SparseUpdate* out);
// max_i |a_i - b_i| (0 for empty vectors): how far a worker's model is from
// the server's, the error the downward sparsification leaves.
double max_abs_difference(std::span<const float> a, std::span<const float> b);

}  // namespace bitvote
