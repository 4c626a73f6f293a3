// A fuzz input read front to back as little-endian numbers; bytes past its
// end read as 0, so every input describes something.
#pragma once

#include <cstddef>
#include <cstdint>

namespace bitvote {

struct FuzzInput {
    const uint8_t* p;
    size_t n;
    uint64_t take(size_t bytes) {  // bytes <= 8
        uint64_t v = 0;
        for (size_t i = 0; i < bytes; ++i) v |= uint64_t(i < n ? p[i] : 0) << (8 * i);
        const size_t used = bytes < n ? bytes : n;
        p += used, n -= used;
        return v;
    }
};

}  // namespace bitvote
