// Helpers shared by the MPI tests.
#include "mpi_test.h"

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "base/hash.h"
#include "base/splitmix64.h"
#include "kernels.h"

namespace bitvote::test {

namespace {

uint64_t mix(uint64_t seed, int r, size_t i) { return splitmix64(splitmix64(seed * 1000003 + uint64_t(r)) + i); }

void set_bit(std::vector<uint64_t>* bits, size_t i) { (*bits)[i / 64] |= uint64_t{1} << (i % 64); }

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

const char* pattern_name(Pattern p) {
    switch (p) {
        case Pattern::random: return "random";
        case Pattern::split: return "split";
        case Pattern::sparse: return "sparse";
        case Pattern::none: return "none";
    }
    return "?";
}

int vote_at(Pattern p, MessageKind kind, uint64_t seed, int r, int P, size_t i) {
    uint64_t h = mix(seed, r, i);
    bool ternary = kind != MessageKind::sign && kind != MessageKind::scaled_sign;
    switch (p) {
        case Pattern::random: return ternary ? int(h % 3) - 1 : (h & 1 ? 1 : -1);
        case Pattern::split: return (r < P / 2) != bool(i & 1) ? 1 : -1;
        case Pattern::sparse: return h % 16 == 0 ? 1 : h % 16 == 1 ? -1 : ternary ? 0 : 1;
        case Pattern::none: return ternary ? 0 : 1;
    }
    return 0;
}

float value_at(uint64_t seed, int r, size_t i) { return float(int(mix(seed, r, i) % 65) - 32) * 0.25f; }

// Rank r's scale in a scaled sign message: a value_at past every coordinate.
float scale_at(uint64_t seed, int r) { return value_at(seed, r, SIZE_MAX); }

// What rank r adds to the mean on coordinate i for the kinds with values.
float contribution_at(Pattern p, MessageKind kind, uint64_t seed, int r, int P, size_t i) {
    switch (kind) {
        case MessageKind::scaled_sign: return float(vote_at(p, kind, seed, r, P, i)) * scale_at(seed, r);
        case MessageKind::sparse_fp32: return vote_at(p, kind, seed, r, P, i) ? value_at(seed, r, i) : 0.0f;
        default: return value_at(seed, r, i);
    }
}

OwnedMessage make_message(Pattern p, MessageKind kind, uint64_t seed, int r, int P, size_t d) {
    OwnedMessage m;
    size_t words = bitmap_words(d);
    switch (kind) {
        case MessageKind::fp32:
            for (size_t i = 0; i < d; ++i) m.values.push_back(value_at(seed, r, i));
            m.msg = message_fp32(m.values);
            break;
        case MessageKind::sign:
            m.bits.assign(words, 0);
            for (size_t i = 0; i < d; ++i)
                if (vote_at(p, kind, seed, r, P, i) > 0) set_bit(&m.bits, i);
            m.msg = message_sign(m.bits, d);
            break;
        case MessageKind::scaled_sign:
            m.bits.assign(words, 0);
            for (size_t i = 0; i < d; ++i)
                if (vote_at(p, kind, seed, r, P, i) > 0) set_bit(&m.bits, i);
            m.msg = message_scaled_sign(m.bits, scale_at(seed, r), d);
            break;
        case MessageKind::sparse_fp32:
            for (size_t i = 0; i < d; ++i)
                if (vote_at(p, kind, seed, r, P, i)) m.indices.push_back(uint32_t(i)), m.values.push_back(value_at(seed, r, i));
            m.msg = message_sparse_fp32(m.indices, m.values, d);
            break;
        case MessageKind::ternary:
            m.voted.assign(words, 0);
            m.positive.assign(words, 0);
            for (size_t i = 0; i < d; ++i) {
                int v = vote_at(p, kind, seed, r, P, i);
                if (v) set_bit(&m.voted, i);
                if (v > 0) set_bit(&m.positive, i);
            }
            m.msg = message_ternary(m.voted, m.positive, d);
            break;
        case MessageKind::sparse:
            for (size_t i = 0; i < d; ++i) {
                int v = vote_at(p, kind, seed, r, P, i);
                if (!v) continue;
                if (m.indices.size() % 64 == 0) m.signs.push_back(0);
                if (v > 0) set_bit(&m.signs, m.indices.size());
                m.indices.push_back(uint32_t(i));
            }
            m.msg = message_sparse(m.indices, m.signs, d);
            break;
    }
    return m;
}

Update reference_update(Pattern p, MessageKind kind, uint64_t seed, int P, size_t d) {
    Update u;
    size_t words = bitmap_words(d);
    if (kind == MessageKind::fp32 || kind == MessageKind::scaled_sign || kind == MessageKind::sparse_fp32) {
        u.kind = MessageKind::fp32;
        for (size_t i = 0; i < d; ++i) {
            float sum = 0;  // multiples of 0.25: exact in any order
            for (int r = 0; r < P; ++r) sum += contribution_at(p, kind, seed, r, P, i);
            u.values.push_back(sum / float(P));
        }
        return u;
    }
    u.kind = kind == MessageKind::sign ? MessageKind::sign : MessageKind::ternary;
    if (u.kind == MessageKind::sign) u.bits.assign(words, 0);
    else u.voted.assign(words, 0), u.positive.assign(words, 0);
    for (size_t i = 0; i < d; ++i) {
        int sum = 0;
        for (int r = 0; r < P; ++r) sum += vote_at(p, kind, seed, r, P, i);
        if (u.kind == MessageKind::sign) {
            if (sum >= 0) set_bit(&u.bits, i);  // tie -> +1
        } else if (sum) {
            set_bit(&u.voted, i);
            if (sum > 0) set_bit(&u.positive, i);
        }
    }
    return u;
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
