// The network of one rank: oneDNN primitives over ONE contiguous float arena of parameters
// and ONE of gradients (same layout), with a table of per-layer segments for the compressors.
//
//   Net net = net_create(ModelSpec{ModelKind::cnn, 1, 28, 28, 10}, batch, seed);
//   float loss = net_forward_backward(&net, x, labels, batch);  // fills net_grads(net)
//   optimizer_step(..., net_weights(net), ...);                 // plans read the arena each run
//   net_forward(&net, x, n, logits);                           // evaluation, any batch size
//
// Layers: mlp = [fc -> relu] per hidden width, fc -> classes.
//         cnn = conv 5x5 (same) -> relu -> maxpool 2 -> conv 5x5 -> relu -> maxpool 2
//               -> fc -> relu -> fc -> classes.
// Parameters: per layer "<layer>.weight" (plain layout: conv oihw, fc oi or oihw when its input
// is an image) then "<layer>.bias"; layers named conv1, conv2, fc1, fc2, ... in order.
// Initialisation: weights He-uniform, bound sqrt(6 / fan_in) (sqrt(3 / fan_in) for the last
// layer, which no ReLU follows), drawn by uniform_at(seed, layer index, element index); biases 0.
// Same seed, same spec -> bit-identical weights on every rank, whatever the batch size.
#pragma once

#include <oneapi/dnnl/dnnl.hpp>

#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/segment.h"  // a layer's tensor in the arenas
#include "model/plan.h"

namespace bitvote {

enum class ModelKind { mlp, cnn };

struct ModelSpec {
    ModelKind kind = ModelKind::mlp;
    int channels = 1, height = 28, width = 28;  // input [C, H, W]
    int classes = 10;
    // mlp: hidden widths, any number (default 256, 128); cnn: conv1 channels, conv2 channels,
    // fc hidden width (default 32, 64, 512). Empty = the default.
    std::vector<int> widths;
};

struct FreeFloats {
    void operator()(float* p) const { std::free(p); }
};
using Arena = std::unique_ptr<float[], FreeFloats>;  // 64-byte aligned

struct Net {
    ModelSpec spec;  // widths resolved
    std::vector<Layer> layers;
    std::vector<Segment> segments;  // in arena order, covering it exactly
    size_t params = 0;              // floats per arena
    Arena weights;                  // [params]
    Arena grads;                    // [params], d loss / d weights of the last forward_backward
    dnnl::engine engine;
    dnnl::stream stream;
    std::map<std::pair<int, bool>, Plan> plans;  // by (batch, training), built on first use
    Plan* running = nullptr;        // net_forward_loss's plan, until its backward ends
    size_t next_mark = 0;           // its next BackwardMark
};

const char* model_kind_name(ModelKind kind);  // "mlp", "cnn"
bool model_kind_parse(std::string_view name, ModelKind* kind);
std::vector<int> model_default_widths(ModelKind kind);

// Why `spec` cannot be built ("" when it can): sizes < 1, classes < 2, a cnn with other than
// 3 widths or an input smaller than 4x4.
std::string model_spec_error(const ModelSpec& spec);

// Builds the network, its arenas and the training plan for `batch`; an invalid spec is fatal.
Net net_create(const ModelSpec& spec, int batch, uint64_t seed);

// x [batch, C, H, W]; labels [batch]. Returns the mean softmax cross-entropy and overwrites
// net_grads with its gradient. Any batch size (plans are cached per size).
float net_forward_backward(Net* net, const float* x, const int32_t* labels, int batch);

// The same in pieces, for a caller that acts as each layer's gradients complete (--overlap):
//   float loss = net_forward_loss(&net, x, labels, batch);   // forward and the loss
//   size_t ready = 0;
//   while (net_backward_layer(&net, &ready))                 // one layer's backward at a time,
//       use(net_grads(net).subspan(ready));                  //   last layer first: [ready, params) done
// net_backward_layer runs the next layer with parameters (and the layers without any that come
// before it in backward order); false once the backward has ended (ready is then 0).
float net_forward_loss(Net* net, const float* x, const int32_t* labels, int batch);
bool net_backward_layer(Net* net, size_t* ready_from);

// x [batch, C, H, W] -> logits [batch, classes] (inference primitives, cached per size).
void net_forward(Net* net, const float* x, int batch, float* logits);

std::span<float> net_weights(Net& net);
std::span<const float> net_weights(const Net& net);
std::span<float> net_grads(Net& net);
std::span<const float> net_grads(const Net& net);
std::span<const Segment> net_segments(const Net& net);
size_t net_param_count(const Net& net);

}  // namespace bitvote
