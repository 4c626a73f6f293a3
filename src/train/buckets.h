// Gradient buckets for --overlap (DDP's idea): the layers in reverse order,
// the order backward completes them, grouped into buckets of about
// --bucket-kb, the first one smaller so the first exchange starts early. A
// layer (its weight and bias segments) is never split: every method
// compresses per layer, so a layer larger than a bucket is a bucket alone.
//
//   std::vector<LayerSpan> layers = layer_spans(net_segments(net));  // arena order
//   std::vector<Bucket> plan = bucket_plan(layers, 1024 * 1024, 64 * 1024);
//   // plan[0] holds the last layers; plan.back() ends at arena offset 0
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "base/segment.h"

namespace bitvote {

// One layer's parameters in the arena: floats [offset, offset + count) and
// its segments [first_segment, first_segment + segments) of the segment table.
struct LayerSpan {
    size_t offset = 0, count = 0;
    size_t first_segment = 0, segments = 0;
};

// One bucket: arena floats [offset, offset + count), whole layers only, and
// their segments [first_segment, first_segment + segments), in arena order.
struct Bucket {
    size_t offset = 0, count = 0;
    size_t first_segment = 0, segments = 0;
};

// Consecutive segments named "<layer>.<tensor>" with the same <layer> form
// one layer; the segments must cover the arena in order.
std::vector<LayerSpan> layer_spans(std::span<const Segment> segments);

// Layers (arena order) -> buckets in reverse arena order (the order backward
// fills them). A bucket takes layers from the back while it stays within its
// cap (first_bytes for the first bucket, bucket_bytes after it); a layer that
// alone exceeds the cap gets a bucket of its own. Bytes are 4 per float.
// Empty layers -> no buckets.
std::vector<Bucket> bucket_plan(std::span<const LayerSpan> layers, size_t bucket_bytes, size_t first_bytes);

// One bucket holding every layer: methods whose rule reads the whole gradient.
std::vector<Bucket> bucket_whole(std::span<const LayerSpan> layers);

}  // namespace bitvote
