// The sharding rules (src/data/partition.cpp): iid shards are disjoint, cover
// the samples and differ in size by at most one; labels:C gives every rank
// exactly C classes; dirichlet deals every sample once; all of it is a pure
// function of the seed.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "data/data.h"
#include "data/rng.h"
#include "test_data_files.h"

namespace bitvote::test {

namespace {

const int classes = 10;

// 2000 labels, class k drawn with weight k + 1: unbalanced on purpose.
std::vector<uint8_t> labels_make() {
    Rng rng(5);
    std::vector<uint8_t> l;
    for (int i = 0; i < 2000; ++i) {
        uint64_t u = rng.below(55), k = 0;
        while (u > k) u -= ++k;
        l.push_back(uint8_t(k));
    }
    return l;
}

const std::vector<uint8_t>& labels() {
    static const std::vector<uint8_t> l = labels_make();
    return l;
}

std::vector<int64_t> all_samples() { return subset_pick(int64_t(labels().size()), 0, 0); }

// "" when the shards are sorted, disjoint and their union is `samples`.
std::string cover_problem(const std::vector<std::vector<int64_t>>& shards, const std::vector<int64_t>& samples) {
    std::vector<int64_t> all;
    for (const auto& s : shards) {
        if (!std::is_sorted(s.begin(), s.end())) return "a shard is not sorted";
        all.insert(all.end(), s.begin(), s.end());
    }
    std::sort(all.begin(), all.end());
    if (std::adjacent_find(all.begin(), all.end()) != all.end()) return "a sample is in two shards";
    return all == samples ? "" : "the shards do not cover the samples";
}

std::set<int> classes_of(const std::vector<int64_t>& shard) {
    std::set<int> held;
    for (int64_t i : shard) held.insert(labels()[size_t(i)]);
    return held;
}

const Partition iid = partition_parse("iid");

}  // namespace

TEST(DataPartition, IidShardsAreDisjointCoverAndBalanced) {
    for (int ranks = 1; ranks <= 7; ++ranks) {
        const auto shards = partition_shards(labels(), all_samples(), classes, ranks, iid, 1);
        ASSERT_EQ(shards.size(), size_t(ranks));
        EXPECT_EQ(cover_problem(shards, all_samples()), "") << ranks << " ranks";
        const auto [lo, hi] = std::minmax_element(shards.begin(), shards.end(),
                                                  [](const auto& a, const auto& b) { return a.size() < b.size(); });
        EXPECT_LE(hi->size() - lo->size(), 1u) << ranks << " ranks";
        if (ranks > 1) {
            EXPECT_EQ(classes_of(shards[0]).size(), size_t(classes)) << "iid mixes all classes";
        }
    }
}

TEST(DataPartition, LabelsGivesEveryRankExactlyCClasses) {
    for (int c : {1, 2, 3, 10})
        for (int ranks = 1; ranks <= 7; ++ranks) {
            const Partition p = partition_parse("labels:" + std::to_string(c));
            const auto shards = partition_shards(labels(), all_samples(), classes, ranks, p, 3);
            std::set<int> covered;
            for (int r = 0; r < ranks; ++r) {
                const auto held = classes_of(shards[size_t(r)]);
                EXPECT_EQ(held.size(), size_t(c)) << "labels:" << c << " rank " << r << " of " << ranks;
                covered.insert(held.begin(), held.end());
            }
            std::vector<int64_t> kept;  // the samples of the classes some rank holds
            for (int64_t i : all_samples())
                if (covered.count(labels()[size_t(i)])) kept.push_back(i);
            EXPECT_EQ(cover_problem(shards, kept), "") << "labels:" << c << ", " << ranks << " ranks";
            if (ranks * c >= classes) {
                EXPECT_EQ(kept, all_samples()) << "every class dealt when ranks*C >= classes";
            }
        }
}

TEST(DataPartition, LabelsRefusesMoreClassesThanTheDatasetHas) {
    expect_data_error([] { partition_shards(labels(), all_samples(), classes, 2, partition_parse("labels:11"), 0); },
                      {"labels:11", "only 10 classes"});
}

TEST(DataPartition, DirichletDealsEverySampleOnce) {
    for (double alpha : {0.1, 1.0, 100.0})
        for (int ranks = 1; ranks <= 7; ++ranks) {
            const Partition p{PartitionKind::dirichlet, 0, alpha};
            const auto shards = partition_shards(labels(), all_samples(), classes, ranks, p, 4);
            EXPECT_EQ(cover_problem(shards, all_samples()), "") << "alpha " << alpha << ", " << ranks << " ranks";
            for (const auto& s : shards) EXPECT_GE(s.size(), 10u);
        }
}

// Small alpha concentrates each class on few ranks; large alpha is close to iid.
TEST(DataPartition, DirichletAlphaControlsSkew) {
    auto largest_share = [](double alpha) {  // mean over classes of the biggest rank's share
        const auto shards =
            partition_shards(labels(), all_samples(), classes, 5, Partition{PartitionKind::dirichlet, 0, alpha}, 9);
        double sum = 0;
        for (int k = 0; k < classes; ++k) {
            std::vector<double> n(5);
            for (int r = 0; r < 5; ++r)
                for (int64_t i : shards[size_t(r)]) n[size_t(r)] += labels()[size_t(i)] == k;
            double total = 0;
            for (double v : n) total += v;
            sum += *std::max_element(n.begin(), n.end()) / total;
        }
        return sum / classes;
    };
    EXPECT_GT(largest_share(0.05), 0.7);
    EXPECT_LT(largest_share(1000), 0.3);
}

TEST(DataPartition, SameSeedSameShardsOtherSeedOthers) {
    for (const char* text : {"iid", "labels:2", "dirichlet:0.5"}) {
        const Partition p = partition_parse(text);
        const auto a = partition_shards(labels(), all_samples(), classes, 4, p, 77);
        const auto b = partition_shards(labels(), all_samples(), classes, 4, p, 77);
        const auto c = partition_shards(labels(), all_samples(), classes, 4, p, 78);
        EXPECT_EQ(a, b) << text;
        EXPECT_NE(a, c) << text;
    }
}

TEST(DataPartition, SubsetIsSortedDistinctAndSeeded) {
    const auto a = subset_pick(1000, 100, 5), b = subset_pick(1000, 100, 5), c = subset_pick(1000, 100, 6);
    ASSERT_EQ(a.size(), 100u);
    EXPECT_TRUE(std::is_sorted(a.begin(), a.end()));
    EXPECT_EQ(std::adjacent_find(a.begin(), a.end()), a.end());
    EXPECT_GE(a.front(), 0);
    EXPECT_LT(a.back(), 1000);
    EXPECT_EQ(a, b);
    EXPECT_NE(a, c);
    EXPECT_EQ(subset_pick(5, 0, 1), (std::vector<int64_t>{0, 1, 2, 3, 4}));
}

// A subset shards like any sample list: the shards cover exactly the subset.
TEST(DataPartition, ShardsOfASubsetCoverTheSubset) {
    const auto subset = subset_pick(int64_t(labels().size()), 333, 2);
    for (const char* text : {"iid", "dirichlet:1"})
        EXPECT_EQ(cover_problem(partition_shards(labels(), subset, classes, 3, partition_parse(text), 2), subset), "")
            << text;
}

TEST(DataPartition, ParseAcceptsTheThreeKindsAndNamesThem) {
    EXPECT_EQ(partition_name(partition_parse("iid")), "iid");
    EXPECT_EQ(partition_name(partition_parse("labels:2")), "labels:2");
    EXPECT_EQ(partition_name(partition_parse("dirichlet:0.5")), "dirichlet:0.5");
    EXPECT_EQ(partition_parse("labels:3").classes_per_rank, 3);
    EXPECT_EQ(partition_parse("dirichlet:0.25").alpha, 0.25);
}

TEST(DataPartition, ParseRejectsMalformedText) {
    for (const char* bad : {"", "IID", "labels", "labels:", "labels:0", "labels:x", "labels:2.5", "dirichlet:0",
                            "dirichlet:-1", "dirichlet:nan", "dirichlet:abc", "shards:2"})
        expect_data_error([&] { partition_parse(bad); }, {"partition '" + std::string(bad) + "'"});
}

}  // namespace bitvote::test
