// Checkpoints across ranks (src/train/checkpoint.cpp): every rank's states,
// of rank-dependent sizes, go through rank 0 into one file and come back to
// their own rank; the newest `keep` files stay; an unreadable newest file is
// set aside (.corrupt) and the one before it is read; a config that differs
// and an empty directory are errors on every rank.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "mpi_test.h"
#include "train/checkpoint.h"

namespace bitvote::test {
namespace {

using CheckpointCollective = MpiTest;

// A scratch directory made by rank 0, its name on every rank.
std::string shared_scratch(Comm& c) {
    char name[] = "/tmp/bitvote_ckpt_XXXXXX";
    if (c.rank == 0 && !mkdtemp(name)) name[0] = 0;
    MPI_CHECK(MPI_Bcast(name, sizeof name, MPI_CHAR, 0, c.comm));
    return name;
}

// One rank's states at a step: sizes depend on the rank, values on (step, rank, i).
struct RankStates {
    std::vector<int64_t> order;
    std::vector<float> memory;
    std::vector<uint64_t> agreed;
    RankStates(int rank, int P) : order(size_t(10 + 3 * rank)), memory(size_t(7 + rank)), agreed(size_t(P)) {}
    void fill(int64_t step, int rank) {
        for (size_t i = 0; i < order.size(); ++i) order[i] = step * 100000 + rank * 1000 + int64_t(i);
        for (size_t i = 0; i < memory.size(); ++i) memory[i] = float(step) + float(rank) * 0.25f + float(i) * 1e-3f;
        for (size_t i = 0; i < agreed.size(); ++i) agreed[i] = ~uint64_t(0) - uint64_t(step + rank + i);
    }
    StateList list() {
        StateList s;
        state_add(&s, "data/order", order);
        state_add(&s, "method/memory", memory);
        state_add(&s, "aggregate/agreed", agreed);
        return s;
    }
    bool operator==(const RankStates&) const = default;
};

const std::string config = R"({"event":"config","method":"signum","ranks":0})";

std::vector<float> weights_at(int64_t step) {
    std::vector<float> w(50);
    for (size_t i = 0; i < w.size(); ++i) w[i] = float(step) - float(i) * 0.5f;
    return w;
}

TEST_F(CheckpointCollective, EveryRankGetsItsOwnStatesBackAndBadFilesAreSkipped) {
    Comm& c = world();
    const std::string out = shared_scratch(c);
    ASSERT_TRUE(on_every_rank(!out.empty(), "mkdtemp"));
    RankStates mine(c.rank, c.size), got(c.rank, c.size), want(c.rank, c.size);
    for (int64_t step : {5, 10, 15}) {
        mine.fill(step, c.rank);
        const std::vector<float> w = weights_at(step);
        const CheckpointSaved s = checkpoint_save(out, 2, {step, config, 100 + step}, w, mine.list(), c.comm);
        EXPECT_EQ(s.path, checkpoint_path(out, step));
        EXPECT_GT(s.bytes, 0u);
    }
    EXPECT_TRUE(on_every_rank(checkpoint_steps(out) == std::vector<int64_t>({10, 15}), "keep 2: steps 10, 15"));

    std::vector<float> w(50);
    CheckpointResumed r = checkpoint_resume(out, config, w, got.list(), c.comm);
    want.fill(15, c.rank);
    EXPECT_TRUE(on_every_rank(r.error.empty() && r.path == checkpoint_path(out, 15), "resume: " + r.error));
    EXPECT_EQ(r.header.step, 15);
    EXPECT_EQ(r.header.log_bytes, 115);
    EXPECT_TRUE(on_every_rank(got == want && w == weights_at(15), "states of step 15"));

    if (c.rank == 0) std::filesystem::resize_file(checkpoint_path(out, 15), 600);  // truncated
    MPI_CHECK(MPI_Barrier(c.comm));
    r = checkpoint_resume(out, config, w, got.list(), c.comm);
    want.fill(10, c.rank);
    EXPECT_TRUE(on_every_rank(r.error.empty() && r.path == checkpoint_path(out, 10), "fallback: " + r.error));
    EXPECT_TRUE(on_every_rank(got == want && w == weights_at(10), "states of step 10"));
    EXPECT_TRUE(on_every_rank(std::filesystem::exists(checkpoint_path(out, 15) + ".corrupt") &&
                                  checkpoint_steps(out) == std::vector<int64_t>({10}),
                              "the truncated file set aside"));

    r = checkpoint_resume(out, R"({"event":"config","method":"s3gd","ranks":0})", w, got.list(), c.comm);
    EXPECT_TRUE(on_every_rank(r.error.find("another configuration: method \"signum\" in the checkpoint") !=
                                  std::string::npos,
                              "mismatch: " + r.error));
    r = checkpoint_resume(out + "/none", config, w, got.list(), c.comm);
    EXPECT_TRUE(on_every_rank(r.error.find("no checkpoint in") != std::string::npos, "empty: " + r.error));

    MPI_CHECK(MPI_Barrier(c.comm));
    if (c.rank == 0) std::filesystem::remove_all(out);
}

}  // namespace
}  // namespace bitvote::test
