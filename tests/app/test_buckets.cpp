// --overlap's pieces without MPI: the bucket plan (whole layers, reverse
// order, caps), the backward one layer at a time (each reported layer's
// gradients are final), and a method run per bucket giving the whole vector's
// messages, state and update bit for bit.
#include <gtest/gtest.h>

#include <cstring>
#include <utility>
#include <vector>

#include "compress/method.h"
#include "data/rng.h"
#include "kernels.h"
#include "model/net.h"
#include "model/param_init.h"
#include "train/buckets.h"

namespace bitvote {
namespace {

// Four layers of 10 + 2, 300 + 20, 40 + 4 and 5000 + 50 floats, in arena order.
std::vector<Segment> four_layers() {
    std::vector<Segment> s;
    size_t offset = 0;
    auto add = [&](const char* name, size_t count) {
        s.push_back({name, offset, count});
        offset += count;
    };
    add("conv1.weight", 10), add("conv1.bias", 2), add("conv2.weight", 300), add("conv2.bias", 20);
    add("fc1.weight", 40), add("fc1.bias", 4), add("fc2.weight", 5000), add("fc2.bias", 50);
    return s;
}
constexpr size_t d_four = 5426;

// The plan's invariants: reverse arena order, contiguous from d down to 0, whole layers.
void expect_plan_tiles_arena(const std::vector<Bucket>& plan, std::span<const LayerSpan> layers, size_t d) {
    size_t end = d;
    for (const Bucket& b : plan) {
        EXPECT_EQ(b.offset + b.count, end);
        end = b.offset;
        bool starts_at_layer = false;
        for (const LayerSpan& l : layers) starts_at_layer |= l.offset == b.offset;
        EXPECT_TRUE(starts_at_layer) << "bucket at " << b.offset << " splits a layer";
    }
    EXPECT_EQ(end, 0u);
}

TEST(BucketPlan, LayersJoinTheirWeightAndBias) {
    const std::vector<Segment> s = four_layers();
    const std::vector<LayerSpan> layers = layer_spans(s);
    ASSERT_EQ(layers.size(), 4u);
    EXPECT_EQ(layers[1].offset, 12u);
    EXPECT_EQ(layers[1].count, 320u);
    EXPECT_EQ(layers[1].first_segment, 2u);
    EXPECT_EQ(layers[1].segments, 2u);
    EXPECT_EQ(layers[3].offset + layers[3].count, d_four);
}

TEST(BucketPlan, BucketLargerThanTheModelIsOneBucket) {
    const std::vector<Segment> s = four_layers();
    const std::vector<LayerSpan> layers = layer_spans(s);
    const std::vector<Bucket> plan = bucket_plan(layers, 1 << 20, 1 << 20);
    ASSERT_EQ(plan.size(), 1u);
    EXPECT_EQ(plan[0].offset, 0u);
    EXPECT_EQ(plan[0].count, d_four);
    EXPECT_EQ(plan[0].first_segment, 0u);
    EXPECT_EQ(plan[0].segments, s.size());
    const std::vector<Bucket> whole = bucket_whole(layers);
    ASSERT_EQ(whole.size(), 1u);
    EXPECT_EQ(whole[0].count, d_four);
}

TEST(BucketPlan, BucketSmallerThanTheSmallestLayerIsOneLayerEach) {
    const std::vector<LayerSpan> layers = layer_spans(four_layers());
    const std::vector<Bucket> plan = bucket_plan(layers, 4, 4);  // one float
    ASSERT_EQ(plan.size(), 4u);
    for (size_t i = 0; i < 4; ++i) {
        EXPECT_EQ(plan[i].offset, layers[3 - i].offset);
        EXPECT_EQ(plan[i].count, layers[3 - i].count);
    }
    expect_plan_tiles_arena(plan, layers, d_four);
}

TEST(BucketPlan, BucketsStayWithinTheirCapUnlessOneLayerIsLarger) {
    const std::vector<LayerSpan> layers = layer_spans(four_layers());
    for (size_t cap : {4, 48, 176, 1280, 1328, 1500, 21704, 50000})
        for (size_t first : {size_t(4), size_t(200), cap}) {
            const std::vector<Bucket> plan = bucket_plan(layers, cap, first);
            expect_plan_tiles_arena(plan, layers, d_four);
            for (size_t i = 0; i < plan.size(); ++i) {
                const size_t limit = i == 0 ? first : cap, bytes = plan[i].count * sizeof(float);
                if (plan[i].segments > 2) {
                    EXPECT_LE(bytes, limit) << "cap " << cap << " first " << first;
                }
                // greedy: the next bucket's first layer did not fit
                if (i + 1 < plan.size()) {
                    const LayerSpan* next = nullptr;
                    for (const LayerSpan& l : layers)
                        if (l.offset + l.count == plan[i].offset) next = &l;
                    ASSERT_NE(next, nullptr);
                    EXPECT_GT((plan[i].count + next->count) * sizeof(float), limit);
                }
            }
        }
}

TEST(BucketPlan, FirstBucketIsSmall) {
    // fc2 (5050 floats, 20200 bytes) alone under a 1 KiB first cap; the rest in one 64 KiB bucket.
    const std::vector<LayerSpan> layers = layer_spans(four_layers());
    const std::vector<Bucket> plan = bucket_plan(layers, 64 * 1024, 1024);
    ASSERT_EQ(plan.size(), 2u);
    EXPECT_EQ(plan[0].offset, layers[3].offset);
    EXPECT_EQ(plan[1].offset, 0u);
    EXPECT_EQ(plan[1].segments, 6u);
}

TEST(BucketPlan, NoLayersNoBuckets) {
    EXPECT_TRUE(bucket_plan({}, 1024, 1024).empty());
    EXPECT_TRUE(bucket_whole({}).empty());
}

// ---- backward one layer at a time ----------------------------------------------------------

TEST(BackwardByLayer, EachReportedLayerIsFinalAndTheWholeMatchesForwardBackward) {
    const ModelSpec specs[] = {{ModelKind::mlp, 1, 4, 4, 3, {5, 3}}, {ModelKind::cnn, 3, 8, 8, 4, {2, 3, 5}}};
    for (const ModelSpec& spec : specs) {
        const int n = 4;
        Net net = net_create(spec, n, 1);
        std::vector<float> x(size_t(n) * spec.channels * spec.height * spec.width);
        uniform_fill(x, 1.0f, 5, 0);
        const std::vector<int32_t> labels = {0, 1, 2, 1};
        const float loss = net_forward_backward(&net, x.data(), labels.data(), n);
        const std::vector<float> final_grads(net_grads(net).begin(), net_grads(net).end());

        std::fill(net_grads(net).begin(), net_grads(net).end(), 7.0f);
        EXPECT_EQ(net_forward_loss(&net, x.data(), labels.data(), n), loss);
        const size_t d = net_param_count(net);
        size_t ready = d, previous = d, reports = 0;
        while (net_backward_layer(&net, &ready)) {
            ++reports;
            EXPECT_LT(ready, previous);
            previous = ready;
            std::span<const float> g = net_grads(net);
            EXPECT_EQ(std::memcmp(g.data() + ready, final_grads.data() + ready, (d - ready) * sizeof(float)), 0)
                << "gradients from " << ready << " are not final when reported";
        }
        EXPECT_EQ(previous, 0u);
        EXPECT_EQ(reports, layer_spans(net_segments(net)).size());
    }
}

// ---- a method per bucket ---------------------------------------------------------------------

// The message as d numbers: votes as -1/0/+1, values as themselves.
std::vector<float> message_numbers(const Message& m) {
    std::vector<float> out(m.d, 0.0f);
    auto bit = [](std::span<const uint64_t> b, size_t i) { return (b[i / 64] >> (i % 64)) & 1; };
    switch (m.kind) {
    case MessageKind::sign:
        for (size_t i = 0; i < m.d; ++i) out[i] = bit(m.bits, i) ? 1.0f : -1.0f;
        break;
    case MessageKind::ternary:
        for (size_t i = 0; i < m.d; ++i) out[i] = bit(m.voted, i) ? (bit(m.positive, i) ? 1.0f : -1.0f) : 0.0f;
        break;
    case MessageKind::sparse:
        for (size_t j = 0; j < m.indices.size(); ++j) out[m.indices[j]] = bit(m.signs, j) ? 1.0f : -1.0f;
        break;
    default: message_densify(m, out);
    }
    return out;
}

// The message as a one-rank update (what every exchange gives at P = 1).
Update update_of(const Message& m) {
    const std::vector<float> v = message_numbers(m);
    Update u;
    if (m.kind == MessageKind::sign) {
        u.kind = MessageKind::sign;
        u.bits.assign(m.bits.begin(), m.bits.end());
    } else if (m.kind == MessageKind::ternary || m.kind == MessageKind::sparse) {
        u.kind = MessageKind::ternary;
        u.voted.assign(bitmap_words(m.d), 0);
        u.positive.assign(bitmap_words(m.d), 0);
        for (size_t i = 0; i < m.d; ++i) {
            u.voted[i / 64] |= uint64_t(v[i] != 0) << (i % 64);
            u.positive[i / 64] |= uint64_t(v[i] > 0) << (i % 64);
        }
    } else {
        u.kind = MessageKind::fp32;
        u.values = v;
    }
    return u;
}

TEST(MethodPart, BucketsGiveTheWholeVectorsMessagesStateAndWeights) {
    const std::vector<Segment> segments = four_layers();
    const std::vector<LayerSpan> layers = layer_spans(segments);
    // magsparse twice: B from max|g| and from --magsparse-density (rho 0.2).
    for (auto [k, rho] : {std::pair{MethodKind::sgd, 0.0}, {MethodKind::signsgd, 0.0}, {MethodKind::signum, 0.0},
                          {MethodKind::s3gd, 0.0}, {MethodKind::magsparse, 0.0}, {MethodKind::magsparse, 0.2},
                          {MethodKind::topk, 0.0}}) {
        ASSERT_TRUE(method_per_layer(k));
        MethodConfig cfg;
        cfg.kind = k;
        cfg.magsparse_density = rho;
        cfg.density = 0.05;
        cfg.seed = 9;
        cfg.weight_decay = 0.01f;
        Method whole = method_make(cfg, segments, d_four);
        const std::vector<Bucket> plan = bucket_plan(layers, 1300, 200);
        ASSERT_GE(plan.size(), 3u);
        std::vector<Method> parts;
        for (const Bucket& b : plan)
            parts.push_back(method_make_part(cfg, std::span(segments).subspan(b.first_segment, b.segments), b.offset,
                                             b.count));
        std::vector<float> w_whole(d_four), w_parts(d_four);
        uniform_fill(w_whole, 0.5f, 3, 0);
        w_parts = w_whole;
        Rng rng(uint64_t(k) + 1);
        for (int64_t step = 0; step < 3; ++step) {
            std::vector<float> g(d_four);
            for (float& x : g) x = rng.below(7) == 0 ? 0.0f : float(int(rng.below(2001)) - 1000) / 1000.0f;
            method_measure_scales(&whole, g);  // one rank: the measured scales are the agreed ones
            const Message m = method_compress(&whole, g, step);
            const std::vector<float> expect = message_numbers(m);
            method_apply(&whole, update_of(m), w_whole, step);
            std::vector<Update> updates;
            for (size_t i = 0; i < plan.size(); ++i) {
                const Bucket& b = plan[i];
                const std::span<const float> gb = std::span<const float>(g).subspan(b.offset, b.count);
                method_measure_scales(&parts[i], gb);
                const Message mp = method_compress(&parts[i], gb, step);
                const std::vector<float> got = message_numbers(mp);
                EXPECT_EQ(std::memcmp(got.data(), expect.data() + b.offset, b.count * sizeof(float)), 0)
                    << method_name(k) << " rho " << rho << " step " << step << " bucket " << i;
                updates.push_back(update_of(mp));
            }
            for (size_t i = 0; i < plan.size(); ++i)
                method_apply(&parts[i], updates[i], std::span(w_parts).subspan(plan[i].offset, plan[i].count), step);
            EXPECT_EQ(std::memcmp(w_parts.data(), w_whole.data(), d_four * sizeof(float)), 0)
                << method_name(k) << " rho " << rho << " step " << step << ": weights differ";
        }
    }
}

TEST(MethodPart, WholeGradientMethodsSaySo) {
    EXPECT_FALSE(method_per_layer(MethodKind::efsign));
    EXPECT_FALSE(method_per_layer(MethodKind::noisysign));
}

}  // namespace
}  // namespace bitvote
