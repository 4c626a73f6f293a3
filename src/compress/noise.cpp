// The noise of noisysign and of noisy medianSGD (DESIGN.md section 3):
// out = x + b xi per coordinate, xi keyed by (key, index) alone, so the bits
// are the same whatever the thread count, and any rank can redraw another's.
#include <cmath>
#include <numbers>
#include <utility>

#include "compress/compressors.h"

namespace bitvote {

namespace {

// Two independent standard normals from one 64-bit draw (Box-Muller on two
// 24-bit uniforms): the pair for coordinates 2k and 2k + 1.
std::pair<float, float> draw_normal_pair(uint64_t key, uint64_t k) {
    uint64_t h = draw_bits(key, k);
    float u1 = float((h >> 40) + 1) * 0x1.0p-24f, u2 = float(h & 0xffffff) * 0x1.0p-24f;  // (0, 1], [0, 1)
    float r = std::sqrt(-2.0f * std::log(u1)), theta = 2.0f * std::numbers::pi_v<float> * u2;
    return {r * std::cos(theta), r * std::sin(theta)};
}

}  // namespace

void noise_add(uint64_t key, float b, NoiseKind kind, std::span<const float> x, std::span<float> out) {
    const size_t d = x.size();
    if (kind == NoiseKind::gaussian) {
#pragma omp parallel for schedule(static)
        for (size_t k = 0; k < (d + 1) / 2; ++k) {
            auto [z0, z1] = draw_normal_pair(key, k);
            out[2 * k] = x[2 * k] + b * z0;
            if (2 * k + 1 < d) out[2 * k + 1] = x[2 * k + 1] + b * z1;
        }
    } else {
#pragma omp parallel for schedule(static)
        for (size_t i = 0; i < d; ++i) out[i] = x[i] + b * (2 * draw_uniform(key, i) - 1);
    }
}

}  // namespace bitvote
