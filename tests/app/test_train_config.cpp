// What train's DETOX and Byzantine flags resolve to, and the checks that need
// nothing but the flags (the messages themselves: tests/e2e/train_bad_input.sh).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "aggregate/aggregator.h"
#include "train/train_config.h"

namespace bitvote {
namespace {

TrainConfig detox_config(MethodKind method) {
    TrainConfig c;
    c.method.kind = method;
    c.aggregate = AggregateKind::detox;
    return c;
}

// pick: vote for the voting methods, median for the ones that send values.
TEST(DetoxFlags, PickVotesForVotesAndTakesTheMedianOfValues) {
    for (MethodKind m : {MethodKind::signsgd, MethodKind::signum, MethodKind::s3gd, MethodKind::magsparse})
        EXPECT_EQ(detox_config_of(detox_config(m)).final, AggregateKind::vote) << method_name(m);
    for (MethodKind m : {MethodKind::sgd, MethodKind::efsign, MethodKind::topk})
        EXPECT_EQ(detox_config_of(detox_config(m)).final, AggregateKind::median) << method_name(m);
    TrainConfig c = detox_config(MethodKind::signum);
    c.detox_final = DetoxFinal::median;
    EXPECT_EQ(detox_config_of(c).final, AggregateKind::median);
    EXPECT_EQ(detox_config_of(c).group, detox_default_group);
    c.group = 5;
    EXPECT_EQ(detox_config_of(c).group, 5);
    EXPECT_EQ(data_group_of(c), 5);
    c.aggregate = AggregateKind::vote;
    EXPECT_EQ(data_group_of(c), 1) << "only DETOX groups share batches";
}

TEST(DetoxFlags, RefusesGroupsWithoutAStrictMajorityOrThatDoNotSplitTheRanks) {
    EXPECT_EQ(detox_check({3, AggregateKind::vote}, 6), "");
    EXPECT_EQ(detox_check({5, AggregateKind::median}, 0), "") << "P = 0: the group size alone";
    EXPECT_NE(detox_check({2, AggregateKind::vote}, 6).find("odd group size >= 3"), std::string::npos);
    EXPECT_NE(detox_check({1, AggregateKind::vote}, 3).find("odd group size >= 3"), std::string::npos);
    EXPECT_NE(detox_check({3, AggregateKind::vote}, 4).find("--group 3 does not divide the 4 ranks"),
              std::string::npos);
    EXPECT_NE(detox_check({3, AggregateKind::weighted}, 3), "");
}

TEST(DetoxFlags, GroupAndFinalNeedDetoxAndVoteNeedsVotes) {
    TrainConfig c;
    c.group = 3;
    EXPECT_EQ(train_config_check(c), "--group 3 applies to --aggregate detox only");
    c = TrainConfig{};
    c.detox_final = DetoxFinal::vote;
    EXPECT_EQ(train_config_check(c), "--detox-final applies to --aggregate detox only");
    c = detox_config(MethodKind::sgd);
    EXPECT_EQ(train_config_check(c), "");
    c.detox_final = DetoxFinal::vote;
    EXPECT_NE(train_config_check(c).find("--detox-final vote needs a voting method"), std::string::npos);
    c = detox_config(MethodKind::signum);
    c.group = 4;
    EXPECT_NE(train_config_check(c).find("--group 4: DETOX needs an odd group size"), std::string::npos);
    c.overlap = true;
    c.group = 3;
    EXPECT_NE(train_config_check(c).find("--overlap needs --aggregate vote"), std::string::npos);
}

// --byzantine N alone: the last N; --byzantine-ranks alone: those, and N is
// their count; both: N must be the count.
TEST(ByzantineFlags, RanksAreTheListOrTheLastN) {
    TrainConfig c;
    EXPECT_TRUE(byzantine_ranks_of(c, 6).empty());
    c.byzantine = 2;
    EXPECT_EQ(byzantine_ranks_of(c, 6), (std::vector<int>{4, 5}));
    c.byzantine = 0;
    c.byzantine_ranks = {5, 2};
    EXPECT_EQ(byzantine_ranks_of(c, 6), (std::vector<int>{2, 5}));
    EXPECT_EQ(train_config_check(c), "--byzantine-ranks needs --attack");
    c.attack_given = true;
    EXPECT_EQ(train_config_check(c), "");
    c.byzantine = 2;
    EXPECT_EQ(train_config_check(c), "") << "a --byzantine that is the list's count";
    c.byzantine = 3;
    EXPECT_NE(train_config_check(c).find("--byzantine 3 disagrees with --byzantine-ranks, which lists 2"), std::string::npos);
    c.byzantine = 0;
    c.byzantine_ranks = {2, 5, 2};
    EXPECT_EQ(train_config_check(c), "--byzantine-ranks lists rank 2 twice");
}

}  // namespace
}  // namespace bitvote
