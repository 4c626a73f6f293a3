// DGS's worker-side compressor (DESIGN.md 3): sparsification-aware momentum
// (SAMomentum). Each step
//   u = m u + lr (g + wd w)                      samomentum_accumulate
//   send the per-layer top-K of |u|              samomentum_send
//   u[sent] = 0, u[unsent] /= m                  (the correction, same call)
// Dividing the unsent entries by m makes the next step's m u restore them:
// an entry that waits keeps its whole accumulated lr g instead of decaying
// by m per step, and once sent its momentum starts again from zero. m must
// be > 0 (the trainer refuses --momentum 0 with dgs).
#pragma once

#include <span>

#include "base/segment.h"
#include "compress/sparse_update.h"

namespace bitvote {

// u = m u + lr (g + wd w); u, g, w: [d]. ASGD's update with m = 0.
void samomentum_accumulate(std::span<float> u, std::span<const float> g, std::span<const float> w, float lr,
                           float m, float wd);
// *out = per layer the top-K entries of u (topk_per_layer, K = ceil(density
// n)); then the correction: the sent entries of u are zeroed, the others
// divided by m.
void samomentum_send(std::span<const Segment> segments, double density, float m, std::span<float> u,
                     SparseUpdate* out);

}  // namespace bitvote
