// The compressors and optimizers behind the method table (method.cpp), and
// the counter-based draws the stochastic ones share.
#pragma once

#include <cstdint>
#include <span>

#include "compress/method.h"
#include "base/splitmix64.h"  // seed_mix

namespace bitvote {

// One compressor per method (compressors.cpp): grad [d] -> this step's message.
Message compress_sgd(Method* m, std::span<const float> grad, int64_t step);
Message compress_signsgd(Method* m, std::span<const float> grad, int64_t step);
Message compress_signum(Method* m, std::span<const float> grad, int64_t step);
Message compress_s3gd(Method* m, std::span<const float> grad, int64_t step);
Message compress_magsparse(Method* m, std::span<const float> grad, int64_t step);
Message compress_noisysign(Method* m, std::span<const float> grad, int64_t step);
Message compress_efsign(Method* m, std::span<const float> grad, int64_t step);
Message compress_topk(Method* m, std::span<const float> grad, int64_t step);

// The optimizers (method.cpp): weights [d] moved by the agreed update.
void apply_vote(Method* m, const Update& u, std::span<float> w);        // w -= lr (vote + wd w)
void apply_heavy_ball(Method* m, const Update& u, std::span<float> w);  // v = mu v + u + wd w; w -= lr v
void apply_sgd(Method* m, const Update& u, std::span<float> w);         // w -= lr (u + wd w): no momentum
void apply_delta(Method* m, const Update& u, std::span<float> w);       // w -= u + lr wd w

// Draws keyed by (seed, purpose, rank, step) once per step, then by index i,
// so any rank can recompute any other rank's draws.
enum class DrawPurpose : uint64_t { magsparse = 1, noise = 2, attack = 3 };
inline uint64_t draw_key(const MethodConfig& cfg, DrawPurpose purpose, int64_t step) {
    return seed_mix(seed_mix(seed_mix(cfg.seed, uint64_t(purpose)), uint64_t(cfg.rank)), uint64_t(step));
}
inline uint64_t draw_bits(uint64_t key, uint64_t i) { return seed_mix(key, i); }
// Uniform in [0, 1), 24 bits.
inline float draw_uniform(uint64_t key, uint64_t i) { return float(draw_bits(key, i) >> 40) * 0x1.0p-24f; }

// out = x + b xi (noise.cpp), out and x [d] (they may alias): gaussian xi ~
// N(0, 1) (b = the standard deviation), drawn in pairs of coordinates (2k,
// 2k + 1) keyed by k; uniform xi on [-1, 1] (b = the half-width) keyed by i.
void noise_add(uint64_t key, float b, NoiseKind kind, std::span<const float> x, std::span<float> out);

}  // namespace bitvote
