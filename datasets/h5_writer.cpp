// DatasetWriter: the project's HDF5 layout, written once by every converter.
#include "h5_writer.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>

namespace bitvote {

namespace {

const char* const part_group[2] = {"/train", "/test"};

H5Handle dataset_create(hid_t file, const std::string& name, int rank, const hsize_t* dims) {
    H5Handle space(H5_CHECK(H5Screate_simple(rank, dims, nullptr)));
    return H5Handle(
        H5_CHECK(H5Dcreate2(file, name.c_str(), H5T_STD_U8LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT)));
}

void attribute_write(hid_t file, const char* name, hid_t file_type, hid_t mem_type, const void* value) {
    H5Handle space(H5_CHECK(H5Screate(H5S_SCALAR)));
    H5Handle attr(H5_CHECK(H5Acreate2(file, name, file_type, space, H5P_DEFAULT, H5P_DEFAULT)));
    H5_CHECK(H5Awrite(attr, mem_type, value));
}

// A variable-length UTF-8 string: h5py reads it as str.
void attribute_write_string(hid_t file, const char* name, const std::string& value) {
    H5Handle type(H5_CHECK(H5Tcopy(H5T_C_S1)));
    H5_CHECK(H5Tset_size(type, H5T_VARIABLE));
    H5_CHECK(H5Tset_cset(type, H5T_CSET_UTF8));
    const char* text = value.c_str();
    attribute_write(file, name, type, type, &text);
}

// Writes rows [at, at + n) of a dataset [N, ...] from data [n, ...].
void rows_write(hid_t dataset, int64_t at, int64_t n, const uint8_t* data) {
    H5Handle file_space(H5_CHECK(H5Dget_space(dataset)));
    hsize_t dims[4] = {0, 0, 0, 0}, start[4] = {hsize_t(at), 0, 0, 0};
    const int rank = H5_CHECK(H5Sget_simple_extent_dims(file_space, dims, nullptr));
    dims[0] = hsize_t(n);
    H5_CHECK(H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start, nullptr, dims, nullptr));
    H5Handle mem_space(H5_CHECK(H5Screate_simple(rank, dims, nullptr)));
    H5_CHECK(H5Dwrite(dataset, H5T_NATIVE_UINT8, mem_space, file_space, H5P_DEFAULT, data));
}

}  // namespace

DatasetWriter::~DatasetWriter() {
    if (!finished && !tmp_path.empty()) std::remove(tmp_path.c_str());
}

void writer_open(DatasetWriter* w, const std::string& path, const std::string& name, int classes, SampleShape shape,
                 int64_t n_train, int64_t n_test) {
    h5_quiet();
    const std::filesystem::path dir = std::filesystem::path(path).parent_path();
    if (!dir.empty() && !std::filesystem::is_directory(dir))
        throw DataError(path + ": directory " + dir.string() + " does not exist");
    if (n_train < 1 || n_test < 1 || shape.pixels() < 1)
        throw DataError(path + ": nothing to write (train " + std::to_string(n_train) + ", test " +
                        std::to_string(n_test) + " samples)");
    w->path = path;
    w->tmp_path = path + ".tmp." + std::to_string(getpid());
    w->info = DataInfo{name, classes, shape, 0, 1, n_train, n_test};
    w->file = H5Handle(H5_CHECK(H5Fcreate(w->tmp_path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT)));
    const int64_t count[2] = {n_train, n_test};
    for (int p = 0; p < 2; ++p) {
        H5Handle group(H5_CHECK(H5Gcreate2(w->file, part_group[p], H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT)));
        const hsize_t dims[4] = {hsize_t(count[p]), hsize_t(shape.channels), hsize_t(shape.height),
                                 hsize_t(shape.width)};
        w->images[p] = dataset_create(w->file, std::string(part_group[p]) + "/images", 4, dims);
        w->labels[p] = dataset_create(w->file, std::string(part_group[p]) + "/labels", 1, dims);
    }
}

void writer_append(DatasetWriter* w, Part part, const uint8_t* images, const uint8_t* labels, int64_t n,
                   const std::string& source) {
    const int p = int(part);
    const int64_t declared = p == 0 ? w->info.train_total : w->info.test_total;
    if (w->written[p] + n > declared)
        throw DataError(w->path + ": " + source + " brings more samples than the " + std::to_string(declared) +
                        " declared for " + part_group[p]);
    for (int64_t i = 0; i < n; ++i)
        if (labels[i] >= w->info.classes)
            throw DataError(source + ": sample " + std::to_string(i) + " has label " + std::to_string(labels[i]) +
                            ", not below " + std::to_string(w->info.classes) + " classes");
    if (part == Part::train)
        for (int64_t i = 0, bytes = n * w->info.shape.pixels(); i < bytes; ++i) {
            w->pixel_sum += images[i];
            w->pixel_sq_sum += uint64_t(images[i]) * images[i];
        }
    rows_write(w->images[p], w->written[p], n, images);
    rows_write(w->labels[p], w->written[p], n, labels);
    w->written[p] += n;
}

DataInfo writer_finish(DatasetWriter* w) {
    if (w->written[0] != w->info.train_total || w->written[1] != w->info.test_total)
        throw DataError(w->path + ": wrote " + std::to_string(w->written[0]) + " train and " +
                        std::to_string(w->written[1]) + " test samples, declared " +
                        std::to_string(w->info.train_total) + " and " + std::to_string(w->info.test_total));
    const double n = double(w->info.train_total) * double(w->info.shape.pixels());
    w->info.mean = double(w->pixel_sum) / 255.0 / n;
    w->info.std = std::sqrt(std::max(0.0, double(w->pixel_sq_sum) / (255.0 * 255.0) / n - w->info.mean * w->info.mean));
    if (w->info.std == 0) w->info.std = 1;  // constant images: normalise by 1, not 0
    attribute_write_string(w->file, "name", w->info.name);
    attribute_write(w->file, "classes", H5T_STD_I32LE, H5T_NATIVE_INT, &w->info.classes);
    attribute_write(w->file, "mean", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &w->info.mean);
    attribute_write(w->file, "std", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &w->info.std);
    for (int p = 0; p < 2; ++p) w->images[p] = H5Handle(), w->labels[p] = H5Handle();
    H5_CHECK(H5Fclose(w->file.release()));  // here, where a failed flush can be reported
    std::error_code ec;
    std::filesystem::rename(w->tmp_path, w->path, ec);
    if (ec) throw DataError(w->path + ": cannot rename " + w->tmp_path + " into place: " + ec.message());
    w->finished = true;
    return w->info;
}

}  // namespace bitvote
