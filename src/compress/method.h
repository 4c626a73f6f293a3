// A training method: how a rank turns its gradient into a message (the
// compressor, with its rank-local state) and how the agreed update moves the
// weights (the optimizer). DESIGN.md section 3 has the exact rules.
//
// The trainer's step, in order:
//   Message m = method_compress(&method, grad, step);         // compress phase
//   exchange(&comm, *strategy, m, &update);                   // comm phase (or aggregate_*)
//   method_apply(&method, update, weights, step);             // update phase
// Every rank applies the same update to the same weights, so weights stay
// bit-identical on all ranks; the trainer checks it with a checksum.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "comm/strategy.h"
#include "model/net.h"

namespace bitvote {

enum class MethodKind { sgd, signsgd, signum, s3gd, magsparse, noisysign, efsign, topk };
enum class NoiseKind { gaussian, uniform };

struct MethodConfig {
    MethodKind kind = MethodKind::sgd;
    float lr = 0;            // 0: the method's default (method_default_lr)
    float momentum = 0.9f;   // sgd (heavy ball), signum (beta), topk
    float weight_decay = 0;  // applied after the vote / mean, same on every rank
    double density = 0.01;   // s3gd, topk: K per layer = max(1, round(density * layer size));
                             // magsparse with budget < 0: target expected density
    double budget = 0;       // magsparse B: 0 = max|g| of the layer
    float noise = 0.01f;     // noisysign b
    NoiseKind noise_kind = NoiseKind::gaussian;
    int local_steps = 1;     // magsparse tau
    uint64_t seed = 0;       // stochastic methods: streams keyed by (seed, rank, step)
    int rank = 0;
};

// Rank-local state and the message buffers (spans in a Message point here).
struct Method {
    MethodConfig cfg;
    std::vector<Segment> segments;     // per-layer top-K and scales
    std::vector<float> state;          // momentum / error memory / accumulator, [d]
    std::vector<float> scratch;        // [d]
    std::vector<uint64_t> bits, voted, positive, signs;
    std::vector<uint32_t> indices;
    std::vector<float> values;
};

std::string_view method_name(MethodKind k);
bool method_parse(std::string_view name, MethodKind* out);
float method_default_lr(MethodKind k);
// The message kind this method sends (fp32, sign, ternary, sparse).
MessageKind method_message_kind(MethodKind k);

Method method_make(const MethodConfig& cfg, std::span<const Segment> segments, size_t d);
// Rejects non-finite gradients (a clear error naming the step) before they
// can reach the vote. The message's spans point into *m.
Message method_compress(Method* m, std::span<const float> grad, int64_t step);
// w -= lr * update (+ momentum / weight decay as the method says).
void method_apply(Method* m, const Update& update, std::span<float> weights, int64_t step);

}  // namespace bitvote
