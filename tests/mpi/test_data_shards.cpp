// Parallel reads of a dataset (src/data/shard_read.cpp) at any rank count:
// each rank reads exactly the shard the partition rules give it, with the
// file's bytes, and the shards read in parallel together hold the file's
// samples — every one exactly once for iid and dirichlet — checked with
// per-index owner counts and a checksum of (index, label) pairs, allreduced.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "convert.h"
#include "data/data.h"
#include "data/rng.h"
#include "mpi_test.h"

namespace bitvote::test {

namespace {

// Odd sizes give uneven shards; 4999 samples make a shard of more than 512 runs
// of consecutive indices at P <= 4, read in several H5Dread calls.
const SyntheticSpec spec{4999, 101, 6, {1, 2, 3}, 21, 50};

// A synthetic file that rank 0 writes and every rank then opens; removed at exit.
struct SharedFile {
    std::string dir, path;
    SharedFile() {
        char name[256] = "/tmp/bitvote_shards_XXXXXX";
        std::string error;
        if (world().rank == 0) {
            if (!mkdtemp(name)) name[0] = 0;
            try {
                if (name[0]) convert_synthetic(spec, std::string(name) + "/s.h5");
            } catch (const DataError& e) {
                error = e.what();
                name[0] = 0;
            }
        }
        MPI_Bcast(name, sizeof name, MPI_CHAR, 0, world().comm);
        dir = name;
        path = dir + "/s.h5";
        if (dir.empty() && world().rank == 0) ADD_FAILURE() << "could not write the test file: " << error;
    }
    ~SharedFile() {
        MPI_Barrier(world().comm);
        if (world().rank == 0 && !dir.empty()) std::filesystem::remove_all(dir);
    }
};

uint64_t pair_hash(int64_t index, int label) { return seed_mix(uint64_t(index), uint64_t(label)); }

// Sum over ranks of a per-index count vector.
std::vector<int> owners_allreduce(const std::vector<int64_t>& mine, int64_t n) {
    std::vector<int> count(size_t(n), 0);
    for (int64_t i : mine) ++count[size_t(i)];
    MPI_Allreduce(MPI_IN_PLACE, count.data(), int(n), MPI_INT, MPI_SUM, world().comm);
    return count;
}

uint64_t checksum_allreduce(const Shard& s) {
    uint64_t h = 0;
    for (int64_t j = 0; j < s.size(); ++j) h += pair_hash(s.index[size_t(j)], s.labels[size_t(j)]);
    MPI_Allreduce(MPI_IN_PLACE, &h, 1, MPI_UINT64_T, MPI_SUM, world().comm);
    return h;
}

// "" when the shard holds the samples of `whole` (the split read by one
// process) at its indices, bytes and labels.
std::string shard_problem(const Shard& s, const Shard& whole, int64_t pixels) {
    if (int64_t(s.images.size()) != s.size() * pixels || int64_t(s.labels.size()) != s.size())
        return "shard sizes disagree";
    for (int64_t j = 0; j < s.size(); ++j) {
        const int64_t i = s.index[size_t(j)];
        if (s.labels[size_t(j)] != whole.labels[size_t(i)]) return "label of sample " + std::to_string(i);
        if (std::memcmp(s.images.data() + j * pixels, whole.images.data() + i * pixels, size_t(pixels)))
            return "image of sample " + std::to_string(i);
    }
    return "";
}

Data whole_file(const std::string& path) {
    DataConfig cfg;
    cfg.path = path;
    cfg.test_whole = true;
    return data_open(cfg, MPI_COMM_SELF);
}

}  // namespace

class DataShards : public MpiTestWithParam<const char*> {};

TEST_P(DataShards, UnionOfParallelShardsIsTheFile) {
    SharedFile file;
    ASSERT_TRUE(on_every_rank(!file.dir.empty(), "no test file"));
    const Partition p = partition_parse(GetParam());
    Data d, whole;
    std::string error;
    try {
        d = data_open(DataConfig{file.path, p, 5, 0, 0, false}, world().comm);
        whole = whole_file(file.path);
    } catch (const DataError& e) {
        error = e.what();
    }
    ASSERT_TRUE(on_every_rank(error.empty(), error));
    const int64_t px = d.info.shape.pixels();
    EXPECT_TRUE(
        on_every_rank(shard_problem(d.train, whole.train, px).empty(), shard_problem(d.train, whole.train, px)));
    EXPECT_TRUE(on_every_rank(shard_problem(d.test, whole.test, px).empty(), shard_problem(d.test, whole.test, px)));

    // The shard is the partition rule's shard for this rank.
    const auto expected =
        partition_shards(whole.train.labels, subset_pick(spec.train, 0, 0), spec.classes, world().size, p, 5);
    EXPECT_TRUE(on_every_rank(d.train.index == expected[size_t(world().rank)], "shard differs from partition_shards"));

    // Together the shards hold the samples the rule deals, each once.
    const std::vector<int> owners = owners_allreduce(d.train.index, spec.train);
    uint64_t want = 0;
    bool each_once = true;
    for (int64_t i = 0; i < spec.train; ++i) {
        const bool dealt = p.kind != PartitionKind::labels ||
                           std::any_of(expected.begin(), expected.end(),
                                       [&](const auto& s) { return std::binary_search(s.begin(), s.end(), i); });
        each_once = each_once && owners[size_t(i)] == (dealt ? 1 : 0);
        if (dealt) want += pair_hash(i, whole.train.labels[size_t(i)]);
    }
    EXPECT_TRUE(on_every_rank(each_once, "a training sample is held by no rank or by two"));
    EXPECT_TRUE(on_every_rank(checksum_allreduce(d.train) == want, "checksum of (index, label) pairs differs"));
    if (p.kind != PartitionKind::labels || world().size * p.classes_per_rank >= spec.classes) {
        EXPECT_TRUE(on_every_rank(std::all_of(owners.begin(), owners.end(), [](int c) { return c == 1; }),
                                  "not every training sample is read"));
    }

    // The test set, sharded for evaluation: contiguous parts, each sample once.
    const std::vector<int> test_owners = owners_allreduce(d.test.index, spec.test);
    EXPECT_TRUE(on_every_rank(std::all_of(test_owners.begin(), test_owners.end(), [](int c) { return c == 1; }),
                              "a test sample is held by no rank or by two"));
    uint64_t test_want = 0;
    for (int64_t i = 0; i < spec.test; ++i) test_want += pair_hash(i, whole.test.labels[size_t(i)]);
    EXPECT_TRUE(on_every_rank(checksum_allreduce(d.test) == test_want, "test checksum differs"));
}

INSTANTIATE_TEST_SUITE_P(Partitions, DataShards, ::testing::Values("iid", "labels:1", "labels:2", "dirichlet:0.5"),
                         [](const auto& info) {
                             std::string n = info.param;
                             for (char& c : n)
                                 if (c == ':' || c == '.') c = '_';
                             return n;
                         });

using DataShardsRead = MpiTest;

TEST_F(DataShardsRead, SubsetsAndWholeTestSetAreTheSameOnEveryRank) {
    SharedFile file;
    ASSERT_TRUE(on_every_rank(!file.dir.empty(), "no test file"));
    Data d;
    std::string error;
    try {
        d = data_open(DataConfig{file.path, partition_parse("iid"), 8, 3000, 40, true}, world().comm);
    } catch (const DataError& e) {
        error = e.what();
    }
    ASSERT_TRUE(on_every_rank(error.empty(), error));
    EXPECT_TRUE(on_every_rank(d.test.size() == 40 && d.info.train_total == 3000, "subset sizes"));
    uint64_t h = 0;
    for (int64_t i : d.test.index) h = seed_mix(h, uint64_t(i));
    EXPECT_TRUE(same_on_every_rank(h)) << "every rank holds the same whole test subset";
    const std::vector<int> owners = owners_allreduce(d.train.index, spec.train);
    int held = 0;
    for (int c : owners) held += c;
    EXPECT_TRUE(on_every_rank(held == 3000 && *std::max_element(owners.begin(), owners.end()) == 1,
                              "the train subset is not split exactly once"));
}

// DETOX's data: with DataConfig::group = g, the g consecutive ranks of each
// group read the same shard, part rank / g of the partition into P / g parts,
// so every sample is held by g ranks or none; a g that does not divide P is refused.
TEST_F(DataShardsRead, GroupsOfRanksShareTheirPartsShard) {
    SharedFile file;
    ASSERT_TRUE(on_every_rank(!file.dir.empty(), "no test file"));
    const int P = world().size, rank = world().rank;
    const Data whole = whole_file(file.path);
    for (int g = 1; g <= P + 1; ++g) {
        DataConfig cfg{file.path, partition_parse("labels:2"), 5, 0, 0, false};
        cfg.group = g;
        Data d;
        std::string error;
        try {
            d = data_open(cfg, world().comm);
        } catch (const DataError& e) {
            error = e.what();
        }
        const std::string tag = "group " + std::to_string(g) + ": ";
        if (P % g) {
            EXPECT_TRUE(on_every_rank(error.find("do not split") != std::string::npos, tag + "got: " + error));
            continue;
        }
        ASSERT_TRUE(on_every_rank(error.empty(), tag + error));
        const auto parts =
            partition_shards(whole.train.labels, subset_pick(spec.train, 0, 0), spec.classes, P / g, cfg.partition, 5);
        EXPECT_TRUE(on_every_rank(d.train.index == parts[size_t(rank / g)], tag + "not its group's part"));
        const std::vector<int> owners = owners_allreduce(d.train.index, spec.train);
        bool held_by_group = true;
        for (int64_t i = 0; i < spec.train; ++i) {
            const bool dealt = std::any_of(parts.begin(), parts.end(), [&](const auto& s) {
                return std::binary_search(s.begin(), s.end(), i);
            });
            held_by_group = held_by_group && owners[size_t(i)] == (dealt ? g : 0);
        }
        EXPECT_TRUE(on_every_rank(held_by_group, tag + "a sample is not held by exactly one group's ranks"));
    }
}

TEST_F(DataShardsRead, EveryRankRefusesAMissingFileTogether) {
    std::string error;
    try {
        data_open(DataConfig{"/nonexistent/bitvote.h5", {}, 0, 0, 0, false}, world().comm);
    } catch (const DataError& e) {
        error = e.what();
    }
    EXPECT_TRUE(on_every_rank(error.find("/nonexistent/bitvote.h5: no such file") == 0, "got: " + error));
}

}  // namespace bitvote::test
