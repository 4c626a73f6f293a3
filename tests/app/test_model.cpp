// The model's contract with the trainer and the compressors: deterministic initialisation,
// a segment table that tiles the arenas, plain layouts in the arenas (checked against a
// reference forward pass in plain C++), any batch size, and the loss.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "model/loss.h"
#include "model/net.h"
#include "model/param_init.h"

namespace bitvote {
namespace {

const ModelSpec tiny_mlp{ModelKind::mlp, 1, 4, 4, 3, {5, 3}};
const ModelSpec tiny_cnn{ModelKind::cnn, 3, 8, 8, 4, {2, 3, 5}};

std::vector<float> inputs_make(const ModelSpec& spec, int n, uint64_t seed) {
    std::vector<float> x(size_t(n) * spec.channels * spec.height * spec.width);  // [n, C, H, W]
    uniform_fill(x, 1.0f, seed, 0);
    return x;
}

std::vector<int32_t> labels_make(const ModelSpec& spec, int n) {
    std::vector<int32_t> labels;
    for (int i = 0; i < n; ++i) labels.push_back(int32_t((3 * i + 2) % spec.classes));
    return labels;
}

std::vector<float> logits_of(Net* net, const std::vector<float>& x, int n) {
    std::vector<float> logits(size_t(n) * net->spec.classes);
    net_forward(net, x.data(), n, logits.data());
    return logits;
}

bool bit_identical(std::span<const float> a, std::span<const float> b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size_bytes()) == 0;
}

// ---- a reference forward pass over the arena read in plain layout ----------------------
// Tensors are [C, H, W] (or [features]) per sample, row-major, double.

struct Tensor {
    std::vector<int64_t> shape;
    std::vector<double> v;
};

Tensor conv_reference(const Tensor& in, const Layer& l, const float* w, const float* b) {
    const int64_t out = l.weights[0], c_in = in.shape[0], h = in.shape[1], wd = in.shape[2];
    const int64_t k = l.weights[2], pad = (k - 1) / 2;
    Tensor y{{out, h, wd}, std::vector<double>(size_t(out * h * wd))};
    for (int64_t o = 0; o < out; ++o)
        for (int64_t r = 0; r < h; ++r)
            for (int64_t c = 0; c < wd; ++c) {
                double sum = b[o];
                for (int64_t i = 0; i < c_in; ++i)
                    for (int64_t kr = 0; kr < k; ++kr)
                        for (int64_t kc = 0; kc < k; ++kc) {
                            const int64_t sr = r + kr - pad, sc = c + kc - pad;
                            if (sr < 0 || sr >= h || sc < 0 || sc >= wd) continue;
                            sum += double(w[((o * c_in + i) * k + kr) * k + kc]) * in.v[size_t((i * h + sr) * wd + sc)];
                        }
                y.v[size_t((o * h + r) * wd + c)] = sum;
            }
    return y;
}

Tensor maxpool_reference(const Tensor& in) {
    const int64_t ch = in.shape[0], h = in.shape[1] / 2, wd = in.shape[2] / 2;
    Tensor y{{ch, h, wd}, std::vector<double>(size_t(ch * h * wd))};
    for (int64_t i = 0; i < ch; ++i)
        for (int64_t r = 0; r < h; ++r)
            for (int64_t c = 0; c < wd; ++c) {
                double m = -INFINITY;
                for (int64_t dr = 0; dr < 2; ++dr)
                    for (int64_t dc = 0; dc < 2; ++dc)
                        m = std::max(m, in.v[size_t((i * in.shape[1] + 2 * r + dr) * in.shape[2] + 2 * c + dc)]);
                y.v[size_t((i * h + r) * wd + c)] = m;
            }
    return y;
}

// fc weights are oi over the input flattened in its [C, H, W] order (= oihw).
Tensor fc_reference(const Tensor& in, const Layer& l, const float* w, const float* b) {
    const int64_t out = l.weights[0], n = int64_t(in.v.size());
    Tensor y{{out}, std::vector<double>(size_t(out))};
    for (int64_t o = 0; o < out; ++o) {
        double sum = b[o];
        for (int64_t i = 0; i < n; ++i) sum += double(w[o * n + i]) * in.v[size_t(i)];
        y.v[size_t(o)] = sum;
    }
    return y;
}

std::vector<double> logits_reference(const Net& net, const float* x) {
    Tensor t{{net.spec.channels, net.spec.height, net.spec.width}, {}};
    t.v.assign(x, x + size_t(net.spec.channels) * net.spec.height * net.spec.width);
    const float* arena = net_weights(net).data();
    for (const Layer& l : net.layers) {
        const float *w = arena + l.weights_offset, *b = arena + l.bias_offset;
        switch (l.kind) {
        case LayerKind::conv: t = conv_reference(t, l, w, b); break;
        case LayerKind::fc: t = fc_reference(t, l, w, b); break;
        case LayerKind::relu:
            for (double& v : t.v) v = std::max(v, 0.0);
            break;
        case LayerKind::maxpool: t = maxpool_reference(t); break;
        }
    }
    return t.v;
}

void expect_reference_logits(const ModelSpec& spec, int n) {
    Net net = net_create(spec, n, 11);
    for (const Segment& s : net_segments(net))  // non-zero biases, to see where they land
        if (s.name.ends_with(".bias")) uniform_fill(net_weights(net).subspan(s.offset, s.count), 0.2f, 4, s.offset);
    const std::vector<float> x = inputs_make(spec, n, 12);
    const std::vector<float> logits = logits_of(&net, x, n);
    const size_t sample = size_t(spec.channels) * spec.height * spec.width;
    for (int i = 0; i < n; ++i) {
        const std::vector<double> want = logits_reference(net, x.data() + size_t(i) * sample);
        for (int k = 0; k < spec.classes; ++k)
            EXPECT_NEAR(logits[size_t(i * spec.classes + k)], want[size_t(k)], 1e-4 * (1 + std::abs(want[size_t(k)])))
                << "sample " << i << ", class " << k;
    }
}

TEST(ModelLayout, MlpArenaIsPlainOi) { expect_reference_logits(tiny_mlp, 3); }
TEST(ModelLayout, TinyCnnArenaIsPlainOihw) { expect_reference_logits(tiny_cnn, 2); }
// 32 and 64 channels: oneDNN picks blocked activations and weights here, so this checks
// the reorders between them and the arena.
TEST(ModelLayout, DefaultCnnArenaIsPlainOihw) {
    expect_reference_logits(ModelSpec{ModelKind::cnn, 1, 28, 28, 10, {}}, 2);
}

// ---- initialisation and determinism -----------------------------------------------------

TEST(ModelInit, SameSeedGivesBitIdenticalWeights) {
    for (const ModelSpec& spec : {tiny_mlp, tiny_cnn}) {
        Net a = net_create(spec, 4, 7), b = net_create(spec, 16, 7);  // batch size plays no part
        EXPECT_TRUE(bit_identical(net_weights(a), net_weights(b)));
        Net c = net_create(spec, 4, 8);
        EXPECT_FALSE(bit_identical(net_weights(a), net_weights(c)));
    }
}

TEST(ModelInit, WeightsHeUniformBiasesZero) {
    const Net net = net_create(ModelSpec{ModelKind::mlp, 1, 28, 28, 10, {}}, 1, 3);
    const std::span<const float> w = net_weights(net);
    for (const Segment& s : net_segments(net)) {
        SCOPED_TRACE(s.name);
        const std::span<const float> v = w.subspan(s.offset, s.count);
        if (s.name.ends_with(".bias")) {
            EXPECT_TRUE(std::all_of(v.begin(), v.end(), [](float x) { return x == 0; }));
            continue;
        }
        const Segment& bias = (&s)[1];
        const double fan_in = double(s.count) / double(bias.count);
        const double bound = std::sqrt((s.offset + s.count + bias.count == w.size() ? 3 : 6) / fan_in);
        double sum_sq = 0;
        for (float x : v) {
            ASSERT_LE(std::abs(x), bound);
            sum_sq += double(x) * x;
        }
        EXPECT_NEAR(std::sqrt(sum_sq / double(v.size())), bound / std::sqrt(3.0), 0.05 * bound);  // uniform's rms
    }
}

TEST(ModelDeterminism, RepeatedForwardBackwardGivesIdenticalGradients) {
    for (const ModelSpec& spec : {tiny_mlp, tiny_cnn}) {
        Net net = net_create(spec, 5, 1);
        const std::vector<float> x = inputs_make(spec, 5, 2);
        const std::vector<int32_t> labels = labels_make(spec, 5);
        const float loss = net_forward_backward(&net, x.data(), labels.data(), 5);
        const std::vector<float> grads(net_grads(net).begin(), net_grads(net).end());
        std::fill(net_grads(net).begin(), net_grads(net).end(), 1.0f);  // every entry is rewritten
        EXPECT_EQ(net_forward_backward(&net, x.data(), labels.data(), 5), loss);
        EXPECT_TRUE(bit_identical(net_grads(net), grads));
    }
}

// ---- segments ---------------------------------------------------------------------------

void expect_segments_tile_arena(const Net& net) {
    size_t offset = 0;
    for (const Segment& s : net_segments(net)) {
        EXPECT_EQ(s.offset, offset) << s.name;
        EXPECT_GT(s.count, 0u) << s.name;
        offset += s.count;
    }
    EXPECT_EQ(offset, net_param_count(net));
    EXPECT_EQ(net_weights(net).size(), net_param_count(net));
    EXPECT_EQ(net_grads(net).size(), net_param_count(net));
}

TEST(ModelSegments, MlpSegmentsTileTheArena) {
    const Net net = net_create(ModelSpec{ModelKind::mlp, 1, 28, 28, 10, {}}, 1, 1);
    expect_segments_tile_arena(net);
    std::vector<std::string> names;
    for (const Segment& s : net_segments(net)) names.push_back(s.name);
    EXPECT_EQ(names,
              (std::vector<std::string>{"fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias", "fc3.weight", "fc3.bias"}));
    EXPECT_EQ(net_param_count(net), 784u * 256 + 256 + 256 * 128 + 128 + 128 * 10 + 10);  // 235,146
}

TEST(ModelSegments, CnnSegmentsTileTheArena) {
    const Net gray = net_create(ModelSpec{ModelKind::cnn, 1, 28, 28, 10, {}}, 1, 1);
    expect_segments_tile_arena(gray);
    std::vector<std::string> names;
    for (const Segment& s : net_segments(gray)) names.push_back(s.name);
    EXPECT_EQ(names, (std::vector<std::string>{"conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "fc1.weight",
                                               "fc1.bias", "fc2.weight", "fc2.bias"}));
    EXPECT_EQ(net_segments(gray)[4].count, 512u * 64 * 7 * 7);
    EXPECT_EQ(net_param_count(gray), 832u + 51264 + 1606144 + 5130);  // 1,663,370
    const Net rgb = net_create(ModelSpec{ModelKind::cnn, 3, 32, 32, 10, {}}, 1, 1);
    expect_segments_tile_arena(rgb);
    EXPECT_EQ(net_param_count(rgb), 2432u + 51264 + 2097664 + 5130);  // 2,156,490
}

// ---- batch sizes --------------------------------------------------------------------------

TEST(ModelBatch, PartialBatchGivesTheSameLogitsPerSample) {
    for (const ModelSpec& spec : {tiny_mlp, tiny_cnn}) {
        Net net = net_create(spec, 8, 1);
        const std::vector<float> x = inputs_make(spec, 8, 3);
        const std::vector<float> all = logits_of(&net, x, 8);
        const std::vector<float> first3 = logits_of(&net, x, 3);  // a last, partial batch
        for (size_t i = 0; i < first3.size(); ++i) EXPECT_NEAR(first3[i], all[i], 1e-5 * (1 + std::abs(all[i])));
        EXPECT_EQ(net.plans.size(), 3u);  // training 8; inference 8 and 3
    }
}

TEST(ModelBatch, TrainingLossMatchesEvaluationLoss) {
    for (const ModelSpec& spec : {tiny_mlp, tiny_cnn}) {
        Net net = net_create(spec, 6, 1);
        const std::vector<float> x = inputs_make(spec, 6, 4);
        const std::vector<int32_t> labels = labels_make(spec, 6);
        const std::vector<float> logits = logits_of(&net, x, 6);
        const double eval = softmax_cross_entropy(logits.data(), labels.data(), 6, spec.classes, nullptr);
        EXPECT_NEAR(net_forward_backward(&net, x.data(), labels.data(), 6), eval, 1e-5 * eval);
    }
}

// ---- the loss and the spec ----------------------------------------------------------------

TEST(ModelLoss, UniformLogitsGiveLogClasses) {
    const std::vector<float> logits(2 * 4, 0.5f);
    const std::vector<int32_t> labels{1, 3};
    std::vector<float> diff(8);
    EXPECT_NEAR(softmax_cross_entropy(logits.data(), labels.data(), 2, 4, diff.data()), std::log(4.0), 1e-12);
    for (int n = 0; n < 2; ++n)
        for (int k = 0; k < 4; ++k) EXPECT_FLOAT_EQ(diff[size_t(n * 4 + k)], (0.25f - (k == labels[size_t(n)])) / 2);
}

TEST(ModelLoss, ExtremeLogitsStayFinite) {
    const std::vector<float> logits{1000, -1000, 0, 88, 89, -200};
    const std::vector<int32_t> right{0, 1}, wrong{1, 2};
    std::vector<float> diff(6);
    EXPECT_NEAR(softmax_cross_entropy(logits.data(), right.data(), 2, 3, diff.data()),
                (0 + std::log1p(std::exp(-1.0))) / 2, 1e-9);
    EXPECT_NEAR(softmax_cross_entropy(logits.data(), wrong.data(), 2, 3, diff.data()),
                (2000 + 289 + std::log1p(std::exp(-1.0))) / 2, 1e-6);
    for (float d : diff) EXPECT_TRUE(std::isfinite(d));
    for (int n = 0; n < 2; ++n)
        EXPECT_NEAR(diff[size_t(3 * n)] + diff[size_t(3 * n + 1)] + diff[size_t(3 * n + 2)], 0, 1e-7);
}

TEST(ModelSpecCheck, NamesWhatIsWrong) {
    EXPECT_EQ(model_spec_error(tiny_mlp), "");
    EXPECT_EQ(model_spec_error(tiny_cnn), "");
    EXPECT_NE(model_spec_error(ModelSpec{ModelKind::cnn, 1, 3, 8, 10, {}}).find("smaller than 4x4"), std::string::npos);
    EXPECT_NE(model_spec_error(ModelSpec{ModelKind::cnn, 1, 8, 8, 10, {4, 4}}).find("3 widths"), std::string::npos);
    EXPECT_NE(model_spec_error(ModelSpec{ModelKind::mlp, 1, 8, 8, 1, {}}).find("2 classes"), std::string::npos);
    EXPECT_NE(model_spec_error(ModelSpec{ModelKind::mlp, 1, 8, 8, 10, {8, 0}}).find("width 0"), std::string::npos);
    EXPECT_NE(model_spec_error(ModelSpec{ModelKind::mlp, 0, 8, 8, 10, {}}).find("empty"), std::string::npos);
    ModelKind kind = ModelKind::mlp;
    EXPECT_TRUE(model_kind_parse("cnn", &kind));
    EXPECT_EQ(kind, ModelKind::cnn);
    EXPECT_FALSE(model_kind_parse("resnet", &kind));
}

}  // namespace
}  // namespace bitvote
