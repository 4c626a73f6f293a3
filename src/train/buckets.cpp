// The bucket plan of --overlap (see buckets.h).
#include "train/buckets.h"

#include <string_view>

namespace bitvote {

namespace {

std::string_view layer_of(const std::string& segment_name) {
    std::string_view n = segment_name;
    return n.substr(0, n.find('.'));
}

// Extends bucket *b (which starts at a higher offset) down by layer l.
void bucket_take(Bucket* b, const LayerSpan& l) {
    b->offset = l.offset;
    b->count += l.count;
    b->first_segment = l.first_segment;
    b->segments += l.segments;
}

}  // namespace

std::vector<LayerSpan> layer_spans(std::span<const Segment> segments) {
    std::vector<LayerSpan> layers;
    for (size_t i = 0; i < segments.size(); ++i) {
        const Segment& s = segments[i];
        if (!layers.empty() && layer_of(segments[i - 1].name) == layer_of(s.name)) {
            layers.back().count += s.count;
            layers.back().segments += 1;
            continue;
        }
        layers.push_back({s.offset, s.count, i, 1});
    }
    return layers;
}

std::vector<Bucket> bucket_plan(std::span<const LayerSpan> layers, size_t bucket_bytes, size_t first_bytes) {
    std::vector<Bucket> plan;
    Bucket b;
    for (size_t i = layers.size(); i-- > 0;) {
        const LayerSpan& l = layers[i];
        const size_t cap = plan.empty() ? first_bytes : bucket_bytes;  // bytes
        if (b.count > 0 && (b.count + l.count) * sizeof(float) > cap) {
            plan.push_back(b);
            b = {};
        }
        bucket_take(&b, l);
    }
    if (b.count > 0 || b.segments > 0) plan.push_back(b);
    return plan;
}

std::vector<Bucket> bucket_whole(std::span<const LayerSpan> layers) {
    Bucket b;
    for (size_t i = layers.size(); i-- > 0;) bucket_take(&b, layers[i]);
    if (layers.empty()) return {};
    return {b};
}

}  // namespace bitvote
