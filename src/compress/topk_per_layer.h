// Per-layer top-K selection (DESIGN.md 3): the K largest |x| of every layer,
// K = ceil(density * layer size), as the S3GD-MV reference code selects. s3gd,
// topk and DGS's both directions select this way.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "base/segment.h"

namespace bitvote {

// K of one layer: ceil(density * count), as the S3GD-MV reference code rounds
// (at least 1 of a non-empty layer, at most count for density <= 1).
size_t layer_k(double density, size_t count);
// Sum of layer_k over the segments: the most entries topk_per_layer selects.
size_t topk_total(std::span<const Segment> segments, double density);
// *indices = every layer's top-K of |x| (the topk_select kernel: ties to the
// lower index, NaN never), as arena indices, ascending (layers are in arena
// order and topk_select returns each layer's ascending).
void topk_per_layer(std::span<const Segment> segments, double density, std::span<const float> x,
                    std::vector<uint32_t>* indices);

}  // namespace bitvote
