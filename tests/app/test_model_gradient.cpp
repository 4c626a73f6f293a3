// The backward pass of both networks against central differences of the loss, per segment,
// and a tiny overfit: SGD on one fixed batch must drive the loss down.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "model/loss.h"
#include "model/net.h"
#include "model/param_init.h"

namespace bitvote {
namespace {

struct Batch {
    int n;
    std::vector<float> x;         // [n, C, H, W] uniform in [-1, 1)
    std::vector<int32_t> labels;  // [n]
};

Batch batch_make(const ModelSpec& spec, int n, uint64_t seed) {
    Batch b{n, std::vector<float>(size_t(n) * spec.channels * spec.height * spec.width), {}};
    uniform_fill(b.x, 1.0f, seed, 0);
    for (int i = 0; i < n; ++i) b.labels.push_back(int32_t((i * 7 + 1) % spec.classes));
    return b;
}

double loss_of(Net* net, const Batch& b) {
    std::vector<float> logits(size_t(b.n) * net->spec.classes);
    net_forward(net, b.x.data(), b.n, logits.data());
    return softmax_cross_entropy(logits.data(), b.labels.data(), b.n, net->spec.classes, nullptr);
}

// The loss with weight i moved by -h, 0, +h: the steps actually stored in float and the losses.
struct Probe {
    double step_down, step_up;  // > 0
    double down, mid, up;
};

Probe probe(Net* net, const Batch& b, size_t i, float h) {
    float& w = net_weights(*net)[i];
    const float w0 = w;
    Probe p{};
    p.mid = loss_of(net, b);
    w = w0 + h;
    p.step_up = double(w) - w0;
    p.up = loss_of(net, b);
    w = w0 - h;
    p.step_down = w0 - double(w);
    p.down = loss_of(net, b);
    w = w0;
    return p;
}

// The k-th random coordinate of segment s (relative to its offset).
size_t coordinate_pick(const Segment& s, int k) {
    return std::min(s.count - 1, size_t((uniform_at(7, s.offset, k) + 1) * 0.5f * float(s.count)));
}

struct GradCheck {
    double worst = 0;  // relative error, over the coordinates checked
    int checked = 0;
    int at_kinks = 0;  // skipped: a ReLU or max-pool switch lies within h
};

// Compares the backward pass with central differences (step h) on `per_segment` coordinates
// of every segment, drawn from up to 3x as many candidates; errors relative to
// max(|difference|, |backward|, 1e-2). Where the one-sided differences disagree by more than
// half the tolerance, a kink (a ReLU or a max-pool switching) lies within h and the candidate
// is skipped: away from kinks they differ by curvature x h only, and a kink they miss moves
// the central difference by at most half their disagreement. h = 2e-3 balances kinks (more
// with larger h) against float rounding of the loss (worse with smaller h); over 40 seeds the
// worst error seen was 6e-3.
GradCheck grad_check(Net* net, const Batch& b, int per_segment) {
    const float h = 2e-3f;
    const double tolerance = 1e-2;
    net_forward_backward(net, b.x.data(), b.labels.data(), b.n);
    const std::vector<float> grads(net_grads(*net).begin(), net_grads(*net).end());
    GradCheck result;
    for (const Segment& s : net_segments(*net)) {
        SCOPED_TRACE(s.name);
        const int candidates = std::min<int>(3 * per_segment, int(s.count));
        int checked = 0, nonzero = 0;
        for (int k = 0; k < candidates && checked < per_segment; ++k) {
            const size_t i = s.offset + (int(s.count) == candidates ? size_t(k) : coordinate_pick(s, k));
            const Probe p = probe(net, b, i, h);
            const double right = (p.up - p.mid) / p.step_up, left = (p.mid - p.down) / p.step_down;
            const double central = (p.up - p.down) / (p.step_up + p.step_down);
            const double scale = std::max({std::abs(central), std::abs(double(grads[i])), 1e-2});
            if (std::abs(right - left) > tolerance / 2 * scale) {
                ++result.at_kinks;
                continue;
            }
            const double error = std::abs(central - grads[i]) / scale;
            EXPECT_LT(error, tolerance) << "coordinate " << i << ": backward " << grads[i] << ", differences "
                                        << central;
            result.worst = std::max(result.worst, error);
            ++checked;
            nonzero += std::abs(grads[i]) >= 1e-3f;
        }
        EXPECT_GE(checked, std::max(1, std::min<int>(per_segment, int(s.count)) / 4))
            << "too many coordinates at kinks";
        EXPECT_GT(nonzero, 0) << "no gradient to check (dead ReLUs?)";
        result.checked += checked;
    }
    return result;
}

// Gives the biases small random values so that their gradients are tested away from 0.
void biases_randomize(Net* net) {
    for (const Segment& s : net_segments(*net))
        if (s.name.ends_with(".bias")) uniform_fill(net_weights(*net).subspan(s.offset, s.count), 0.1f, 3, s.offset);
}

void expect_gradients_match(const ModelSpec& spec, int batch, const char* what) {
    Net net = net_create(spec, batch, 42);
    biases_randomize(&net);
    const GradCheck r = grad_check(&net, batch_make(spec, batch, 5), 20);
    std::printf("[ grad     ] %s: %d coordinates, worst relative error %.2e, %d skipped at kinks\n", what, r.checked,
                r.worst, r.at_kinks);
}

TEST(ModelGradient, MlpMatchesCentralDifferences) {
    expect_gradients_match(ModelSpec{ModelKind::mlp, 1, 4, 4, 3, {5, 3}}, 4, "mlp 1x4x4 5-3-3");
}

TEST(ModelGradient, CnnGrayMatchesCentralDifferences) {
    expect_gradients_match(ModelSpec{ModelKind::cnn, 1, 8, 8, 3, {3, 4, 6}}, 2, "cnn 1x8x8 3-4-6-3");
}

TEST(ModelGradient, CnnRgbMatchesCentralDifferences) {
    expect_gradients_match(ModelSpec{ModelKind::cnn, 3, 8, 8, 4, {2, 3, 5}}, 2, "cnn 3x8x8 2-3-5-4");
}

// 50 plain SGD steps on one batch of 16: the loss must fall below a third of its start.
void expect_overfit(const ModelSpec& spec, float lr) {
    const int batch = 16;
    Net net = net_create(spec, batch, 1);
    const Batch b = batch_make(spec, batch, 9);
    const float first = net_forward_backward(&net, b.x.data(), b.labels.data(), batch);
    float last = first;
    for (int step = 0; step < 50; ++step) {
        std::span<float> w = net_weights(net);
        std::span<const float> g = net_grads(net);
        for (size_t i = 0; i < w.size(); ++i) w[i] -= lr * g[i];
        last = net_forward_backward(&net, b.x.data(), b.labels.data(), batch);
    }
    EXPECT_LT(last, first / 3) << "loss " << first << " -> " << last;
}

TEST(ModelTrain, MlpOverfitsOneBatch) { expect_overfit(ModelSpec{ModelKind::mlp, 1, 8, 8, 4, {32, 16}}, 0.1f); }

TEST(ModelTrain, CnnOverfitsOneBatch) { expect_overfit(ModelSpec{ModelKind::cnn, 1, 8, 8, 4, {4, 8, 16}}, 0.1f); }

}  // namespace
}  // namespace bitvote
