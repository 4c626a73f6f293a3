// DGS's pieces without MPI (DESIGN.md 3): SAMomentum's sparsification-aware
// correction, the server's downward selection and the copy it keeps of each
// worker, the message format both ways, and the staleness summary.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "compress/model_difference.h"
#include "compress/samomentum.h"
#include "compress/topk_per_layer.h"
#include "kernels.h"
#include "train/async_protocol.h"
#include "train/staleness.h"
#include "train/train_config.h"

namespace bitvote {
namespace {

// Two layers of 10 and 6 floats; density 0.2 sends ceil(2) + ceil(1.2) = 2 + 2.
const std::vector<Segment> layers = {{"a", 0, 10}, {"b", 10, 6}};
constexpr double density = 0.2;

std::vector<float> ramp(size_t d, float scale, float shift) {
    std::vector<float> x(d);
    for (size_t i = 0; i < d; ++i) x[i] = scale * float((i * 7 + 3) % 11) - shift;
    return x;
}

// u = m u + lr (g + wd w), then the per-layer top-K of |u| are sent; the sent
// entries of u become 0 and the unsent ones u / m (not u: that is plain
// momentum, and the test fails on it).
TEST(SAMomentum, SendsTheTopKAndCorrectsTheRest) {
    const size_t d = 16;
    const float lr = 0.1f, m = 0.5f, wd = 0.01f;
    std::vector<float> u = ramp(d, 0.01f, 0.02f), g = ramp(d, 1, 4), w = ramp(d, 0.3f, 1);
    std::vector<float> want(d);
    for (size_t i = 0; i < d; ++i) want[i] = m * u[i] + lr * (g[i] + wd * w[i]);
    samomentum_accumulate(u, g, w, lr, m, wd);
    ASSERT_EQ(u, want);

    SparseUpdate sent;
    samomentum_send(layers, density, m, u, &sent);
    std::vector<uint32_t> top;
    topk_per_layer(layers, density, want, &top);
    ASSERT_EQ(sent.indices, top);
    ASSERT_EQ(sent.indices.size(), size_t(4));
    std::vector<bool> is_sent(d, false);
    for (size_t j = 0; j < sent.indices.size(); ++j) {
        EXPECT_EQ(sent.values[j], want[sent.indices[j]]);
        is_sent[sent.indices[j]] = true;
    }
    for (size_t i = 0; i < d; ++i) EXPECT_EQ(u[i], is_sent[i] ? 0.0f : want[i] / m) << "i = " << i;
}

// The point of the correction: a coordinate that waits carries the whole
// sum of its lr g (plain momentum would have decayed the old terms by m per
// step), and is sent with it once it is large enough.
TEST(SAMomentum, AnUnsentEntryAccumulatesItsWholeGradientSum) {
    const std::vector<Segment> one = {{"all", 0, 4}};
    const float lr = 0.5f, m = 0.25f;  // powers of two: every step exact
    std::vector<float> u(4, 0), w(4, 0);
    SparseUpdate sent;
    const std::vector<float> g = {8, 1, 0, 0};  // K = 1 of 4: coordinate 0 always wins, 1 waits
    for (int step = 1; step <= 3; ++step) {
        samomentum_accumulate(u, g, w, lr, m, 0);
        samomentum_send(one, 0.25, m, u, &sent);
        ASSERT_EQ(sent.indices, std::vector<uint32_t>{0});
        EXPECT_EQ(sent.values[0], 4.0f) << "sent entries restart from zero";
        EXPECT_EQ(m * u[1], lr * float(step)) << "step " << step;
    }
}

// The server answers with the per-layer top-K of w - copy and moves the copy
// by exactly what it sent, so a worker that adds the answer to its model
// holds the copy bit for bit; what is left is the largest unsent |w - copy|.
TEST(DownwardSelection, SendsTheTopDifferenceAndKeepsTheCopyExact) {
    const size_t d = 16;
    const std::vector<float> w = ramp(d, 0.37f, 2);
    std::vector<float> copy = ramp(d, 0.11f, 0.5f), worker = copy, diff;
    std::vector<float> want_diff(d);
    for (size_t i = 0; i < d; ++i) want_diff[i] = w[i] - copy[i];
    std::vector<uint32_t> top;
    topk_per_layer(layers, density, want_diff, &top);

    SparseUpdate answer;
    model_difference_send(layers, density, w, copy, &diff, &answer);
    ASSERT_EQ(answer.indices, top);
    double unsent_max = 0;
    std::vector<bool> is_sent(d, false);
    for (size_t j = 0; j < top.size(); ++j) {
        EXPECT_EQ(answer.values[j], want_diff[top[j]]);
        is_sent[top[j]] = true;
    }
    for (size_t i = 0; i < d; ++i)
        if (!is_sent[i]) unsent_max = std::max(unsent_max, std::fabs(double(w[i]) - double(copy[i])));

    sparse_add(worker, answer, 1);
    EXPECT_EQ(worker, copy) << "the copy must be what the worker holds";
    EXPECT_GT(unsent_max, 0);
    EXPECT_EQ(max_abs_difference(worker, w), unsent_max) << "the sent entries are off by rounding at most";
}

// Bytes on the wire are the header, the codec's index stream and 4 K; the
// decoder gives back the same entries and rejects what is not a message.
TEST(AsyncProtocol, SparseMessageIsHeaderIndicesAndValues) {
    const size_t d = 1000;
    AsyncFormat f{uint32_t(d), 30, true};
    SparseUpdate u;
    for (uint32_t i = 5; i < d && u.indices.size() < 30; i += 33) {
        u.indices.push_back(i);
        u.values.push_back(float(i % 7) - 3.5f);
    }
    std::vector<uint64_t> signs(bitmap_words(u.indices.size()), 0);
    for (size_t j = 0; j < u.values.size(); ++j) signs[j / 64] |= uint64_t(u.values[j] > 0) << (j % 64);
    std::vector<uint8_t> stream(indices_encode_bound(d, u.indices.size()));
    const size_t index_bytes = indices_encode(u.indices, signs, uint32_t(d), stream);

    std::vector<uint8_t> msg;
    const size_t bytes = async_encode_sparse(f, u, 1.5f, &msg);
    EXPECT_EQ(bytes, async_header_bytes + index_bytes + 4 * u.indices.size());
    EXPECT_LE(bytes, async_message_bound(f));
    SparseUpdate back;
    float loss = 0;
    ASSERT_EQ(async_decode_sparse(f, std::span(msg).first(bytes), &back, &loss), "");
    EXPECT_EQ(back.indices, u.indices);
    EXPECT_EQ(back.values, u.values);
    EXPECT_EQ(loss, 1.5f);

    EXPECT_NE(async_decode_sparse(f, std::span(msg).first(bytes - 1), &back, &loss), "") << "a value cut short";
    EXPECT_NE(async_decode_sparse(f, std::span(msg).first(4), &back, &loss), "") << "no header";
    std::vector<uint8_t> bad = msg;
    bad[0] = 0xff;  // the index stream overruns the message
    EXPECT_NE(async_decode_sparse(f, std::span(bad).first(bytes), &back, &loss), "");
}

TEST(AsyncProtocol, DenseMessageIsHeaderAndFourBytesPerCoordinate) {
    AsyncFormat f{5, 0, false};
    const std::vector<float> x = {1, -2, 3, -4, 5};
    std::vector<uint8_t> msg;
    ASSERT_EQ(async_encode_dense(f, x, 0, &msg), async_header_bytes + 20);
    std::vector<float> back(5);
    float loss = 1;
    ASSERT_EQ(async_decode_dense(f, std::span(msg).first(28), back, &loss), "");
    EXPECT_EQ(back, x);
    EXPECT_NE(async_decode_dense(f, std::span(msg).first(24), back, &loss), "");
}

TEST(Staleness, MeanAndNearestRankPercentiles) {
    std::vector<int64_t> s;
    for (int64_t i = 1; i <= 100; ++i) s.push_back(101 - i);  // 100 .. 1, unsorted on purpose
    const StalenessSummary got = staleness_summarize(s);
    EXPECT_EQ(got.mean, 50.5);
    EXPECT_EQ(got.p50, 50);
    EXPECT_EQ(got.p99, 99);
    EXPECT_EQ(got.max, 100);
    const StalenessSummary none = staleness_summarize({});
    EXPECT_EQ(none.max, 0);
}

// The flags a served method refuses, one message each.
TEST(AsyncConfig, RefusesWhatTheServerCannotRun) {
    TrainConfig c;
    c.method.kind = MethodKind::dgs;
    EXPECT_EQ(train_config_check(c), "");
    c.async = true;
    EXPECT_EQ(train_config_check(c), "");
    c.overlap = true;
    EXPECT_EQ(train_config_check(c), "--method dgs (rank 0 serves the model) cannot run with --overlap");
    c.overlap = false;
    c.method.momentum = 0;
    EXPECT_EQ(train_config_check(c), "--method dgs needs --momentum > 0 (SAMomentum divides the unsent entries by it)");
    c.method.kind = MethodKind::asgd;
    EXPECT_EQ(train_config_check(c), "");
    c.async = false;
    EXPECT_EQ(train_config_check(c), "--method asgd needs --async (dense synchronous SGD is --method sgd)");
    c.method.kind = MethodKind::s3gd;
    c.async = true;
    EXPECT_EQ(train_config_check(c), "--async applies to --method dgs and asgd only (--method s3gd runs in lock step)");
}

}  // namespace
}  // namespace bitvote
