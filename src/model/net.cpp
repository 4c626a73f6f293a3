// The network: layer table, arenas and segments, initialisation, and the per-batch-size plans
// that run it (see net.h).
#include "model/net.h"

#include <algorithm>
#include <cmath>

#include "model/loss.h"
#include "model/model_check.h"
#include "model/param_init.h"

namespace bitvote {

namespace {

using dnnl::memory;

constexpr memory::dim conv_kernel = 5;  // 5x5, 'same' padding

memory::dim product(const memory::dims& dims) {
    memory::dim n = 1;
    for (memory::dim d : dims) n *= d;
    return n;
}

// Appends a layer of `kind` with `out` channels or features (unused by relu and maxpool); its
// input is the previous layer's output, or `input` for the first layer.
void layer_append(std::vector<Layer>* layers, const memory::dims& input, LayerKind kind, memory::dim out) {
    Layer l{kind, layers->empty() ? input : layers->back().dst, {}, {}};
    const memory::dims& src = l.src;
    switch (kind) {
    case LayerKind::conv:
        l.dst = {out, src[1], src[2]};
        l.weights = {out, src[0], conv_kernel, conv_kernel};
        break;
    case LayerKind::fc:
        l.dst = {out};
        l.weights = {out};
        l.weights.insert(l.weights.end(), src.begin(), src.end());
        break;
    case LayerKind::relu: l.dst = src; break;
    case LayerKind::maxpool: l.dst = {src[0], src[1] / 2, src[2] / 2}; break;
    }
    layers->push_back(l);
}

std::vector<Layer> layers_of(const ModelSpec& spec) {
    std::vector<Layer> layers;
    const memory::dims input{spec.channels, spec.height, spec.width};
    auto add = [&](LayerKind kind, memory::dim out) { layer_append(&layers, input, kind, out); };
    if (spec.kind == ModelKind::cnn) {
        for (int i = 0; i < 2; ++i) {
            add(LayerKind::conv, spec.widths[i]);  // [batch, widths[i], H, W]
            add(LayerKind::relu, 0);
            add(LayerKind::maxpool, 0);  // [batch, widths[i], H/2, W/2]
        }
        add(LayerKind::fc, spec.widths[2]);
        add(LayerKind::relu, 0);
    } else {
        for (int width : spec.widths) {
            add(LayerKind::fc, width);
            add(LayerKind::relu, 0);
        }
    }
    add(LayerKind::fc, spec.classes);  // [batch, classes]
    return layers;
}

// Places each parameter layer's weights, then its bias, in the arena order; sets the layers'
// offsets and returns the segment table.
std::vector<Segment> segments_assign(std::vector<Layer>* layers) {
    std::vector<Segment> segments;
    size_t offset = 0;
    int convs = 0, fcs = 0;
    for (Layer& l : *layers) {
        if (l.weights.empty()) continue;
        const std::string name =
            l.kind == LayerKind::conv ? "conv" + std::to_string(++convs) : "fc" + std::to_string(++fcs);
        l.weights_offset = offset;
        segments.push_back({name + ".weight", offset, size_t(product(l.weights))});
        offset += segments.back().count;
        l.bias_offset = offset;
        segments.push_back({name + ".bias", offset, size_t(l.weights[0])});
        offset += segments.back().count;
    }
    return segments;
}

// Zeroed, 64-byte aligned.
Arena arena_alloc(size_t floats) {
    const size_t bytes = (floats * sizeof(float) + 63) / 64 * 64;
    float* p = static_cast<float*>(std::aligned_alloc(64, bytes));
    if (!p) MODEL_FAIL("cannot allocate an arena of " + std::to_string(bytes) + " bytes");
    std::fill(p, p + floats, 0.0f);
    return Arena(p);
}

// He-uniform weights keyed by (seed, layer index, element index); biases stay 0.
void weights_init(Net* net, uint64_t seed) {
    for (size_t i = 0; i < net->layers.size(); ++i) {
        const Layer& l = net->layers[i];
        if (l.weights.empty()) continue;
        const memory::dim count = product(l.weights), fan_in = count / l.weights[0];
        const float gain = i + 1 == net->layers.size() ? 3.0f : 6.0f;  // no ReLU after the last layer
        const float bound = std::sqrt(gain / float(fan_in));
        uniform_fill(std::span<float>(net->weights.get() + l.weights_offset, size_t(count)), bound, seed, i);
    }
}

Plan& plan_for(Net* net, int batch, bool training) {
    if (batch < 1) MODEL_FAIL("batch size " + std::to_string(batch) + " is not positive");
    auto [it, added] = net->plans.try_emplace({batch, training});
    if (added)
        it->second =
            DNNL_CHECK(plan_build(net->layers, net->weights.get(), net->grads.get(), batch, training, net->engine));
    return it->second;
}

// Runs the forward steps of `plan` on x [batch, C, H, W]; returns the logits [batch, classes].
float* forward_run(Net* net, Plan* plan, const float* x) {
    DNNL_CHECK(plan->input.set_data_handle(const_cast<float*>(x)));  // oneDNN only reads the input
    DNNL_CHECK(steps_run(plan->forward, net->stream));
    return static_cast<float*>(DNNL_CHECK(plan->logits.get_data_handle()));
}

}  // namespace

const char* model_kind_name(ModelKind kind) { return kind == ModelKind::cnn ? "cnn" : "mlp"; }

bool model_kind_parse(std::string_view name, ModelKind* kind) {
    for (ModelKind k : {ModelKind::mlp, ModelKind::cnn})
        if (name == model_kind_name(k)) {
            *kind = k;
            return true;
        }
    return false;
}

std::vector<int> model_default_widths(ModelKind kind) {
    return kind == ModelKind::cnn ? std::vector<int>{32, 64, 512} : std::vector<int>{256, 128};
}

std::string model_spec_error(const ModelSpec& spec) {
    if (spec.channels < 1 || spec.height < 1 || spec.width < 1)
        return "input " + std::to_string(spec.channels) + "x" + std::to_string(spec.height) + "x" +
               std::to_string(spec.width) + " has an empty dimension";
    if (spec.classes < 2) return "a classifier needs at least 2 classes, not " + std::to_string(spec.classes);
    for (int w : spec.widths)
        if (w < 1) return "layer width " + std::to_string(w) + " is not positive";
    if (spec.kind != ModelKind::cnn) return "";
    if (!spec.widths.empty() && spec.widths.size() != 3)
        return "cnn takes 3 widths (conv1 channels, conv2 channels, fc width), not " +
               std::to_string(spec.widths.size());
    if (spec.height < 4 || spec.width < 4)
        return "cnn input " + std::to_string(spec.height) + "x" + std::to_string(spec.width) +
               " is smaller than 4x4 (two 2x2 poolings)";
    return "";
}

Net net_create(const ModelSpec& spec, int batch, uint64_t seed) {
    if (const std::string why = model_spec_error(spec); !why.empty()) MODEL_FAIL("model " + why);
    Net net;
    net.spec = spec;
    if (net.spec.widths.empty()) net.spec.widths = model_default_widths(spec.kind);
    net.layers = layers_of(net.spec);
    net.segments = segments_assign(&net.layers);
    net.params = net.segments.back().offset + net.segments.back().count;
    net.weights = arena_alloc(net.params);
    net.grads = arena_alloc(net.params);
    weights_init(&net, seed);
    net.engine = DNNL_CHECK(dnnl::engine(dnnl::engine::kind::cpu, 0));
    net.stream = DNNL_CHECK(dnnl::stream(net.engine));
    plan_for(&net, batch, true);
    return net;
}

float net_forward_backward(Net* net, const float* x, const int32_t* labels, int batch) {
    const float loss = net_forward_loss(net, x, labels, batch);
    size_t ready = 0;
    while (net_backward_layer(net, &ready)) {}
    return loss;
}

float net_forward_loss(Net* net, const float* x, const int32_t* labels, int batch) {
    Plan& plan = plan_for(net, batch, true);
    const float* logits = forward_run(net, &plan, x);
    float* diff = static_cast<float*>(DNNL_CHECK(plan.diff_logits.get_data_handle()));
    const double loss = softmax_cross_entropy(logits, labels, batch, net->spec.classes, diff);
    net->running = &plan;
    net->next_mark = 0;
    return float(loss);
}

bool net_backward_layer(Net* net, size_t* ready_from) {
    Plan* plan = net->running;
    if (!plan || net->next_mark >= plan->marks.size()) {
        net->running = nullptr;
        *ready_from = 0;
        return false;
    }
    const size_t begin = net->next_mark == 0 ? 0 : plan->marks[net->next_mark - 1].step_end;
    const BackwardMark& mark = plan->marks[net->next_mark++];
    for (size_t i = begin; i < mark.step_end; ++i) {
        const Step& step = plan->backward[i];
        DNNL_CHECK(step.prim.execute(net->stream, step.args));
    }
    DNNL_CHECK(net->stream.wait());
    *ready_from = mark.ready_from;
    return true;
}

void net_forward(Net* net, const float* x, int batch, float* logits) {
    const float* out = forward_run(net, &plan_for(net, batch, false), x);
    std::copy(out, out + size_t(batch) * net->spec.classes, logits);
}

std::span<float> net_weights(Net& net) { return {net.weights.get(), net.params}; }
std::span<const float> net_weights(const Net& net) { return {net.weights.get(), net.params}; }
std::span<float> net_grads(Net& net) { return {net.grads.get(), net.params}; }
std::span<const float> net_grads(const Net& net) { return {net.grads.get(), net.params}; }
std::span<const Segment> net_segments(const Net& net) { return net.segments; }
size_t net_param_count(const Net& net) { return net.params; }

}  // namespace bitvote
