// The compressors of DESIGN.md section 3: grad [d] -> one rank's message.
// sign(0) = +1 for dense signs (sign_pack); ternary and sparse messages vote
// only where the value is nonzero.
#include <cmath>

#include "compress/compressors.h"
#include "compress/topk_per_layer.h"
#include "kernels.h"

namespace bitvote {

namespace {

// m->indices = every layer's top-K of |acc| (compress/topk_per_layer.h).
void select_topk_per_layer(Method* m, std::span<const float> acc) {
    topk_per_layer(m->segments, m->cfg.density, acc, &m->indices);
}

Message sign_message(Method* m, std::span<const float> x) {
    sign_pack(x, m->bits);
    return message_sign(m->bits, x.size());
}

}  // namespace

// g itself; with noise b > 0 (noisy medianSGD: --aggregate median --noise b)
// g + b xi, drawn as noisysign draws it.
Message compress_sgd(Method* m, std::span<const float> grad, int64_t step) {
    if (m->cfg.noise == 0) return message_fp32(grad);
    m->values.resize(grad.size());
    noise_add(draw_key(m->cfg, DrawPurpose::noise, step), m->cfg.noise, m->cfg.noise_kind, grad, m->values);
    return message_fp32(m->values);
}

Message compress_signsgd(Method* m, std::span<const float> grad, int64_t) { return sign_message(m, grad); }

// v = beta v + (1 - beta) g; send sign(v).
Message compress_signum(Method* m, std::span<const float> grad, int64_t) {
    const float beta = m->cfg.momentum;
    for (size_t i = 0; i < grad.size(); ++i) m->memory[i] = beta * m->memory[i] + (1 - beta) * grad[i];
    return sign_message(m, m->memory);
}

// a = rho a + g (--accum rho; 1: a += g, 0: a = g); per layer the K largest
// |a| vote sign(a) (a zero entry does not vote); a = 0 where sent.
Message compress_s3gd(Method* m, std::span<const float> grad, int64_t) {
    const float rho = m->cfg.accum;
    for (size_t i = 0; i < grad.size(); ++i) m->memory[i] = rho * m->memory[i] + grad[i];
    select_topk_per_layer(m, m->memory);
    size_t k = 0;
    m->signs.assign(bitmap_words(m->indices.size()), 0);
    for (uint32_t i : m->indices) {
        float a = m->memory[i];
        if (a == 0) continue;
        m->signs[k / 64] |= uint64_t(a > 0) << (k % 64);
        m->indices[k++] = i;
        m->memory[i] = 0;
    }
    m->indices.resize(k);
    return message_sparse(m->indices, m->signs, grad.size());
}

// Per coordinate, with probability min(1, |g_i| / B) vote sign(g_i); B = the
// layer's scale (m->scales: method.h). One pass of the magsparse_pack kernel
// per layer, its draws keyed by (seed, rank, step) and the arena index, so a
// bucket (method_make_part) draws what the whole vector does. No error memory.
Message compress_magsparse(Method* m, std::span<const float> grad, int64_t step) {
    const uint64_t key = draw_key(m->cfg, DrawPurpose::magsparse, step);
    for (size_t l = 0; l < m->segments.size(); ++l) {
        const Segment& s = m->segments[l];
        magsparse_pack(grad.subspan(s.offset, s.count), m->scales[l], key, uint32_t(m->arena_offset + s.offset),
                       s.offset, m->voted, m->positive);
    }
    return message_ternary(m->voted, m->positive, grad.size());
}

// sign(g + b xi): noise_add's noise, fresh per rank, step and coordinate.
Message compress_noisysign(Method* m, std::span<const float> grad, int64_t step) {
    noise_add(draw_key(m->cfg, DrawPurpose::noise, step), m->cfg.noise, m->cfg.noise_kind, grad, m->values);
    return sign_message(m, m->values);
}

// p = lr g + e; delta = (|p|_1 / d) sign(p); e = p - delta. Sends delta as
// a scaled sign (sign(0) = +1, as sign_pack).
Message compress_efsign(Method* m, std::span<const float> grad, int64_t) {
    const size_t d = grad.size();
    double l1 = 0;
    for (size_t i = 0; i < d; ++i) {
        m->memory[i] += m->cfg.lr * grad[i];
        l1 += std::fabs(m->memory[i]);
    }
    const float scale = d ? float(l1 / double(d)) : 0.0f;
    sign_pack(m->memory, m->bits);
    for (float& e : m->memory) e -= e < 0 ? -scale : scale;
    return message_scaled_sign(m->bits, scale, d);
}

// a = e + g; per layer the K largest |a| are sent as (index, value) pairs;
// e = a with the sent entries zeroed.
Message compress_topk(Method* m, std::span<const float> grad, int64_t) {
    for (size_t i = 0; i < grad.size(); ++i) m->memory[i] += grad[i];
    select_topk_per_layer(m, m->memory);
    const size_t k = m->indices.size();
    if (m->values.size() < k) m->values.resize(k);  // the same K every step: sized once
    for (size_t j = 0; j < k; ++j) {
        m->values[j] = m->memory[m->indices[j]];
        m->memory[m->indices[j]] = 0;
    }
    return message_sparse_fp32(m->indices, std::span<const float>(m->values).first(k), grad.size());
}

}  // namespace bitvote
