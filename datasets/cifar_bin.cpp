// CIFAR-10 / CIFAR-100 binary version -> the project's HDF5 layout.
//
// Each file is a sequence of records: label byte(s), then 3072 pixel bytes,
// already [3, 32, 32] (the R plane, then G, then B, rows top to bottom).
// CIFAR-10 has 1 label byte; CIFAR-100 has 2 (coarse, then fine).
#include <filesystem>
#include <fstream>
#include <vector>

#include "convert.h"
#include "h5_writer.h"

namespace bitvote {

namespace {

constexpr SampleShape cifar_shape{3, 32, 32};

struct CifarFormat {
    const char* name;
    int label_bytes;  // per record, before the pixels
    int label_at;     // which of them is the label kept
    int classes;
    int64_t record() const { return label_bytes + cifar_shape.pixels(); }
};

// Records in a file; throws naming it when missing or not whole records.
int64_t records_count(const std::string& path, const CifarFormat& fmt) {
    std::error_code ec;
    const auto bytes = std::filesystem::file_size(path, ec);
    if (ec) throw DataError(path + ": cannot read: " + ec.message());
    if (bytes == 0 || bytes % uint64_t(fmt.record()))
        throw DataError(path + ": " + std::to_string(bytes) + " bytes is not a whole number of " +
                        std::to_string(fmt.record()) + "-byte " + fmt.name + " records (truncated or not " + fmt.name +
                        " binary)");
    return int64_t(bytes / uint64_t(fmt.record()));
}

// Reads one file and appends its records to `part`.
void cifar_append(DatasetWriter* w, Part part, const std::string& path, const CifarFormat& fmt) {
    const int64_t n = records_count(path, fmt);
    std::vector<uint8_t> raw(size_t(n * fmt.record()));  // [n, record] bytes
    std::ifstream in(path, std::ios::binary);
    if (!in.read(reinterpret_cast<char*>(raw.data()), std::streamsize(raw.size())))
        throw DataError(path + ": read failed");
    const int64_t pixels = cifar_shape.pixels();
    std::vector<uint8_t> images(size_t(n * pixels)), labels(static_cast<size_t>(n));  // [n, 3, 32, 32], [n]
    for (int64_t i = 0; i < n; ++i) {
        const uint8_t* rec = raw.data() + i * fmt.record();
        labels[size_t(i)] = rec[fmt.label_at];
        std::copy(rec + fmt.label_bytes, rec + fmt.record(), images.begin() + i * pixels);
    }
    writer_append(w, part, images.data(), labels.data(), n, path);
}

DataInfo cifar_convert(const std::string& name, const std::vector<std::string>& train,
                       const std::vector<std::string>& test, const CifarFormat& fmt, const std::string& out) {
    int64_t n_train = 0, n_test = 0;
    for (const auto& f : train) n_train += records_count(f, fmt);
    for (const auto& f : test) n_test += records_count(f, fmt);
    DatasetWriter w;
    writer_open(&w, out, name, fmt.classes, cifar_shape, n_train, n_test);
    for (const auto& f : train) cifar_append(&w, Part::train, f, fmt);
    for (const auto& f : test) cifar_append(&w, Part::test, f, fmt);
    return writer_finish(&w);
}

}  // namespace

DataInfo convert_cifar10(const std::string& dir, const std::string& out) {
    std::vector<std::string> train;
    for (int b = 1; b <= 5; ++b) train.push_back(dir + "/data_batch_" + std::to_string(b) + ".bin");
    return cifar_convert("cifar10", train, {dir + "/test_batch.bin"}, {"CIFAR-10", 1, 0, 10}, out);
}

DataInfo convert_cifar100(const std::string& dir, const std::string& out, bool coarse) {
    const CifarFormat fmt = coarse ? CifarFormat{"CIFAR-100", 2, 0, 20} : CifarFormat{"CIFAR-100", 2, 1, 100};
    return cifar_convert(coarse ? "cifar100-coarse" : "cifar100-fine", {dir + "/train.bin"}, {dir + "/test.bin"}, fmt,
                         out);
}

}  // namespace bitvote
