// Fashion-MNIST (or MNIST) idx.gz files -> the project's HDF5 layout.
//
// idx format: magic 0x00 0x00 <type 0x08 = uint8> <number of dims>, then each
// dim as a big-endian uint32, then the data. Images: 3 dims [N, rows, cols];
// labels: 1 dim [N].
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include "convert.h"
#include "h5_writer.h"

namespace bitvote {

namespace {

struct Idx {
    std::vector<uint32_t> dims;
    std::vector<uint8_t> bytes;  // the whole decompressed file
    size_t data_at = 0;          // where the data begins
    const uint8_t* data() const { return bytes.data() + data_at; }
};

// The decompressed contents of a .gz file (zlib reads a plain file as is).
std::vector<uint8_t> gz_read_all(const std::string& path) {
    gzFile gz = gzopen(path.c_str(), "rb");
    if (!gz) throw DataError(path + ": cannot open: " + std::strerror(errno ? errno : ENOENT));
    std::vector<uint8_t> out;
    const unsigned chunk = 1 << 20;
    int got = 0;
    do {
        out.resize(out.size() + chunk);
        got = gzread(gz, out.data() + out.size() - chunk, chunk);
        out.resize(out.size() - chunk + size_t(std::max(got, 0)));
    } while (got > 0);
    int err = Z_OK;
    std::string why = gzerror(gz, &err);  // "path: message"
    if (why.starts_with(path + ": ")) why.erase(0, path.size() + 2);
    gzclose(gz);
    if (got < 0 || (err != Z_OK && err != Z_STREAM_END))
        throw DataError(path + ": corrupt or truncated gzip data (" + why + ")");
    return out;
}

uint32_t big_endian_u32(const uint8_t* p) { return uint32_t(p[0]) << 24 | p[1] << 16 | p[2] << 8 | p[3]; }

// Reads and validates an idx file of `ndims` dimensions of uint8.
Idx idx_read(const std::string& path, int ndims) {
    Idx idx;
    idx.bytes = gz_read_all(path);
    const uint8_t* b = idx.bytes.data();
    const size_t header = 4 + 4 * size_t(ndims);
    if (idx.bytes.size() < 4 || b[0] || b[1] || b[2] != 0x08 || b[3] != ndims) {
        char magic[16] = "(too short)";
        if (idx.bytes.size() >= 4) std::snprintf(magic, sizeof magic, "%02x%02x%02x%02x", b[0], b[1], b[2], b[3]);
        throw DataError(path + ": bad magic number " + magic + ", expected 000008" + (ndims == 3 ? "03" : "01") +
                        " (idx uint8, " + std::to_string(ndims) + " dims)");
    }
    if (idx.bytes.size() < header) throw DataError(path + ": truncated idx header");
    size_t expect = 1;
    for (int d = 0; d < ndims; ++d) {
        idx.dims.push_back(big_endian_u32(b + 4 + 4 * d));
        expect *= idx.dims.back();
    }
    idx.data_at = header;
    const size_t got = idx.bytes.size() - header;
    if (got != expect)
        throw DataError(path + ": header declares " + std::to_string(expect) + " data bytes (" +
                        std::to_string(idx.dims[0]) + " items) but the file holds " + std::to_string(got) +
                        (got < expect ? " (truncated)" : " (trailing bytes)"));
    if (idx.dims[0] == 0) throw DataError(path + ": holds no items");
    return idx;
}

struct IdxPair {
    Idx images, labels;
    std::string images_path, labels_path;
};

// Images and labels of one split, their counts checked against each other.
IdxPair idx_pair_read(const std::string& dir, const std::string& prefix) {
    IdxPair s{{}, {}, dir + "/" + prefix + "-images-idx3-ubyte.gz", dir + "/" + prefix + "-labels-idx1-ubyte.gz"};
    s.images = idx_read(s.images_path, 3);
    s.labels = idx_read(s.labels_path, 1);
    if (s.images.dims[0] != s.labels.dims[0])
        throw DataError(s.labels_path + ": holds " + std::to_string(s.labels.dims[0]) + " labels but " + s.images_path +
                        " holds " + std::to_string(s.images.dims[0]) + " images");
    return s;
}

}  // namespace

DataInfo convert_fmnist(const std::string& dir, const std::string& out) {
    const IdxPair train = idx_pair_read(dir, "train"), test = idx_pair_read(dir, "t10k");
    if (train.images.dims[1] != test.images.dims[1] || train.images.dims[2] != test.images.dims[2])
        throw DataError(test.images_path + ": images are " + std::to_string(test.images.dims[1]) + "x" +
                        std::to_string(test.images.dims[2]) + ", the training images " +
                        std::to_string(train.images.dims[1]) + "x" + std::to_string(train.images.dims[2]));
    const SampleShape shape{1, int(train.images.dims[1]), int(train.images.dims[2])};
    DatasetWriter w;
    writer_open(&w, out, "fashion-mnist", 10, shape, train.images.dims[0], test.images.dims[0]);
    writer_append(&w, Part::train, train.images.data(), train.labels.data(), train.images.dims[0], train.labels_path);
    writer_append(&w, Part::test, test.images.data(), test.labels.data(), test.images.dims[0], test.labels_path);
    return writer_finish(&w);
}

}  // namespace bitvote
