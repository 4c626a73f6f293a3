// --local-steps T (magsparse, DESIGN.md 3): from the agreed weights w0 a rank
// runs T plain SGD steps on its own batches, then sends the model difference
// instead of one gradient. The difference is passed in gradient units: the
// sum of the T local gradients, (w0 - w_T) / local_lr, accumulated in its own
// buffer (recovering it from the weights lost the low bits of the small
// gradients to w's rounding), so T = 1 is the plain gradient exactly. The
// weights are restored to w0 before the vote's update, so every rank still
// applies the same update to the same weights.
#pragma once

#include <span>
#include <vector>

#include "data/data.h"
#include "model/net.h"

namespace bitvote {

struct LocalSteps {
    int steps = 1;               // T
    float lr = 0;                // of the local SGD steps
    std::vector<float> start;    // [d] w0
    std::vector<float> grad_sum; // [d] the sum of the T local gradients
};

LocalSteps local_steps_make(int steps, float lr, size_t params);

// Called after net_forward_backward on the step's first batch (its loss in
// *loss). T = 1: returns net_grads. T > 1: takes T - 1 more batches from the
// loader, restores the weights, sets *loss to the mean over the T batches and
// returns the difference.
std::span<const float> local_steps_run(LocalSteps* ls, Net* net, Loader* loader, Batch* batch, float* loss);

}  // namespace bitvote
