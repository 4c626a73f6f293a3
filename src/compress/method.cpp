// The method table (one row per --method), the start-up checks, method_make,
// method_compress and the optimizers behind method_apply.
#include "compress/method.h"

#include <algorithm>
#include <cmath>

#include "comm/collectives.h"
#include "comm/mpi_check.h"
#include "compress/compressors.h"
#include "compress/magsparse_scale.h"
#include "kernels.h"

namespace bitvote {

namespace {

// The [d] float buffers a method's state uses besides its message (method_make).
// needs_scales: one float per layer (magsparse's B).
enum StateBuffers : unsigned { no_state = 0, needs_memory = 1, needs_velocity = 2, needs_scratch = 4, needs_scales = 8 };

struct MethodRow {
    MethodKind kind;
    std::string_view name;
    MessageKind message;
    unsigned state;  // StateBuffers
    // Best of a small grid on Fashion-MNIST, mlp, 4 ranks x batch 64, 2 epochs
    // (sgd 0.05: 86.2 %, signsgd 1e-4: 80.3 %, signum 1e-4: 84.3 %, s3gd 0.01:
    // 87.2 %, magsparse 3e-3: 84.8 %, noisysign 1e-4 (b = 1e-3): 79.9 %,
    // efsign 0.3: 86.0 %, topk 0.1: 85.9 % test accuracy).
    float default_lr;
    Message (*compress)(Method* m, std::span<const float> grad, int64_t step);
    void (*apply)(Method* m, const Update& u, std::span<float> w);
};

const MethodRow methods[] = {  // in MethodKind order
    {MethodKind::sgd, "sgd", MessageKind::fp32, needs_velocity, 0.05f, compress_sgd, apply_heavy_ball},
    {MethodKind::signsgd, "signsgd", MessageKind::sign, no_state, 1e-4f, compress_signsgd, apply_vote},
    {MethodKind::signum, "signum", MessageKind::sign, needs_memory, 1e-4f, compress_signum, apply_vote},
    {MethodKind::s3gd, "s3gd", MessageKind::sparse, needs_memory, 0.01f, compress_s3gd, apply_vote},
    {MethodKind::magsparse, "magsparse", MessageKind::ternary, needs_scales, 3e-3f, compress_magsparse, apply_vote},
    {MethodKind::noisysign, "noisysign", MessageKind::sign, needs_scratch, 1e-4f, compress_noisysign, apply_vote},
    {MethodKind::efsign, "efsign", MessageKind::scaled_sign, needs_memory, 0.3f, compress_efsign, apply_delta},
    {MethodKind::topk, "topk", MessageKind::sparse_fp32, needs_memory | needs_velocity, 0.1f, compress_topk, apply_sgd},
    // Served (method_serves): the worker's compressor is compress/samomentum.h, the server's apply train/async_server.cpp.
    {MethodKind::dgs, "dgs", MessageKind::sparse_fp32, no_state, 0.05f, nullptr, nullptr},
    {MethodKind::asgd, "asgd", MessageKind::fp32, no_state, 0.05f, nullptr, nullptr},
};

const MethodRow& row(MethodKind k) { return methods[size_t(k)]; }

const std::string_view attack_names_[] = {"flip", "random", "zero", "scaled", "alie"};

template <class Kind, size_t N>
bool parse_name(const std::string_view (&names)[N], std::string_view name, Kind* out) {
    for (size_t i = 0; i < N; ++i)
        if (names[i] == name) return *out = Kind(i), true;
    return false;
}

std::string join(const std::vector<std::string_view>& names) {
    std::string s;
    for (std::string_view n : names) s += (s.empty() ? "" : ", ") + std::string(n);
    return s;
}

// The methods that send messages of kind k.
std::string methods_sending(MessageKind k) {
    std::vector<std::string_view> names;
    for (const MethodRow& r : methods)
        if (r.message == k) names.push_back(r.name);
    return join(names);
}

// w *= 1 - lr wd (the decay term of w -= lr (u + wd w)), before a fused apply.
void decay_weights(const MethodConfig& cfg, std::span<float> w) {
    if (cfg.weight_decay == 0) return;
    const float keep = 1 - cfg.lr * cfg.weight_decay;
    for (float& x : w) x *= keep;
}

// A message of the method's kind that votes nothing: values 0 (fp32), no
// list, no ternary vote, scale 0; a dense sign's bits (0 here) are left out
// by the exchange.
Message message_abstain(Method* m, size_t d) {
    Message msg;
    switch (row(m->cfg.kind).message) {
        case MessageKind::fp32:
            m->values.assign(d, 0.0f);
            msg = message_fp32(m->values);
            break;
        case MessageKind::sign:
            std::fill(m->bits.begin(), m->bits.end(), 0);
            msg = message_sign(m->bits, d);
            break;
        case MessageKind::ternary:
            std::fill(m->voted.begin(), m->voted.end(), 0);
            std::fill(m->positive.begin(), m->positive.end(), 0);
            msg = message_ternary(m->voted, m->positive, d);
            break;
        case MessageKind::sparse: msg = message_sparse({}, {}, d); break;
        case MessageKind::scaled_sign:
            std::fill(m->bits.begin(), m->bits.end(), 0);
            msg = message_scaled_sign(m->bits, 0.0f, d);
            break;
        case MessageKind::sparse_fp32: msg = message_sparse_fp32({}, {}, d); break;
    }
    msg.abstains = true;
    return msg;
}

void expect_update(const Method& m, const Update& u, bool ok) {
    if (!ok)
        fatal("method '%s' got a %s update (its message is %s)", std::string(row(m.cfg.kind).name).c_str(),
              std::string(message_kind_name(u.kind)).c_str(),
              std::string(message_kind_name(row(m.cfg.kind).message)).c_str());
}

}  // namespace

std::string_view method_name(MethodKind k) { return row(k).name; }

bool method_parse(std::string_view name, MethodKind* out) {
    for (const MethodRow& r : methods)
        if (r.name == name) return *out = r.kind, true;
    return false;
}

std::vector<std::string_view> method_names() {
    std::vector<std::string_view> names;
    for (const MethodRow& r : methods) names.push_back(r.name);
    return names;
}

float method_default_lr(MethodKind k) { return row(k).default_lr; }
bool method_serves(MethodKind k) { return k == MethodKind::dgs || k == MethodKind::asgd; }
float noise_default(MethodKind k) { return k == MethodKind::noisysign ? 1e-3f : 0.0f; }
MessageKind method_message_kind(MethodKind k) { return row(k).message; }

std::string_view attack_name(AttackKind k) { return attack_names_[size_t(k)]; }
bool attack_parse(std::string_view name, AttackKind* out) { return parse_name(attack_names_, name, out); }
std::vector<std::string_view> attack_names() { return {std::begin(attack_names_), std::end(attack_names_)}; }

std::string method_check(MethodKind k, const Strategy& s, AggregateKind a) {
    const MessageKind kind = row(k).message;
    const std::string method = "method '" + std::string(row(k).name) + "' sends " +
                               std::string(message_kind_name(kind)) + " messages";
    const Aggregator& agg = aggregator_of(a);
    if (agg.uses_strategy) {
        if (strategy_check(s, kind).empty()) return "";
        std::vector<std::string_view> valid;
        for (const Strategy& t : strategy_table())
            if (t.accepts & kind_bit(kind)) valid.push_back(t.name);
        return method + "; strategy '" + std::string(s.name) + "' cannot exchange them (valid strategies: " +
               join(valid) + ")";
    }
    if (agg.accepts & kind_bit(kind)) return "";
    std::vector<std::string_view> kinds, senders;
    for (int i = 0; i < message_kind_count; ++i)
        if (agg.accepts & kind_bit(MessageKind(i))) {
            kinds.push_back(message_kind_name(MessageKind(i)));
            for (const MethodRow& r : methods)
                if (r.message == MessageKind(i)) senders.push_back(r.name);
        }
    return method + "; --aggregate " + std::string(agg.name) + " needs " + join(kinds) + " messages (methods: " +
           join(senders) + ")";
}

std::string attack_check(MethodKind k, AttackKind a) {
    const MessageKind kind = row(k).message;
    if (a == AttackKind::scaled && !message_has_values(kind))
        return "--attack scaled needs a message with values (methods: " + methods_sending(MessageKind::fp32) + ", " +
               methods_sending(MessageKind::scaled_sign) + ", " + methods_sending(MessageKind::sparse_fp32) + ")";
    if (a == AttackKind::alie && kind != MessageKind::fp32)
        return "--attack alie needs fp32 messages (methods: " + methods_sending(MessageKind::fp32) + ")";
    if (a == AttackKind::zero && kind == MessageKind::sign)
        return "--attack zero cannot abstain in a dense sign message (method '" + std::string(row(k).name) +
               "'); use a ternary, sparse or fp32 method";
    return "";
}

bool method_per_layer(MethodKind k) { return k != MethodKind::efsign && k != MethodKind::noisysign; }

Method method_make_part(const MethodConfig& cfg, std::span<const Segment> segments, size_t offset, size_t count) {
    if (!method_per_layer(cfg.kind) && offset != 0)
        fatal("method '%s' reads the whole gradient: it cannot run on a part", std::string(row(cfg.kind).name).c_str());
    std::vector<Segment> part;
    for (const Segment& s : segments) part.push_back({s.name, s.offset - offset, s.count});
    Method m = method_make(cfg, part, count);
    m.arena_offset = offset;
    return m;
}

Method method_make(const MethodConfig& cfg, std::span<const Segment> segments, size_t d) {
    Method m;
    m.cfg = cfg;
    if (m.cfg.lr == 0) m.cfg.lr = method_default_lr(cfg.kind);
    if (m.cfg.noise < 0) m.cfg.noise = noise_default(cfg.kind);
    m.segments.assign(segments.begin(), segments.end());
    if (m.segments.empty()) m.segments.push_back({"all", 0, d});
    const unsigned state = row(cfg.kind).state;
    if (state & needs_memory) m.memory.assign(d, 0.0f);
    if (state & needs_velocity) m.velocity.assign(d, 0.0f);
    if (state & needs_scratch) m.values.assign(d, 0.0f);
    if (state & needs_scales) m.scales.assign(m.segments.size(), float(cfg.budget));
    switch (row(cfg.kind).message) {
        case MessageKind::sign:
        case MessageKind::scaled_sign: m.bits.assign(bitmap_words(d), 0); break;
        case MessageKind::ternary:
            m.voted.assign(bitmap_words(d), 0);
            m.positive.assign(bitmap_words(d), 0);
            break;
        default: break;  // fp32 sends the gradient itself; lists grow as they are selected
    }
    return m;
}

bool method_shares_scales(const MethodConfig& cfg) { return cfg.kind == MethodKind::magsparse && cfg.budget == 0; }

void method_measure_scales(Method* m, std::span<const float> grad) {
    if (!method_shares_scales(m->cfg)) return;
    const double rho = m->cfg.magsparse_density;
    for (size_t l = 0; l < m->segments.size(); ++l) {
        std::span<const float> g = grad.subspan(m->segments[l].offset, m->segments[l].count);
        if (!gradient_finite(g)) m->scales[l] = 0;  // this rank abstains (method_compress): no say in B
        else m->scales[l] = rho > 0 ? density_scale(g, rho, &m->values) : abs_max(g);  // values: solver scratch
    }
}

void method_agree_scales(Comm* c, Method* m) {
    if (method_shares_scales(m->cfg)) allreduce_max_floats(c, m->scales.data(), m->scales.size());
}

void method_states(Method* m, const std::string& prefix, StateList* out) {
    state_add(out, prefix + "memory", m->memory);
    state_add(out, prefix + "velocity", m->velocity);
}

bool gradient_finite(std::span<const float> grad) {
    if (std::isfinite(kernels().stream_sum(grad))) return true;
    return std::all_of(grad.begin(), grad.end(), [](float g) { return std::isfinite(g); });
}

std::string gradient_check(std::span<const float> grad, int64_t step) {
    if (gradient_finite(grad)) return "";
    for (size_t i = 0; i < grad.size(); ++i)
        if (!std::isfinite(grad[i]))
            return "non-finite gradient at step " + std::to_string(step) + ": g[" + std::to_string(i) +
                   "] = " + std::to_string(grad[i]) + " (lower --lr, or check the data)";
    return "";
}

Message method_compress(Method* m, std::span<const float> grad, int64_t step) {
    if (!gradient_finite(grad)) return message_abstain(m, grad.size());
    return row(m->cfg.kind).compress(m, grad, step);
}

void method_apply(Method* m, const Update& update, std::span<float> weights, int64_t) {
    row(m->cfg.kind).apply(m, update, weights);
}

void apply_vote(Method* m, const Update& u, std::span<float> w) {
    expect_update(*m, u, u.kind == MessageKind::sign || u.kind == MessageKind::ternary);
    decay_weights(m->cfg, w);
    if (u.kind == MessageKind::sign) sign_unpack_apply(u.bits, m->cfg.lr, w);
    else ternary_unpack_apply(u.voted, u.positive, m->cfg.lr, w);
}

namespace {

// v = mu v + (u + wd w); w -= lr v.
void sgd_step(Method* m, const Update& u, std::span<float> w, float mu) {
    expect_update(*m, u, u.kind == MessageKind::fp32 && u.values.size() == w.size());
    const float wd = m->cfg.weight_decay, lr = m->cfg.lr;
    for (size_t i = 0; i < w.size(); ++i) {
        m->velocity[i] = mu * m->velocity[i] + (u.values[i] + wd * w[i]);
        w[i] -= lr * m->velocity[i];
    }
}

}  // namespace

void apply_heavy_ball(Method* m, const Update& u, std::span<float> w) { sgd_step(m, u, w, m->cfg.momentum); }

void apply_sgd(Method* m, const Update& u, std::span<float> w) { sgd_step(m, u, w, 0.0f); }

void apply_delta(Method* m, const Update& u, std::span<float> w) {
    expect_update(*m, u, u.kind == MessageKind::fp32 && u.values.size() == w.size());
    decay_weights(m->cfg, w);
    for (size_t i = 0; i < w.size(); ++i) w[i] -= u.values[i];
}

}  // namespace bitvote
