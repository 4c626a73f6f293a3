// --local-steps T (train/local_steps.h) without MPI: what a rank sends is the
// sum of the T local gradients, as exact as fp32 addition makes it, and the
// weights come back to w0.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "data/data.h"
#include "model/net.h"
#include "train/local_steps.h"

namespace bitvote {
namespace {

const ModelSpec small_mlp{ModelKind::mlp, 1, 6, 6, 4, {16, 8}};

// 40 samples of 6 x 6 bytes and labels 0..3, from a fixed pattern.
Shard shard_make() {
    Shard s;
    for (int i = 0; i < 40; ++i) {
        s.index.push_back(i);
        s.labels.push_back(uint8_t(i % 4));
        for (int p = 0; p < 36; ++p) s.images.push_back(uint8_t((i * 37 + p * 11 + (i % 4) * p) % 256));
    }
    return s;
}

// T = 3 local steps at lr 0.01 from the same weights and batches as a replay
// of plain SGD: the message is the fp32 sum of the replay's gradients to
// within its own rounding (|error| <= 2^-22 sum |g|, two additions). Read
// back from the weights, (w0 - w_T) / lr, it was off by w's rounding over lr
// (~1e-7 absolute for |w| ~ 0.3), hundreds of times more.
TEST(LocalSteps, SendsTheSumOfTheLocalGradients) {
    const Shard shard = shard_make();
    DataInfo info;
    info.classes = 4, info.shape = {1, 6, 6}, info.mean = 0.5, info.std = 0.3;
    const int batch_size = 8, T = 3;
    const float lr = 0.01f;
    Net net = net_create(small_mlp, batch_size, 5), replay = net_create(small_mlp, batch_size, 5);
    const size_t d = net_param_count(net);
    const std::vector<float> w0(net_weights(net).begin(), net_weights(net).end());
    Loader loader = loader_make(shard, info, batch_size, 7, 0), replay_loader = loader;
    Batch batch, replay_batch;

    batch_next(&loader, &batch);
    float loss = net_forward_backward(&net, batch.images.data(), batch.labels.data(), batch.n);
    LocalSteps ls = local_steps_make(T, lr, d);
    std::span<const float> sent = local_steps_run(&ls, &net, &loader, &batch, &loss);

    std::vector<double> sum(d, 0), magnitude(d, 0);
    for (int t = 0; t < T; ++t) {
        batch_next(&replay_loader, &replay_batch);
        net_forward_backward(&replay, replay_batch.images.data(), replay_batch.labels.data(), replay_batch.n);
        std::span<const float> g = net_grads(replay);
        std::span<float> w = net_weights(replay);
        for (size_t i = 0; i < d; ++i) {
            sum[i] += g[i], magnitude[i] += std::fabs(g[i]);
            w[i] -= lr * g[i];
        }
    }
    size_t off = 0;
    for (size_t i = 0; i < d; ++i) off += std::fabs(sent[i] - sum[i]) > 0x1.0p-22 * magnitude[i];
    EXPECT_EQ(off, 0u) << "of " << d << " coordinates";
    EXPECT_EQ(std::memcmp(net_weights(net).data(), w0.data(), d * sizeof(float)), 0) << "weights back at w0";
}

}  // namespace
}  // namespace bitvote
