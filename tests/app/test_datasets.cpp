// The converters (datasets/): each writes the project's HDF5 layout with the
// input's exact pixels and labels, the right mean/std, and refuses a missing,
// truncated or malformed input with a message naming the file.
#include <cmath>
#include <filesystem>
#include <numeric>

#include "test_data_files.h"

namespace bitvote::test {

namespace {

// Mean and std of bytes scaled to [0, 1], the way the converters define them.
std::pair<double, double> pixel_moments(const std::vector<uint8_t>& px) {
    double s = 0, s2 = 0;
    for (uint8_t v : px) s += v / 255.0, s2 += (v / 255.0) * (v / 255.0);
    const double mean = s / double(px.size());
    return {mean, std::sqrt(s2 / double(px.size()) - mean * mean)};
}

std::vector<uint8_t> concat(const std::vector<std::vector<uint8_t>>& parts) {
    std::vector<uint8_t> out;
    for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}

// Pixels and labels of records written by cifar_records, label slot `which`.
void cifar_split(const std::vector<uint8_t>& records, int label_bytes, int which, std::vector<uint8_t>* images,
                 std::vector<uint8_t>* labels) {
    const size_t rec = size_t(label_bytes) + 3072;
    for (size_t at = 0; at < records.size(); at += rec) {
        labels->push_back(records[at + size_t(which)]);
        images->insert(images->end(), records.begin() + long(at) + label_bytes, records.begin() + long(at + rec));
    }
}

void expect_no_output(const std::string& out) {
    EXPECT_FALSE(std::filesystem::exists(out));
    for (const auto& e : std::filesystem::directory_iterator(std::filesystem::path(out).parent_path()))
        EXPECT_EQ(e.path().string().find(".h5.tmp."), std::string::npos) << "temporary left: " << e.path();
}

}  // namespace

TEST(DatasetsFmnist, FakeIdxRoundTripsExactly) {
    ScratchDir dir;
    FakeIdx fake;
    fake.write(dir);
    const DataInfo info = convert_fmnist(dir.path, dir / "f.h5");
    const Data d = read_all(dir / "f.h5");
    EXPECT_EQ(d.info.name, "fashion-mnist");
    EXPECT_EQ(d.info.classes, 10);
    EXPECT_EQ(d.info.shape, (SampleShape{1, 4, 6}));
    EXPECT_EQ(d.train.images, fake.images(fake.n_train, 0));
    EXPECT_EQ(d.train.labels, fake.labels(fake.n_train, 0));
    EXPECT_EQ(d.test.images, fake.images(fake.n_test, 1));
    EXPECT_EQ(d.test.labels, fake.labels(fake.n_test, 1));
    const auto [mean, std] = pixel_moments(fake.images(fake.n_train, 0));  // of the training pixels only
    EXPECT_NEAR(d.info.mean, mean, 1e-12);
    EXPECT_NEAR(d.info.std, std, 1e-9);
    EXPECT_EQ(info.mean, d.info.mean);
}

TEST(DatasetsFmnist, RealFilesHaveKnownShapesAndClassCounts) {
    const std::string dir = "/usr/share/datasets/fashion-mnist";
    if (!std::filesystem::exists(dir + "/train-images-idx3-ubyte.gz"))
        GTEST_SKIP() << dir << " missing: apt-get install dataset-fashion-mnist";
    ScratchDir out;
    convert_fmnist(dir, out / "fm.h5");
    const Data d = read_all(out / "fm.h5");
    EXPECT_EQ(d.info.shape, (SampleShape{1, 28, 28}));
    ASSERT_EQ(d.train.size(), 60000);
    ASSERT_EQ(d.test.size(), 10000);
    EXPECT_EQ(d.train.images.size(), 60000u * 784);
    std::vector<int> train_count(10), test_count(10);
    for (uint8_t l : d.train.labels) ++train_count[l];
    for (uint8_t l : d.test.labels) ++test_count[l];
    EXPECT_EQ(train_count, std::vector<int>(10, 6000));
    EXPECT_EQ(test_count, std::vector<int>(10, 1000));
    EXPECT_EQ(d.train.labels[0], 9);  // the first training image is an ankle boot
    EXPECT_EQ(d.test.labels[0], 9);
    EXPECT_NEAR(d.info.mean, 0.2860, 1e-4);  // the published normalisation constants
    EXPECT_NEAR(d.info.std, 0.3530, 1e-4);
}

TEST(DatasetsCifar, Cifar10BatchesConcatenateInOrder) {
    ScratchDir dir;
    const int64_t sizes[5] = {3, 2, 1, 2, 4};
    std::vector<std::vector<uint8_t>> batches;
    for (int b = 0; b < 5; ++b) {
        batches.push_back(cifar_records(sizes[b], {10}, b));
        file_write(dir / ("data_batch_" + std::to_string(b + 1) + ".bin"), batches.back());
    }
    const std::vector<uint8_t> test = cifar_records(3, {10}, 9);
    file_write(dir / "test_batch.bin", test);
    convert_cifar10(dir.path, dir / "c.h5");
    const Data d = read_all(dir / "c.h5");
    std::vector<uint8_t> images, labels, test_images, test_labels;
    cifar_split(concat(batches), 1, 0, &images, &labels);
    cifar_split(test, 1, 0, &test_images, &test_labels);
    EXPECT_EQ(d.info.name, "cifar10");
    EXPECT_EQ(d.info.classes, 10);
    EXPECT_EQ(d.info.shape, (SampleShape{3, 32, 32}));
    EXPECT_EQ(d.train.size(), 12);
    EXPECT_EQ(d.train.images, images);
    EXPECT_EQ(d.train.labels, labels);
    EXPECT_EQ(d.test.images, test_images);
    EXPECT_EQ(d.test.labels, test_labels);
    EXPECT_NEAR(d.info.mean, pixel_moments(images).first, 1e-12);
}

TEST(DatasetsCifar, Cifar100KeepsFineOrCoarseLabels) {
    ScratchDir dir;
    const std::vector<uint8_t> train = cifar_records(6, {20, 100}, 2), test = cifar_records(4, {20, 100}, 5);
    file_write(dir / "train.bin", train);
    file_write(dir / "test.bin", test);
    for (bool coarse : {false, true}) {
        const std::string out = dir / (coarse ? "coarse.h5" : "fine.h5");
        convert_cifar100(dir.path, out, coarse);
        const Data d = read_all(out);
        std::vector<uint8_t> images, labels, test_images, test_labels;
        cifar_split(train, 2, coarse ? 0 : 1, &images, &labels);
        cifar_split(test, 2, coarse ? 0 : 1, &test_images, &test_labels);
        EXPECT_EQ(d.info.classes, coarse ? 20 : 100);
        EXPECT_EQ(d.info.name, coarse ? "cifar100-coarse" : "cifar100-fine");
        EXPECT_EQ(d.train.images, images);
        EXPECT_EQ(d.train.labels, labels);
        EXPECT_EQ(d.test.images, test_images);
        EXPECT_EQ(d.test.labels, test_labels);
    }
}

TEST(DatasetsSynthetic, SameSeedSameFileOtherSeedOther) {
    ScratchDir dir;
    SyntheticSpec spec{300, 100, 5, {2, 5, 3}, 42, 64};
    convert_synthetic(spec, dir / "a.h5");
    convert_synthetic(spec, dir / "b.h5");
    spec.seed = 43;
    convert_synthetic(spec, dir / "c.h5");
    const Data a = read_all(dir / "a.h5"), b = read_all(dir / "b.h5"), c = read_all(dir / "c.h5");
    EXPECT_EQ(a.info.shape, (SampleShape{2, 5, 3}));
    EXPECT_EQ(a.info.classes, 5);
    EXPECT_EQ(a.train.size(), 300);
    EXPECT_EQ(a.test.size(), 100);
    EXPECT_EQ(a.train.images, b.train.images);
    EXPECT_EQ(a.test.labels, b.test.labels);
    EXPECT_NE(a.train.images, c.train.images);
    EXPECT_NE(a.train.labels, c.train.labels);
}

// Learnable: the nearest class mean of the training set classifies the test
// set far above chance (1/classes).
TEST(DatasetsSynthetic, NearestClassMeanLearnsIt) {
    ScratchDir dir;
    const SyntheticSpec spec{2000, 500, 10, {1, 12, 12}, 7, 96};
    convert_synthetic(spec, dir / "s.h5");
    const Data d = read_all(dir / "s.h5");
    const int64_t px = d.info.shape.pixels();
    std::vector<double> mean(size_t(10 * px));
    std::vector<int> count(10);
    for (int64_t i = 0; i < d.train.size(); ++i) {
        ++count[d.train.labels[size_t(i)]];
        for (int64_t p = 0; p < px; ++p)
            mean[size_t(d.train.labels[size_t(i)] * px + p)] += d.train.images[size_t(i * px + p)];
    }
    for (int k = 0; k < 10; ++k)
        for (int64_t p = 0; p < px; ++p) mean[size_t(k * px + p)] /= std::max(count[size_t(k)], 1);
    int correct = 0;
    for (int64_t i = 0; i < d.test.size(); ++i) {
        int best = 0;
        double best_dist = 1e300;
        for (int k = 0; k < 10; ++k) {
            double dist = 0;
            for (int64_t p = 0; p < px; ++p) {
                const double diff = d.test.images[size_t(i * px + p)] - mean[size_t(k * px + p)];
                dist += diff * diff;
            }
            if (dist < best_dist) best_dist = dist, best = k;
        }
        correct += best == d.test.labels[size_t(i)];
    }
    EXPECT_GT(correct, 400) << "of 500";
    for (int k = 0; k < 10; ++k) EXPECT_GT(count[size_t(k)], 100) << "class " << k;
}

// ---- bad inputs: one named case each ---------------------------------------------

struct BadIdx {
    const char* name;
    const char* file;  // the file the message must name
    const char* says;  // and a phrase it must contain
};

class DatasetsFmnistRejects : public ::testing::TestWithParam<BadIdx> {};

// Writes a valid fake directory, then breaks it as the case says.
void idx_break(const ScratchDir& dir, const std::string& how) {
    FakeIdx fake;
    fake.write(dir);
    const std::string labels = dir / "train-labels-idx1-ubyte.gz", images = dir / "train-images-idx3-ubyte.gz";
    if (how == "missing_file") std::filesystem::remove(dir / "t10k-labels-idx1-ubyte.gz");
    if (how == "bad_magic") gz_write(labels, idx_bytes({7, 1, 1}, fake.labels(7, 0)));  // 3 dims for labels
    if (how == "not_idx") gz_write(images, {0x1f, 0x8b - 1, 0, 0, 0, 0});               // neither gzip nor idx
    if (how == "truncated_gz") {
        std::ifstream in(images, std::ios::binary);
        std::vector<uint8_t> gz((std::istreambuf_iterator<char>(in)), {});
        gz.resize(gz.size() / 2);
        file_write(images, gz);
    }
    if (how == "truncated_data") {
        auto px = fake.images(7, 0);
        px.pop_back();
        gz_write(images, idx_bytes({7, fake.rows, fake.cols}, px));
    }
    if (how == "trailing_bytes") gz_write(labels, idx_bytes({6}, fake.labels(7, 0)));
    if (how == "count_mismatch") gz_write(labels, idx_bytes({6}, fake.labels(6, 0)));
    if (how == "label_out_of_range") {
        auto l = fake.labels(7, 0);
        l[3] = 10;
        gz_write(labels, idx_bytes({7}, l));
    }
    if (how == "test_size_differs")
        gz_write(dir / "t10k-images-idx3-ubyte.gz", idx_bytes({5, 6, 4}, fake.images(5, 1)));
}

TEST_P(DatasetsFmnistRejects, NamingTheFile) {
    ScratchDir dir;
    idx_break(dir, GetParam().name);
    expect_data_error([&] { convert_fmnist(dir.path, dir / "out.h5"); }, {dir / GetParam().file, GetParam().says});
    expect_no_output(dir / "out.h5");
}

INSTANTIATE_TEST_SUITE_P(
    Cases, DatasetsFmnistRejects,
    ::testing::Values(BadIdx{"missing_file", "t10k-labels-idx1-ubyte.gz", "cannot open"},
                      BadIdx{"bad_magic", "train-labels-idx1-ubyte.gz", "bad magic number 00000803"},
                      BadIdx{"not_idx", "train-images-idx3-ubyte.gz", "bad magic number 1f8a0000"},
                      BadIdx{"truncated_gz", "train-images-idx3-ubyte.gz", "truncated"},
                      BadIdx{"truncated_data", "train-images-idx3-ubyte.gz", "(truncated)"},
                      BadIdx{"trailing_bytes", "train-labels-idx1-ubyte.gz", "trailing bytes"},
                      BadIdx{"count_mismatch", "train-labels-idx1-ubyte.gz", "holds 6 labels but"},
                      BadIdx{"label_out_of_range", "train-labels-idx1-ubyte.gz", "label 10, not below 10"},
                      BadIdx{"test_size_differs", "t10k-images-idx3-ubyte.gz", "are 6x4"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(DatasetsCifarRejects, PartialRecordMissingBatchAndBadLabel) {
    ScratchDir dir;
    for (int b = 1; b <= 5; ++b)
        file_write(dir / ("data_batch_" + std::to_string(b) + ".bin"), cifar_records(2, {10}, b));
    expect_data_error([&] { convert_cifar10(dir.path, dir / "out.h5"); }, {dir / "test_batch.bin", "cannot read"});
    auto partial = cifar_records(2, {10}, 0);
    partial.pop_back();
    file_write(dir / "test_batch.bin", partial);
    expect_data_error([&] { convert_cifar10(dir.path, dir / "out.h5"); },
                      {dir / "test_batch.bin", "not a whole number of 3073-byte CIFAR-10 records"});
    auto bad = cifar_records(2, {10}, 0);
    bad[3073] = 10;  // second record's label
    file_write(dir / "test_batch.bin", bad);
    expect_data_error([&] { convert_cifar10(dir.path, dir / "out.h5"); }, {dir / "test_batch.bin", "label 10"});
    file_write(dir / "train.bin", cifar_records(2, {10}, 0));  // CIFAR-10 records read as CIFAR-100: 2 x 3073 bytes
    file_write(dir / "test.bin", cifar_records(1, {20, 100}, 0));
    expect_data_error([&] { convert_cifar100(dir.path, dir / "out.h5", false); },
                      {dir / "train.bin", "3074-byte CIFAR-100 records"});
    expect_no_output(dir / "out.h5");
}

TEST(DatasetsWriter, RefusesAMissingOutputDirectory) {
    ScratchDir dir;
    expect_data_error(
        [&] {
            convert_synthetic(SyntheticSpec{10, 10, 2, {1, 2, 2}, 0, 1}, dir / "no/such/x.h5");
        },
        {"x.h5", "does not exist"});
}

}  // namespace bitvote::test
