// Building a plan: per layer the forward primitive and, when training, the backward data and
// weights primitives, joined by memories and by the reorders their layouts need (see plan.h).
#include "model/plan.h"

#include <string>
#include <utility>

#include "model/model_check.h"

namespace bitvote {

using dnnl::algorithm;
using dnnl::memory;
using dnnl::prop_kind;
using dt = dnnl::memory::data_type;
using tag = dnnl::memory::format_tag;

namespace {

// The primitive descriptors of one layer; the backward ones are empty in inference plans,
// bwd_weights also for layers without parameters.
struct LayerDescs {
    dnnl::primitive_desc fwd, bwd_data, bwd_weights;
};

// An activation between two layers and, in training plans, its gradient; the first layer's
// input has no gradient.
struct Edge {
    memory value, diff;
};

// A layer's parameters and their gradients as plain memories in the arenas (empty without).
struct ParamViews {
    memory weights, bias, diff_weights, diff_bias;
};

// A reorder already in the plan: `to` holds `from` in another layout.
struct Conversion {
    memory from, to;
};

struct Builder {
    const dnnl::engine& engine;
    bool training;
    float* weights;  // the arenas
    float* grads;
    Plan* plan;
    // Reorders placed so far, reused by later reads of the same memory in the same layout.
    // Sound because every memory is written once per run, before any of its reads: an
    // activation by its producer's forward, a gradient by its consumer's backward data,
    // weights by the optimizer between runs.
    std::vector<Conversion> conversions;
};

using Args = std::initializer_list<std::pair<int, memory>>;

memory::desc any_desc(const memory::dims& dims) { return memory::desc(dims, dt::f32, tag::any); }

memory::dims with_batch(memory::dim batch, const memory::dims& dims) {
    memory::dims out{batch};
    out.insert(out.end(), dims.begin(), dims.end());
    return out;
}

LayerDescs conv_descs(const Layer& l, const memory::desc& src, prop_kind prop, const dnnl::engine& engine) {
    const memory::dim pad = (l.weights[2] - 1) / 2;
    const memory::dims stride{1, 1}, padding{pad, pad};
    const memory::desc x = any_desc(src.dims());  // [batch, C, H, W]
    const memory::desc w = any_desc(l.weights);   // [out, C, k, k]
    const memory::desc b = plain_desc({l.weights[0]});
    const memory::desc y = any_desc(with_batch(src.dims()[0], l.dst));  // [batch, out, H, W]
    const algorithm direct = algorithm::convolution_direct;
    dnnl::convolution_forward::primitive_desc fwd({prop, direct, x, w, b, y, stride, padding, padding}, engine);
    if (prop == prop_kind::forward_inference) return {fwd, {}, {}};
    return {fwd,
            dnnl::convolution_backward_data::primitive_desc({direct, x, w, y, stride, padding, padding}, engine, fwd),
            dnnl::convolution_backward_weights::primitive_desc({direct, x, w, b, y, stride, padding, padding}, engine,
                                                               fwd)};
}

// Input and weights in plain layout: the weights are the arena itself (a blocked layout would
// cost a reorder of the largest tensor, in and out, every step), the input is small.
LayerDescs fc_descs(const Layer& l, const memory::desc& src, prop_kind prop, const dnnl::engine& engine) {
    const memory::desc x = plain_desc(src.dims());  // [batch, src...]
    const memory::desc w = plain_desc(l.weights);   // [out, src...]
    const memory::desc b = plain_desc({l.weights[0]});
    const memory::desc y = any_desc({src.dims()[0], l.weights[0]});  // [batch, out]
    dnnl::inner_product_forward::primitive_desc fwd({prop, x, w, b, y}, engine);
    if (prop == prop_kind::forward_inference) return {fwd, {}, {}};
    return {fwd, dnnl::inner_product_backward_data::primitive_desc({x, w, y}, engine, fwd),
            dnnl::inner_product_backward_weights::primitive_desc({x, w, b, y}, engine, fwd)};
}

LayerDescs relu_descs(const memory::desc& src, prop_kind prop, const dnnl::engine& engine) {
    dnnl::eltwise_forward::primitive_desc fwd({prop, algorithm::eltwise_relu, src}, engine);
    if (prop == prop_kind::forward_inference) return {fwd, {}, {}};
    return {fwd, dnnl::eltwise_backward::primitive_desc({algorithm::eltwise_relu, src, src}, engine, fwd), {}};
}

LayerDescs maxpool_descs(const Layer& l, const memory::desc& src, prop_kind prop, const dnnl::engine& engine) {
    const memory::dims two{2, 2};                                       // kernel and stride
    const memory::dims zero{0, 0};                                      // padding
    const memory::desc y = any_desc(with_batch(src.dims()[0], l.dst));  // [batch, C, H/2, W/2]
    dnnl::pooling_forward::primitive_desc fwd({prop, algorithm::pooling_max, src, y, two, two, zero, zero}, engine);
    if (prop == prop_kind::forward_inference) return {fwd, {}, {}};
    return {fwd,
            dnnl::pooling_backward::primitive_desc({algorithm::pooling_max, src, fwd.dst_desc(), two, two, zero, zero},
                                                   engine, fwd),
            {}};
}

LayerDescs layer_descs(const Layer& l, const memory::desc& src, prop_kind prop, const dnnl::engine& engine) {
    switch (l.kind) {
    case LayerKind::conv: return conv_descs(l, src, prop, engine);
    case LayerKind::fc: return fc_descs(l, src, prop, engine);
    case LayerKind::relu: return relu_descs(src, prop, engine);
    case LayerKind::maxpool: return maxpool_descs(l, src, prop, engine);
    }
    MODEL_FAIL("unknown layer kind");
}

ParamViews param_views(const Builder& b, const Layer& l) {
    if (l.weights.empty()) return {};
    const memory::desc w = plain_desc(l.weights), bias = plain_desc({l.weights[0]});
    return {memory(w, b.engine, b.weights + l.weights_offset), memory(bias, b.engine, b.weights + l.bias_offset),
            memory(w, b.engine, b.grads + l.weights_offset), memory(bias, b.engine, b.grads + l.bias_offset)};
}

Step reorder_step(const memory& from, const memory& to) {
    return {dnnl::reorder(from, to), {{DNNL_ARG_FROM, from}, {DNNL_ARG_TO, to}}};
}

// `mem` in layout `want`: itself, an earlier conversion, or a new memory filled by a reorder
// appended to `steps`.
memory converted(Builder* b, const memory& mem, const memory::desc& want, Steps* steps) {
    if (mem.get_desc() == want) return mem;
    for (const Conversion& c : b->conversions)
        if (c.from.get() == mem.get() && c.to.get_desc() == want) return c.to;
    memory to(want, b->engine);
    steps->push_back(reorder_step(mem, to));
    b->conversions.push_back({mem, to});
    return to;
}

// Appends the primitive of `pd` to `steps`. Of the candidate arguments it gets those it
// reports a layout for: `reads` converted to that layout beforehand, `writes` written in
// place or, when their layout differs, through a scratch memory and a reorder afterwards.
void append_primitive(Builder* b, Steps* steps, const dnnl::primitive_desc& pd, Args reads, Args writes) {
    std::unordered_map<int, memory> args;
    Steps after;
    auto layout_of = [&](int arg, const memory& mem) {
        const memory::desc md = pd.query_md(dnnl::query::exec_arg_md, arg);
        if (md && !mem) MODEL_FAIL("a primitive needs argument " + std::to_string(arg) + ", which the layer lacks");
        return md;
    };
    for (const auto& [arg, mem] : reads)
        if (const memory::desc md = layout_of(arg, mem)) args[arg] = converted(b, mem, md, steps);
    for (const auto& [arg, mem] : writes) {
        const memory::desc md = layout_of(arg, mem);
        if (!md) continue;
        if (mem.get_desc() == md) {
            args[arg] = mem;
            continue;
        }
        memory scratch(md, b->engine);
        args[arg] = scratch;
        after.push_back(reorder_step(scratch, mem));
    }
    steps->push_back({dnnl::primitive(pd), std::move(args)});
    steps->insert(steps->end(), after.begin(), after.end());
}

// Appends layer `l`: its forward to the plan, its backward (training plans) to `backward`.
// Returns the layer's output and the gradient memory its backward reads.
Edge append_layer(Builder* b, const Layer& l, const Edge& in, Steps* backward) {
    const prop_kind prop = b->training ? prop_kind::forward_training : prop_kind::forward_inference;
    const LayerDescs d = layer_descs(l, in.value.get_desc(), prop, b->engine);
    const ParamViews p = param_views(*b, l);
    Edge out{memory(d.fwd.dst_desc(), b->engine), {}};
    const memory::desc ws_desc = d.fwd.workspace_desc();
    const memory workspace = ws_desc ? memory(ws_desc, b->engine) : memory();
    append_primitive(b, &b->plan->forward, d.fwd,
                     {{DNNL_ARG_SRC, in.value}, {DNNL_ARG_WEIGHTS, p.weights}, {DNNL_ARG_BIAS, p.bias}},
                     {{DNNL_ARG_DST, out.value}, {DNNL_ARG_WORKSPACE, workspace}});
    if (!b->training) return out;
    out.diff = memory(d.bwd_data.diff_dst_desc(), b->engine);
    if (in.diff)
        append_primitive(b, backward, d.bwd_data,
                         {{DNNL_ARG_SRC, in.value},
                          {DNNL_ARG_WEIGHTS, p.weights},
                          {DNNL_ARG_WORKSPACE, workspace},
                          {DNNL_ARG_DIFF_DST, out.diff}},
                         {{DNNL_ARG_DIFF_SRC, in.diff}});
    if (d.bwd_weights)
        append_primitive(b, backward, d.bwd_weights, {{DNNL_ARG_SRC, in.value}, {DNNL_ARG_DIFF_DST, out.diff}},
                         {{DNNL_ARG_DIFF_WEIGHTS, p.diff_weights}, {DNNL_ARG_DIFF_BIAS, p.diff_bias}});
    return out;
}

}  // namespace

memory::desc plain_desc(const memory::dims& dims) {
    switch (dims.size()) {
    case 1: return memory::desc(dims, dt::f32, tag::a);     // x
    case 2: return memory::desc(dims, dt::f32, tag::ab);    // nc, oi
    case 4: return memory::desc(dims, dt::f32, tag::abcd);  // nchw, oihw
    }
    MODEL_FAIL("no plain layout for a tensor of " + std::to_string(dims.size()) + " dimensions");
}

Plan plan_build(const std::vector<Layer>& layers, float* weights, float* grads, int batch, bool training,
                const dnnl::engine& engine) {
    Plan plan;
    Builder b{engine, training, weights, grads, &plan, {}};
    plan.input = memory(plain_desc(with_batch(batch, layers.front().src)), engine, nullptr);
    std::vector<Steps> backward(layers.size());
    Edge edge{plan.input, {}};
    for (size_t i = 0; i < layers.size(); ++i) edge = append_layer(&b, layers[i], edge, &backward[i]);
    const memory::desc logits = plain_desc(edge.value.get_desc().dims());  // [batch, classes]
    plan.logits = converted(&b, edge.value, logits, &plan.forward);
    if (!training) return plan;
    plan.diff_logits = edge.diff;
    if (edge.diff.get_desc() != logits) {
        plan.diff_logits = memory(logits, engine);
        plan.backward.push_back(reorder_step(plan.diff_logits, edge.diff));
    }
    // A layer's gradients are written by its own backward steps; the layers without
    // parameters before it (in backward order) join its mark; the last mark ends the list.
    for (size_t i = layers.size(); i-- > 0;) {
        plan.backward.insert(plan.backward.end(), backward[i].begin(), backward[i].end());
        if (!layers[i].weights.empty()) plan.marks.push_back({plan.backward.size(), layers[i].weights_offset});
    }
    if (plan.marks.empty() || plan.marks.back().step_end != plan.backward.size())
        plan.marks.push_back({plan.backward.size(), plan.marks.empty() ? 0 : plan.marks.back().ready_from});
    return plan;
}

void steps_run(const Steps& steps, dnnl::stream& stream) {
    for (const Step& step : steps) step.prim.execute(stream, step.args);
    stream.wait();
}

}  // namespace bitvote
