// Inputs the data tests write themselves: a scratch directory, tiny idx.gz
// files and CIFAR binary records in the official formats, and a small valid
// bitvote HDF5 file that tests then break one way at a time.
#pragma once

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "convert.h"
#include "data/data.h"

namespace bitvote::test {

// A fresh directory under /tmp, removed with everything in it.
struct ScratchDir {
    std::string path;
    ScratchDir() {
        char name[] = "/tmp/bitvote_data_XXXXXX";
        path = mkdtemp(name) ? name : "";
    }
    ~ScratchDir() { std::filesystem::remove_all(path); }
    std::string operator/(const std::string& file) const { return path + "/" + file; }
};

inline void file_write(const std::string& path, const std::vector<uint8_t>& bytes) {
    std::ofstream(path, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
}

inline void gz_write(const std::string& path, const std::vector<uint8_t>& bytes) {
    gzFile gz = gzopen(path.c_str(), "wb");
    gzwrite(gz, bytes.data(), unsigned(bytes.size()));
    gzclose(gz);
}

// An idx file: magic 00 00 08 <dims>, big-endian uint32 dims, then data.
inline std::vector<uint8_t> idx_bytes(const std::vector<uint32_t>& dims, const std::vector<uint8_t>& data) {
    std::vector<uint8_t> b = {0, 0, 0x08, uint8_t(dims.size())};
    for (uint32_t d : dims)
        for (int s = 24; s >= 0; s -= 8) b.push_back(uint8_t(d >> s));
    b.insert(b.end(), data.begin(), data.end());
    return b;
}

// Pixel p of sample i of a test input: any fixed, varied function will do.
inline uint8_t pixel_at(int64_t i, int64_t p, int salt) { return uint8_t((i * 131 + p * 7 + salt * 29) & 0xff); }

// A fake Fashion-MNIST directory: n_train / n_test images of rows x cols,
// label of sample i = (i * 3 + salt) % 10.
struct FakeIdx {
    int64_t n_train = 7, n_test = 5;
    uint32_t rows = 4, cols = 6;

    std::vector<uint8_t> images(int64_t n, int salt) const {
        std::vector<uint8_t> px;
        for (int64_t i = 0; i < n; ++i)
            for (int64_t p = 0; p < int64_t(rows * cols); ++p) px.push_back(pixel_at(i, p, salt));
        return px;
    }
    std::vector<uint8_t> labels(int64_t n, int salt) const {
        std::vector<uint8_t> l;
        for (int64_t i = 0; i < n; ++i) l.push_back(uint8_t((i * 3 + salt) % 10));
        return l;
    }
    void write(const ScratchDir& dir) const {
        gz_write(dir / "train-images-idx3-ubyte.gz", idx_bytes({uint32_t(n_train), rows, cols}, images(n_train, 0)));
        gz_write(dir / "train-labels-idx1-ubyte.gz", idx_bytes({uint32_t(n_train)}, labels(n_train, 0)));
        gz_write(dir / "t10k-images-idx3-ubyte.gz", idx_bytes({uint32_t(n_test), rows, cols}, images(n_test, 1)));
        gz_write(dir / "t10k-labels-idx1-ubyte.gz", idx_bytes({uint32_t(n_test)}, labels(n_test, 1)));
    }
};

// n CIFAR records: `label_bytes` label bytes (record i: label j = (i * (5 + j) + salt) % mod[j]),
// then 3072 pixels.
inline std::vector<uint8_t> cifar_records(int64_t n, const std::vector<int>& mod, int salt) {
    std::vector<uint8_t> b;
    for (int64_t i = 0; i < n; ++i) {
        for (size_t j = 0; j < mod.size(); ++j) b.push_back(uint8_t((i * (5 + int64_t(j)) + salt) % mod[j]));
        for (int64_t p = 0; p < 3072; ++p) b.push_back(pixel_at(i, p, salt));
    }
    return b;
}

// The whole file as one rank reads it: every train and test sample in file order.
inline Data read_all(const std::string& path) {
    DataConfig cfg;
    cfg.path = path;
    cfg.test_whole = true;
    return data_open(cfg, MPI_COMM_SELF);
}

// EXPECT that `fn` throws DataError whose message contains every one of `parts`.
template <class Fn>
void expect_data_error(Fn fn, const std::vector<std::string>& parts) {
    try {
        fn();
        ADD_FAILURE() << "no DataError; expected one mentioning " << parts.front();
    } catch (const DataError& e) {
        for (const auto& part : parts)
            EXPECT_NE(std::string(e.what()).find(part), std::string::npos)
                << "message: " << e.what() << "\nlacks: " << part;
    }
}

}  // namespace bitvote::test
