// Reading a bitvote HDF5 file (src/data/shard_read.cpp, batch.cpp): subsets,
// normalised batches, per-epoch shuffling, and a clear refusal of every kind
// of broken file, naming the file, the dataset and the problem.
#include <hdf5.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "test_data_files.h"

namespace bitvote::test {

namespace {

const SyntheticSpec small{20, 8, 4, {1, 3, 2}, 11, 40};  // [20 + 8, 1, 3, 2], 4 classes

std::string small_file(const ScratchDir& dir) {
    convert_synthetic(small, dir / "s.h5");
    return dir / "s.h5";
}

// A new dataset in place of `name`, written with zeros unless `written` is false.
void dataset_replace(hid_t file, const char* name, hid_t type, std::vector<hsize_t> dims, bool written = true) {
    H5Ldelete(file, name, H5P_DEFAULT);
    hid_t space = H5Screate_simple(int(dims.size()), dims.data(), nullptr);
    hid_t d = H5Dcreate2(file, name, type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    hsize_t elements = 1;
    for (hsize_t n : dims) elements *= n;
    const std::vector<uint8_t> zeros(elements * H5Tget_size(type));
    if (written && elements) H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, zeros.data());
    H5Dclose(d);
    H5Sclose(space);
}

// An attribute in place of `name` holding n doubles (0.5 each).
void attribute_replace(hid_t file, const char* name, hsize_t n) {
    H5Adelete(file, name);
    hid_t space = H5Screate_simple(1, &n, nullptr), a = H5Acreate2(file, name, H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT);
    const std::vector<double> values(n, 0.5);
    H5Awrite(a, H5T_NATIVE_DOUBLE, values.data());
    H5Aclose(a);
    H5Sclose(space);
}

// Breaks a valid file the way the case is named.
void h5_break(const std::string& path, const std::string& how) {
    hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    if (how == "missing_dataset") H5Ldelete(f, "/test/labels", H5P_DEFAULT);
    if (how == "missing_group") H5Ldelete(f, "/test", H5P_DEFAULT);
    if (how == "missing_attribute") H5Adelete(f, "classes");
    if (how == "label_out_of_range") {
        hid_t d = H5Dopen2(f, "/train/labels", H5P_DEFAULT), space = H5Dget_space(d);
        const hsize_t at[1] = {5}, one[1] = {1};
        H5Sselect_hyperslab(space, H5S_SELECT_SET, at, nullptr, one, nullptr);
        hid_t mem = H5Screate_simple(1, one, nullptr);
        const uint8_t four = 4;
        H5Dwrite(d, H5T_NATIVE_UINT8, mem, space, H5P_DEFAULT, &four);
        H5Sclose(mem), H5Sclose(space), H5Dclose(d);
    }
    if (how == "count_mismatch") dataset_replace(f, "/train/labels", H5T_STD_U8LE, {19});
    if (how == "wrong_rank") dataset_replace(f, "/train/images", H5T_STD_U8LE, {20, 6});
    if (how == "wrong_type") dataset_replace(f, "/test/images", H5T_IEEE_F32LE, {8, 1, 3, 2});
    if (how == "shape_mismatch") dataset_replace(f, "/test/images", H5T_STD_U8LE, {8, 1, 2, 3});
    if (how == "empty") dataset_replace(f, "/train/images", H5T_STD_U8LE, {0, 1, 3, 2});
    if (how == "unwritten") dataset_replace(f, "/train/labels", H5T_STD_U8LE, {20}, false);
    if (how == "huge_side") dataset_replace(f, "/test/images", H5T_STD_U8LE, {1, 1, 70000, 1});
    if (how == "attribute_array") attribute_replace(f, "mean", 3);
    if (how == "classes_zero") {
        const int zero = 0;
        hid_t a = H5Aopen(f, "classes", H5P_DEFAULT);
        H5Awrite(a, H5T_NATIVE_INT, &zero);
        H5Aclose(a);
    }
    H5Fclose(f);
}

}  // namespace

TEST(DataRead, SubsetsAreSeededAndCounted) {
    ScratchDir dir;
    DataConfig cfg{small_file(dir), {}, 3, 12, 5, true};
    const Data a = data_open(cfg, MPI_COMM_SELF), b = data_open(cfg, MPI_COMM_SELF);
    EXPECT_EQ(a.info.train_total, 12);
    EXPECT_EQ(a.info.test_total, 5);
    EXPECT_EQ(a.train.size(), 12);
    EXPECT_EQ(a.test.size(), 5);
    EXPECT_EQ(a.train.index, b.train.index);
    EXPECT_TRUE(std::is_sorted(a.train.index.begin(), a.train.index.end()));
    DataConfig other = cfg;
    other.seed = 4;
    EXPECT_NE(data_open(other, MPI_COMM_SELF).train.index, a.train.index);
    const Data all = read_all(cfg.path);  // the subset's samples are the file's samples at those indices
    const int64_t px = all.info.shape.pixels();
    for (int64_t j = 0; j < a.train.size(); ++j) {
        const int64_t i = a.train.index[size_t(j)];
        EXPECT_EQ(a.train.labels[size_t(j)], all.train.labels[size_t(i)]);
        EXPECT_TRUE(std::equal(a.train.images.begin() + j * px, a.train.images.begin() + (j + 1) * px,
                               all.train.images.begin() + i * px));
    }
    cfg.train_samples = 21;
    expect_data_error([&] { data_open(cfg, MPI_COMM_SELF); }, {cfg.path, "/train", "holds 20 samples", "21"});
}

// A subset of 1500 of 3000 samples is ~750 runs of consecutive indices: more
// than one H5Dread (512 runs each), each landing at its place in the shard.
TEST(DataRead, ManyRunsReadInSeveralCallsLandInPlace) {
    ScratchDir dir;
    convert_synthetic(SyntheticSpec{3000, 10, 3, {1, 1, 2}, 4, 60}, dir / "m.h5");
    const Data part = data_open(DataConfig{dir / "m.h5", {}, 6, 1500, 0, true}, MPI_COMM_SELF);
    const Data all = read_all(dir / "m.h5");
    ASSERT_EQ(part.train.size(), 1500);
    int64_t runs = 1, wrong = 0;
    for (int64_t j = 0; j < part.train.size(); ++j) {
        const int64_t i = part.train.index[size_t(j)];
        runs += j > 0 && i != part.train.index[size_t(j) - 1] + 1;
        wrong += part.train.images[size_t(2 * j)] != all.train.images[size_t(2 * i)] ||
                 part.train.images[size_t(2 * j + 1)] != all.train.images[size_t(2 * i + 1)];
    }
    EXPECT_GT(runs, 512);
    EXPECT_EQ(wrong, 0);
}

TEST(DataRead, BatchesAreNormalisedWithTheFilesMeanAndStd) {
    ScratchDir dir;
    const Data d = read_all(small_file(dir));
    Batch b;
    batch_fill(d.train, d.info, 3, 4, &b);
    ASSERT_EQ(b.n, 4);
    ASSERT_EQ(b.images.size(), 4u * 6);
    for (size_t k = 0; k < b.images.size(); ++k)
        EXPECT_FLOAT_EQ(b.images[k], float((d.train.images[3 * 6 + k] / 255.0 - d.info.mean) / d.info.std));
    for (int r = 0; r < 4; ++r) EXPECT_EQ(b.labels[size_t(r)], d.train.labels[size_t(3 + r)]);
    double sum = 0, sq = 0;  // over the whole training set: mean 0, std 1
    batch_fill(d.train, d.info, 0, int(d.train.size()), &b);
    for (float v : b.images) sum += v, sq += double(v) * v;
    EXPECT_NEAR(sum / double(b.images.size()), 0, 1e-5);
    EXPECT_NEAR(std::sqrt(sq / double(b.images.size())), 1, 1e-5);
    EXPECT_THROW(batch_fill(d.train, d.info, 18, 3, &b), DataError);
}

TEST(DataRead, EachPassVisitsTheShardOnceInANewOrder) {
    ScratchDir dir;
    const Data d = read_all(small_file(dir));
    Loader loader = loader_make(d.train, d.info, 5, 9, 0), again = loader_make(d.train, d.info, 5, 9, 0);
    std::vector<std::vector<int32_t>> passes;
    Batch b, b2;
    std::vector<int32_t> labels;
    for (int step = 0; step < 8; ++step) {  // 8 batches of 5 = two passes over 20 samples
        batch_next(&loader, &b);
        batch_next(&again, &b2);
        EXPECT_EQ(b.images, b2.images);
        labels.insert(labels.end(), b.labels.begin(), b.labels.end());
    }
    EXPECT_EQ(loader.epoch, 2);
    std::vector<int32_t> file_labels(d.train.labels.begin(), d.train.labels.end()),
        first(labels.begin(), labels.begin() + 20), second(labels.begin() + 20, labels.end());
    EXPECT_NE(first, file_labels) << "a pass is shuffled";  // 20 labels of 4 classes: file order by chance ~never
    EXPECT_NE(first, second) << "each pass has its own order";
    std::sort(first.begin(), first.end());
    std::sort(second.begin(), second.end());
    std::sort(file_labels.begin(), file_labels.end());
    EXPECT_EQ(first, file_labels);
    EXPECT_EQ(second, file_labels);
    Loader other_rank = loader_make(d.train, d.info, 5, 9, 1);
    batch_next(&other_rank, &b2);
    Loader rank0 = loader_make(d.train, d.info, 5, 9, 0);
    batch_next(&rank0, &b);
    EXPECT_NE(b.images, b2.images) << "ranks shuffle with their own streams";
}

TEST(DataRead, LoaderRefusesAnEmptyShardOrBatch) {
    ScratchDir dir;
    const Data d = read_all(small_file(dir));
    expect_data_error([&] { loader_make(Shard{}, d.info, 4, 0, 2); }, {"rank 2 holds no training samples"});
    expect_data_error([&] { loader_make(d.train, d.info, 0, 0, 0); }, {"batch size 0"});
}

struct BadFile {
    const char* name;
    const char* says;  // beside the file's path
};

class DataReadRejects : public ::testing::TestWithParam<BadFile> {};

TEST_P(DataReadRejects, NamingFileDatasetAndProblem) {
    ScratchDir dir;
    const std::string path = small_file(dir);
    h5_break(path, GetParam().name);
    expect_data_error([&] { read_all(path); }, {path + ": ", GetParam().says});
}

INSTANTIATE_TEST_SUITE_P(
    Cases, DataReadRejects,
    ::testing::Values(BadFile{"missing_dataset", "dataset /test/labels is missing"},
                      BadFile{"missing_group", "dataset /test/images is missing"},
                      BadFile{"missing_attribute", "attribute 'classes' is missing"},
                      BadFile{"label_out_of_range", "dataset /train/labels [5] = 4, not below classes = 4"},
                      BadFile{"count_mismatch", "dataset /train/labels holds 19 labels but /train/images holds 20"},
                      BadFile{"wrong_rank", "dataset /train/images has 2 dimensions, expected 4"},
                      BadFile{"wrong_type", "dataset /test/images is not uint8"},
                      BadFile{"shape_mismatch", "/test/images has a different sample shape"},
                      BadFile{"empty", "dataset /train/images is empty"},
                      BadFile{"unwritten", "dataset /train/labels was declared but not (fully) written"},
                      BadFile{"huge_side", "dataset /test/images has samples of [C, H, W] = [1, 70000, 1]: each must"},
                      BadFile{"attribute_array", "attribute 'mean' holds 3 values, expected one"},
                      BadFile{"classes_zero", "attribute 'classes' = 0"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(DataReadRejects, MissingFileAndNotHdf5) {
    ScratchDir dir;
    expect_data_error([&] { read_all(dir / "none.h5"); }, {dir / "none.h5", "no such file"});
    file_write(dir / "text.h5", {'h', 'i', '\n'});
    expect_data_error([&] { read_all(dir / "text.h5"); }, {dir / "text.h5", "is not an HDF5 file"});
}

TEST(DataReadRejects, H5CheckNamesFileLineAndCall) {
    h5_quiet();
    try {
        H5_CHECK(H5Dopen2(H5I_INVALID_HID, "/x", H5P_DEFAULT));
        ADD_FAILURE() << "no DataError";
    } catch (const DataError& e) {
        const std::string m = e.what();
        EXPECT_NE(m.find("test_data_read.cpp:"), std::string::npos) << m;
        EXPECT_NE(m.find("H5Dopen2(H5I_INVALID_HID, \"/x\", H5P_DEFAULT) failed"), std::string::npos) << m;
    }
}

}  // namespace bitvote::test
