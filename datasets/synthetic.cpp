// A learnable synthetic dataset of any size and shape, from a seed: class
// templates plus Gaussian noise, clipped to uint8. Written in chunks, so the
// size is bounded by the disk, not the memory.
#include <algorithm>
#include <cmath>
#include <vector>

#include "convert.h"
#include "data/rng.h"
#include "h5_writer.h"

namespace bitvote {

namespace {

constexpr int64_t chunk_samples = 4096;

// [classes, C, H, W] pixel values in [32, 223].
std::vector<float> templates_make(const SyntheticSpec& spec) {
    Rng rng(seed_mix(spec.seed, 0x74656d70));
    std::vector<float> t(size_t(spec.classes * spec.shape.pixels()));
    for (float& v : t) v = float(32 + rng.below(192));
    return t;
}

// Sample i of a part: its own stream, so it never depends on the chunking.
void sample_make(const SyntheticSpec& spec, const std::vector<float>& templates, Part part, int64_t i, uint8_t* image,
                 uint8_t* label) {
    Rng rng(seed_mix(seed_mix(spec.seed, 1 + uint64_t(part)), uint64_t(i)));
    *label = uint8_t(rng.below(uint64_t(spec.classes)));
    const int64_t pixels = spec.shape.pixels();
    const float* t = templates.data() + *label * pixels;
    for (int64_t p = 0; p < pixels; ++p)
        image[p] = uint8_t(std::clamp(std::lround(t[p] + spec.noise * rng.normal()), 0l, 255l));
}

void part_write(DatasetWriter* w, const SyntheticSpec& spec, const std::vector<float>& templates, Part part,
                int64_t n) {
    const int64_t pixels = spec.shape.pixels();
    std::vector<uint8_t> images(size_t(std::min(n, chunk_samples) * pixels)),
        labels(size_t(std::min(n, chunk_samples)));
    for (int64_t at = 0; at < n; at += chunk_samples) {
        const int64_t m = std::min(chunk_samples, n - at);
        for (int64_t i = 0; i < m; ++i)
            sample_make(spec, templates, part, at + i, images.data() + i * pixels, labels.data() + i);
        writer_append(w, part, images.data(), labels.data(), m, "synthetic");
    }
}

}  // namespace

DataInfo convert_synthetic(const SyntheticSpec& spec, const std::string& out) {
    if (spec.classes < 1 || spec.classes > 256)
        throw DataError("synthetic: --classes " + std::to_string(spec.classes) + " is not in 1..256");
    if (!(spec.noise >= 0)) throw DataError("synthetic: --noise must be >= 0");
    const std::vector<float> templates = templates_make(spec);
    DatasetWriter w;
    writer_open(&w, out, "synthetic", spec.classes, spec.shape, spec.train, spec.test);
    part_write(&w, spec, templates, Part::train, spec.train);
    part_write(&w, spec, templates, Part::test, spec.test);
    return writer_finish(&w);
}

}  // namespace bitvote
