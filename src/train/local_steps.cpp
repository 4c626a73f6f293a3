#include "train/local_steps.h"

#include <algorithm>

namespace bitvote {
namespace {

void sgd_step(std::span<float> w, std::span<const float> g, float lr) {
    for (size_t i = 0; i < w.size(); ++i) w[i] -= lr * g[i];
}

}  // namespace

LocalSteps local_steps_make(int steps, float lr, size_t params) {
    LocalSteps ls;
    ls.steps = steps;
    ls.lr = lr;
    if (steps > 1) ls.start.resize(params), ls.grad_sum.resize(params);
    return ls;
}

std::span<const float> local_steps_run(LocalSteps* ls, Net* net, Loader* loader, Batch* batch, float* loss) {
    if (ls->steps == 1) return net_grads(*net);
    std::span<float> w = net_weights(*net);
    std::copy(w.begin(), w.end(), ls->start.begin());
    double loss_sum = *loss;
    std::span<const float> g = net_grads(*net);
    std::copy(g.begin(), g.end(), ls->grad_sum.begin());
    sgd_step(w, g, ls->lr);
    for (int i = 1; i < ls->steps; ++i) {
        batch_next(loader, batch);
        loss_sum += net_forward_backward(net, batch->images.data(), batch->labels.data(), batch->n);
        for (size_t j = 0; j < g.size(); ++j) ls->grad_sum[j] += g[j];
        sgd_step(w, g, ls->lr);
    }
    std::copy(ls->start.begin(), ls->start.end(), w.begin());
    *loss = float(loss_sum / ls->steps);
    return ls->grad_sum;
}

}  // namespace bitvote
