#include "train/async_protocol.h"

#include <cstring>

#include "kernels.h"

namespace bitvote {
namespace {

struct Header {
    uint32_t index_bytes;
    float loss;
};
static_assert(sizeof(Header) == async_header_bytes);

void header_write(uint32_t index_bytes, float loss, uint8_t* out) {
    const Header h{index_bytes, loss};
    std::memcpy(out, &h, sizeof h);
}

// "" or why not; *h from the first bytes of `in`.
std::string header_read(std::span<const uint8_t> in, Header* h) {
    if (in.size() < sizeof *h) return "a message of " + std::to_string(in.size()) + " bytes has no header";
    std::memcpy(h, in.data(), sizeof *h);
    if (h->index_bytes > in.size() - sizeof *h) return "the index stream overruns the message";
    return "";
}

}  // namespace

size_t async_message_bound(const AsyncFormat& f) {
    if (!f.sparse) return async_header_bytes + 4 * size_t(f.d);
    return async_header_bytes + indices_encode_bound(f.d, f.k_max) + 4 * f.k_max;
}

size_t async_encode_sparse(const AsyncFormat& f, const SparseUpdate& u, float loss, std::vector<uint8_t>* out) {
    const size_t k = u.indices.size();
    out->resize(async_message_bound(f));
    std::vector<uint64_t> signs(bitmap_words(k), 0);  // bit j: values[j] > 0
    for (size_t j = 0; j < k; ++j) signs[j / 64] |= uint64_t(u.values[j] > 0) << (j % 64);
    std::span<uint8_t> body = std::span(*out).subspan(async_header_bytes);
    const size_t index_bytes = indices_encode(u.indices, signs, f.d, body);
    std::memcpy(body.data() + index_bytes, u.values.data(), 4 * k);
    header_write(uint32_t(index_bytes), loss, out->data());
    return async_header_bytes + index_bytes + 4 * k;
}

size_t async_encode_dense(const AsyncFormat& f, std::span<const float> values, float loss,
                          std::vector<uint8_t>* out) {
    out->resize(async_message_bound(f));
    header_write(0, loss, out->data());
    std::memcpy(out->data() + async_header_bytes, values.data(), 4 * size_t(f.d));
    return async_header_bytes + 4 * size_t(f.d);
}

std::string async_decode_sparse(const AsyncFormat& f, std::span<const uint8_t> in, SparseUpdate* out,
                                float* loss) {
    Header h{};
    if (std::string why = header_read(in, &h); !why.empty()) return why;
    out->indices.resize(f.k_max);
    std::vector<uint64_t> signs(bitmap_words(f.k_max));
    size_t k = 0;
    const CodecStatus status =
        indices_decode(in.subspan(async_header_bytes, h.index_bytes), f.d, out->indices, signs, &k);
    if (status != CodecStatus::ok) return "its index stream does not decode (" + std::string(codec_status_name(status)) + ")";
    const size_t value_bytes = in.size() - async_header_bytes - h.index_bytes;
    if (value_bytes != 4 * k)
        return std::to_string(k) + " indices but " + std::to_string(value_bytes) + " bytes of values";
    out->indices.resize(k);
    out->values.resize(k);
    std::memcpy(out->values.data(), in.data() + async_header_bytes + h.index_bytes, value_bytes);
    *loss = h.loss;
    return "";
}

std::string async_decode_dense(const AsyncFormat& f, std::span<const uint8_t> in, std::span<float> values,
                               float* loss) {
    Header h{};
    if (std::string why = header_read(in, &h); !why.empty()) return why;
    if (h.index_bytes != 0 || in.size() != async_header_bytes + 4 * size_t(f.d))
        return "a dense message of " + std::to_string(in.size()) + " bytes (want " +
               std::to_string(async_header_bytes + 4 * size_t(f.d)) + ")";
    std::memcpy(values.data(), in.data() + async_header_bytes, 4 * size_t(f.d));
    *loss = h.loss;
    return "";
}

}  // namespace bitvote
