// data_open: validate a bitvote HDF5 dataset and read this rank's shard with
// parallel HDF5 (MPI-IO), only the images this rank owns.
#include <algorithm>
#include <cmath>
#include <filesystem>

#include "data/data.h"
#include "data/rng.h"

namespace bitvote {

namespace {

// Seed streams of the two subsets (the partition mixes in its own).
enum : uint64_t { stream_train_subset = 1, stream_test_subset = 2 };

[[noreturn]] void refuse(const std::string& path, const std::string& what, const std::string& why) {
    throw DataError(path + ": " + what + (what.empty() ? "" : " ") + why);
}

// A corrupt file can fail deep inside HDF5 on any call: the message then names
// the file too (found by tests/fuzz/fuzz_dataset_open.cpp).
[[noreturn]] void refuse_unreadable(const std::string& path, const H5CallError& e) {
    refuse(path, "", std::string("is not a readable bitvote dataset (") + e.what() + ")");
}

// One split of the file as opened: its datasets and sample count.
struct SplitFile {
    std::string group;  // "/train" or "/test"
    H5Handle images;    // [N, C, H, W] uint8
    H5Handle labels;    // [N] uint8
    SampleShape shape;
    int64_t count = 0;
};

// Every rank checks the file before the collective open, and all refuse
// together when any lacks it (a file on one node's local disk only).
H5Handle open_file(const std::string& path, MPI_Comm comm) {
    int state = !std::filesystem::exists(path) ? 2 : H5Fis_hdf5(path.c_str()) <= 0 ? 1 : 0, worst = 0;
    MPI_Allreduce(&state, &worst, 1, MPI_INT, MPI_MAX, comm);
    if (worst == 2) refuse(path, "", state == 2 ? "no such file" : "no such file on some of the ranks");
    if (worst == 1) refuse(path, "", "is not an HDF5 file");
    H5Handle fapl(H5_CHECK(H5Pcreate(H5P_FILE_ACCESS)));
    H5_CHECK(H5Pset_fapl_mpio(fapl, comm, MPI_INFO_NULL));
    return H5Handle(H5_CHECK(H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl)));
}

bool is_uint8(hid_t dataset) {
    H5Handle type(H5_CHECK(H5Dget_type(dataset)));
    return H5Tget_class(type) == H5T_INTEGER && H5Tget_size(type) == 1 && H5Tget_sign(type) == H5T_SGN_NONE;
}

// Opens a uint8 dataset of `rank` dimensions; dims gets its extent.
H5Handle open_uint8(hid_t file, const std::string& path, const std::string& name, int rank, hsize_t* dims) {
    const std::string group = name.substr(0, name.rfind('/'));
    if (H5Lexists(file, group.c_str(), H5P_DEFAULT) <= 0 || H5Lexists(file, name.c_str(), H5P_DEFAULT) <= 0)
        refuse(path, "dataset " + name, "is missing");
    H5Handle dataset(H5_CHECK(H5Dopen2(file, name.c_str(), H5P_DEFAULT)));
    H5Handle space(H5_CHECK(H5Dget_space(dataset)));
    const int got = H5_CHECK(H5Sget_simple_extent_ndims(space));
    if (got != rank)
        refuse(path, "dataset " + name,
               "has " + std::to_string(got) + " dimensions, expected " + std::to_string(rank) +
                   (rank == 4 ? " [N, C, H, W]" : " [N]"));
    H5_CHECK(H5Sget_simple_extent_dims(space, dims, nullptr));
    if (!is_uint8(dataset)) refuse(path, "dataset " + name, "is not uint8");
    // A declared extent never written (HDF5 would read fill values) must not
    // size the buffers: 2^35 unwritten labels asked for 32 GB (found with the
    // description format of tests/fuzz/fuzz_dataset_open.cpp).
    H5D_space_status_t status;
    H5_CHECK(H5Dget_space_status(dataset, &status));
    if (status != H5D_SPACE_STATUS_ALLOCATED && std::all_of(dims, dims + rank, [](hsize_t n) { return n > 0; }))
        refuse(path, "dataset " + name, "was declared but not (fully) written: HDF5 holds no data for part of it");
    return dataset;
}

// Largest C, H or W: the sample shape is held in ints and C H W in an int64.
constexpr hsize_t max_side = 65535;

SplitFile open_split(hid_t file, const std::string& path, const std::string& group) {
    SplitFile s{group, {}, {}, {}, 0};
    hsize_t image_dims[4], label_dims[1];
    s.images = open_uint8(file, path, group + "/images", 4, image_dims);
    s.labels = open_uint8(file, path, group + "/labels", 1, label_dims);
    for (int i = 1; i < 4; ++i)
        if (image_dims[i] > max_side)
            refuse(path, "dataset " + group + "/images",
                   "has samples of [C, H, W] = [" + std::to_string(image_dims[1]) + ", " + std::to_string(image_dims[2]) +
                       ", " + std::to_string(image_dims[3]) + "]: each must be at most " + std::to_string(max_side));
    s.count = int64_t(image_dims[0]);
    s.shape = {int(image_dims[1]), int(image_dims[2]), int(image_dims[3])};
    if (s.count < 1 || s.shape.pixels() < 1) refuse(path, "dataset " + group + "/images", "is empty");
    if (label_dims[0] != image_dims[0])
        refuse(path, "dataset " + group + "/labels",
               "holds " + std::to_string(label_dims[0]) + " labels but " + group + "/images holds " +
                   std::to_string(image_dims[0]) + " images");
    return s;
}

// The attribute on /, which must hold exactly one value: H5Aread writes as
// many as it holds (an array attribute overflowed the one-value buffer: found
// by tests/fuzz/fuzz_dataset_open.cpp).
H5Handle open_single_attribute(hid_t file, const std::string& path, const char* name) {
    if (H5_CHECK(H5Aexists(file, name)) <= 0) refuse(path, std::string("attribute '") + name + "'", "is missing");
    H5Handle attr(H5_CHECK(H5Aopen(file, name, H5P_DEFAULT)));
    H5Handle space(H5_CHECK(H5Aget_space(attr)));
    const int64_t values = H5_CHECK(H5Sget_simple_extent_npoints(space));
    if (values != 1)
        refuse(path, std::string("attribute '") + name + "'", "holds " + std::to_string(values) + " values, expected one");
    return attr;
}

template <class T>
T read_number(hid_t file, const std::string& path, const char* name, hid_t mem_type) {
    H5Handle attr = open_single_attribute(file, path, name);
    H5Handle type(H5_CHECK(H5Aget_type(attr)));
    const H5T_class_t cls = H5Tget_class(type);
    if (cls != H5T_INTEGER && cls != H5T_FLOAT)
        refuse(path, std::string("attribute '") + name + "'", "is not a number");
    T value{};
    H5_CHECK(H5Aread(attr, mem_type, &value));
    return value;
}

std::string read_string(hid_t file, const std::string& path, const char* name) {
    H5Handle attr = open_single_attribute(file, path, name);
    H5Handle type(H5_CHECK(H5Aget_type(attr)));
    if (H5Tget_class(type) != H5T_STRING) refuse(path, std::string("attribute '") + name + "'", "is not a string");
    H5Handle mem(H5_CHECK(H5Tget_native_type(type, H5T_DIR_ASCEND)));
    if (H5Tis_variable_str(type) > 0) {
        char* text = nullptr;
        H5_CHECK(H5Aread(attr, mem, &text));
        std::string out = text ? text : "";
        H5free_memory(text);
        return out;
    }
    std::string out(H5Tget_size(type), '\0');
    H5_CHECK(H5Aread(attr, mem, out.data()));
    return out.substr(0, out.find('\0'));
}

DataInfo read_info(hid_t file, const std::string& path) {
    DataInfo info;
    info.name = read_string(file, path, "name");
    info.classes = read_number<int>(file, path, "classes", H5T_NATIVE_INT);
    info.mean = read_number<double>(file, path, "mean", H5T_NATIVE_DOUBLE);
    info.std = read_number<double>(file, path, "std", H5T_NATIVE_DOUBLE);
    if (info.classes < 1 || info.classes > 256)
        refuse(path, "attribute 'classes'", "= " + std::to_string(info.classes) + ", expected 1..256 (uint8 labels)");
    if (!(info.std > 0 && std::isfinite(info.std)) || !(info.mean >= 0 && info.mean <= 1))
        refuse(path, "attributes 'mean'/'std'", "are not a mean in [0, 1] and a finite std > 0");
    return info;
}

// Every rank reads all labels of a split: the partition needs them. [N] uint8
std::vector<uint8_t> read_labels(const SplitFile& s, const std::string& path, int classes, hid_t xfer) {
    std::vector<uint8_t> labels(size_t(s.count));
    H5_CHECK(H5Dread(s.labels, H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, xfer, labels.data()));
    for (size_t i = 0; i < labels.size(); ++i)
        if (labels[i] >= classes)
            refuse(path, "dataset " + s.group + "/labels",
                   "[" + std::to_string(i) + "] = " + std::to_string(labels[i]) +
                       ", not below classes = " + std::to_string(classes));
    return labels;
}

// Runs of consecutive indices: [first, last) positions in `index` (ascending).
std::vector<std::pair<size_t, size_t>> runs_find(const std::vector<int64_t>& index) {
    std::vector<std::pair<size_t, size_t>> runs;
    for (size_t lo = 0, hi; lo < index.size(); lo = hi) {
        for (hi = lo + 1; hi < index.size() && index[hi] == index[hi - 1] + 1;) ++hi;
        runs.emplace_back(lo, hi);
    }
    return runs;
}

// HDF5 1.10 ORs hyperslabs in time quadratic in their number (20000 runs of
// a 60000-sample shard: 11 s), so a read takes at most this many runs.
constexpr size_t runs_per_read = 512;

// Selects runs[first, last) of an [N, C, H, W] space, OR-ed together.
void select_runs(hid_t space, const std::vector<int64_t>& index, const std::vector<std::pair<size_t, size_t>>& runs,
                 size_t first, size_t last, SampleShape shape) {
    H5_CHECK(H5Sselect_none(space));
    for (size_t r = first; r < last; ++r) {
        const hsize_t start[4] = {hsize_t(index[runs[r].first]), 0, 0, 0};
        const hsize_t count[4] = {hsize_t(runs[r].second - runs[r].first), hsize_t(shape.channels),
                                  hsize_t(shape.height), hsize_t(shape.width)};
        H5_CHECK(H5Sselect_hyperslab(space, H5S_SELECT_OR, start, nullptr, count, nullptr));
    }
}

// This rank's images, in ascending index order. [n, C, H, W] uint8
// Independent reads: each rank selects only its own samples and needs no
// other rank to take part (the collective two-phase read was 1.5x slower for
// Fashion-MNIST at P = 2 and 4 on one node).
std::vector<uint8_t> read_images(const SplitFile& s, const std::vector<int64_t>& index, hid_t xfer) {
    const hsize_t pixels = hsize_t(s.shape.pixels());
    std::vector<uint8_t> images(index.size() * pixels);
    const auto runs = runs_find(index);
    H5Handle file_space(H5_CHECK(H5Dget_space(s.images)));
    for (size_t first = 0; first < runs.size(); first += runs_per_read) {
        const size_t last = std::min(runs.size(), first + runs_per_read);
        select_runs(file_space, index, runs, first, last, s.shape);
        // samples runs[first].first .. runs[last - 1].second - 1, contiguous in memory
        const hsize_t bytes[1] = {(runs[last - 1].second - runs[first].first) * pixels};
        H5Handle mem_space(H5_CHECK(H5Screate_simple(1, bytes, nullptr)));
        H5_CHECK(H5Dread(s.images, H5T_NATIVE_UINT8, mem_space, file_space, xfer,
                         images.data() + runs[first].first * pixels));
    }
    return images;
}

std::vector<int64_t> pick_subset(const SplitFile& s, const std::string& path, int64_t n, uint64_t seed) {
    if (n < 0 || n > s.count)
        refuse(path, s.group,
               "holds " + std::to_string(s.count) + " samples; cannot take a subset of " + std::to_string(n));
    return subset_pick(s.count, n, seed);
}

Shard shard_make(std::vector<int64_t> index, const std::vector<uint8_t>& labels, std::vector<uint8_t> images) {
    Shard shard{std::move(index), std::move(images), {}};
    shard.labels.reserve(shard.index.size());
    for (int64_t i : shard.index) shard.labels.push_back(labels[size_t(i)]);
    return shard;
}

}  // namespace

Data data_open(const DataConfig& cfg, MPI_Comm comm) {
    h5_quiet();
    int rank = 0, ranks = 1;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &ranks);
    H5Handle file;
    try {
        file = open_file(cfg.path, comm);
    } catch (const H5CallError& e) {
        refuse_unreadable(cfg.path, e);
    }
    return data_read(file, cfg, rank, ranks);
}

namespace {

Data read_dataset(hid_t file, const DataConfig& cfg, int rank, int ranks) {
    H5Handle xfer(H5_CHECK(H5Pcreate(H5P_DATASET_XFER)));
    H5_CHECK(H5Pset_dxpl_mpio(xfer, H5FD_MPIO_INDEPENDENT));

    Data data;
    data.info = read_info(file, cfg.path);
    const SplitFile train = open_split(file, cfg.path, "/train"), test = open_split(file, cfg.path, "/test");
    if (!(test.shape == train.shape))
        refuse(cfg.path, "dataset /test/images", "has a different sample shape [C, H, W] than /train/images");
    data.info.shape = train.shape;

    const std::vector<uint8_t> train_labels = read_labels(train, cfg.path, data.info.classes, xfer);
    const std::vector<int64_t> train_samples =
        pick_subset(train, cfg.path, cfg.train_samples, seed_mix(cfg.seed, stream_train_subset));
    if (cfg.group < 1 || ranks % cfg.group)
        throw DataError("data_open: groups of " + std::to_string(cfg.group) + " do not split " +
                        std::to_string(ranks) + " ranks");
    std::vector<int64_t> mine = std::move(partition_shards(train_labels, train_samples, data.info.classes,
                                                           ranks / cfg.group, cfg.partition,
                                                           cfg.seed)[size_t(rank / cfg.group)]);
    std::vector<uint8_t> images = read_images(train, mine, xfer);
    data.train = shard_make(std::move(mine), train_labels, std::move(images));
    data.info.train_total = int64_t(train_samples.size());

    const std::vector<uint8_t> test_labels = read_labels(test, cfg.path, data.info.classes, xfer);
    std::vector<int64_t> test_samples =
        pick_subset(test, cfg.path, cfg.test_samples, seed_mix(cfg.seed, stream_test_subset));
    data.info.test_total = int64_t(test_samples.size());
    if (!cfg.test_whole) {  // contiguous part r of the test samples
        const size_t n = test_samples.size(), lo = n * size_t(rank) / size_t(ranks),
                     hi = n * size_t(rank + 1) / size_t(ranks);
        test_samples = std::vector<int64_t>(test_samples.begin() + long(lo), test_samples.begin() + long(hi));
    }
    images = read_images(test, test_samples, xfer);
    data.test = shard_make(std::move(test_samples), test_labels, std::move(images));
    return data;
}

}  // namespace

Data data_read(hid_t file, const DataConfig& cfg, int rank, int ranks) {
    try {
        return read_dataset(file, cfg, rank, ranks);
    } catch (const H5CallError& e) {
        refuse_unreadable(cfg.path, e);
    }
}

}  // namespace bitvote
