// Helpers shared by the MPI tests.
#include "mpi_test.h"

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "base/hash.h"
#include "kernels.h"

namespace bitvote::test {

namespace {

// True while TearDown adds the failure that stands for other ranks' failures:
// those ranks print their own, so this rank's printer leaves it out.
bool adding_other_ranks_failure = false;

class RankFailurePrinter : public ::testing::EmptyTestEventListener {
    std::string test_ = "(no test)";  // kept from OnTestStart: gtest holds its lock during OnTestPartResult

    void OnTestStart(const ::testing::TestInfo& test) override {
        test_ = std::string(test.test_suite_name()) + "." + test.name();
    }
    void OnTestEnd(const ::testing::TestInfo&) override { test_ = "(no test)"; }
    void OnTestPartResult(const ::testing::TestPartResult& part) override {
        if (!part.failed() || adding_other_ranks_failure) return;
        const std::string rank = "rank " + std::to_string(world().rank) + ": ";
        std::string where = part.file_name() ? part.file_name() : "unknown file";
        if (part.line_number() >= 0) where += ":" + std::to_string(part.line_number());
        // One write per failure, every line marked with the rank, so lines of
        // several ranks interleave in the log but stay attributable.
        std::string text = rank + where + ": failure in " + test_ + "\n";
        const std::string message = part.message();
        for (size_t begin = 0; begin < message.size();) {
            size_t end = message.find('\n', begin);
            if (end == std::string::npos) end = message.size();
            text += rank + "  " + message.substr(begin, end - begin) + "\n";
            begin = end + 1;
        }
        std::fputs(text.c_str(), stderr);
        std::fflush(stderr);
    }
};

}  // namespace

void MpiTest::TearDown() {
    const Comm& c = world();
    int mine = HasFailure();
    std::vector<int> failed(size_t(c.size), 0);
    MPI_CHECK(MPI_Allgather(&mine, 1, MPI_INT, failed.data(), 1, MPI_INT, c.comm));
    std::string ranks;
    bool others = false;
    for (int r = 0; r < c.size; ++r) {
        if (!failed[size_t(r)]) continue;
        ranks += (ranks.empty() ? "" : ", ") + std::to_string(r);
        others = others || r != c.rank;
    }
    if (!others) return;
    adding_other_ranks_failure = true;
    ADD_FAILURE() << "failed on rank(s) " << ranks << " of " << c.size
                  << " (their failures are on stderr as `rank R: file:line: ...`)";
    adding_other_ranks_failure = false;
}

::testing::TestEventListener* rank_failure_printer() { return new RankFailurePrinter; }

bool on_every_rank(bool ok, const std::string& what) {
    int bad = !ok, any_bad = 0;
    MPI_CHECK(MPI_Allreduce(&bad, &any_bad, 1, MPI_INT, MPI_MAX, world().comm));
    if (!ok) std::fprintf(stderr, "rank %d: %s\n", world().rank, what.c_str());
    return !any_bad;
}

bool same_on_every_rank(uint64_t h) {
    uint64_t lo = 0, hi = 0;
    MPI_CHECK(MPI_Allreduce(&h, &lo, 1, MPI_UINT64_T, MPI_MIN, world().comm));
    MPI_CHECK(MPI_Allreduce(&h, &hi, 1, MPI_UINT64_T, MPI_MAX, world().comm));
    return lo == hi;
}

std::string update_difference(const Update& got, const Update& want) {
    if (got.kind != want.kind)
        return "kind " + std::string(message_kind_name(got.kind)) + ", want " +
               std::string(message_kind_name(want.kind));
    auto compare = [](const char* name, const auto& a, const auto& b) -> std::string {
        if (a.size() != b.size())
            return std::string(name) + ": " + std::to_string(a.size()) + " entries, want " + std::to_string(b.size());
        for (size_t i = 0; i < a.size(); ++i)
            if (std::memcmp(&a[i], &b[i], sizeof a[i]))
                return std::string(name) + "[" + std::to_string(i) + "] differs";
        return "";
    };
    for (std::string diff : {compare("values", got.values, want.values), compare("bits", got.bits, want.bits),
                             compare("voted", got.voted, want.voted),
                             compare("positive", got.positive, want.positive)})
        if (!diff.empty()) return diff;
    return "";
}

uint64_t hash_update(const Update& u) {
    std::vector<uint64_t> values(u.values.size());
    for (size_t i = 0; i < u.values.size(); ++i) {
        uint32_t x;
        std::memcpy(&x, &u.values[i], 4);
        values[i] = x;
    }
    uint64_t h = fnv1a_words(values, uint64_t(u.kind));
    return fnv1a_words(u.positive, fnv1a_words(u.voted, fnv1a_words(u.bits, h)));
}

}  // namespace bitvote::test
