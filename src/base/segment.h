// A layer's tensor in the model's parameter arena: what the model lays out
// (model/net.h) and the compressors select per layer (compress/method.h).
#pragma once

#include <cstddef>
#include <string>

namespace bitvote {

struct Segment {
    std::string name;  // "conv1.weight", "fc2.bias", ...
    size_t offset;     // floats from the arena's start
    size_t count;      // floats
};

}  // namespace bitvote
