// A plan: the oneDNN primitives of one network for one batch size, in execution order.
// Weights and gradients are read from / written to the caller's arenas in plain layout
// (row-major: x / oi / oihw); where a primitive wants its own layout the plan reorders
// into and out of the arena at every run.
#pragma once

#include <oneapi/dnnl/dnnl.hpp>

#include <unordered_map>
#include <vector>

namespace bitvote {

enum class LayerKind { conv, fc, relu, maxpool };

// One layer of a network. Shapes exclude the batch dimension.
// conv: 'same' padding, stride 1, kernel weights[2] (odd); maxpool: 2x2, stride 2.
struct Layer {
    LayerKind kind;
    dnnl::memory::dims src;      // {C, H, W} or {features}
    dnnl::memory::dims dst;      // idem
    dnnl::memory::dims weights;  // conv {out, C, k, k}; fc {out, src...}; {} without parameters
    size_t weights_offset = 0;   // floats into the arenas
    size_t bias_offset = 0;      // floats into the arenas; the bias holds weights[0] floats
};

struct Step {
    dnnl::primitive prim;
    std::unordered_map<int, dnnl::memory> args;
};
using Steps = std::vector<Step>;

// Where the backward steps complete a layer's gradients: after steps [0, step_end)
// every gradient from arena offset `ready_from` to the end is written.
struct BackwardMark {
    size_t step_end = 0;
    size_t ready_from = 0;  // floats into the arenas
};

struct Plan {
    dnnl::memory input;        // [batch, C, H, W] plain; its handle is set to the caller's data per run
    dnnl::memory logits;       // [batch, classes] plain
    dnnl::memory diff_logits;  // [batch, classes] plain, d loss / d logits (training plans)
    Steps forward;             // forward_training or forward_inference
    Steps backward;            // backward data and weights, last layer first (training plans)
    std::vector<BackwardMark> marks;  // one per layer with parameters, in backward order; the
                                      // last one ends the backward steps (training plans)
};

// Builds the primitives of `layers` for `batch` samples; a training plan has forward_training
// and backward steps, an inference plan forward_inference steps only. `weights` and `grads`
// are the arenas (the layers' offsets point into them) and must outlive the plan.
Plan plan_build(const std::vector<Layer>& layers, float* weights, float* grads, int batch, bool training,
                const dnnl::engine& engine);

// Executes `steps` in order and waits for them.
void steps_run(const Steps& steps, dnnl::stream& stream);

// The plain (dense row-major) layout of `dims`: x, nc/oi or nchw/oihw.
dnnl::memory::desc plain_desc(const dnnl::memory::dims& dims);

}  // namespace bitvote
