// DETOX (--aggregate detox) at any P with an odd group size R >= 3 dividing
// it (R = 3 where 3 divides P, else R = P): against a naive two-stage oracle
// every rank computes from regenerated vote data, the same update on every
// rank, each stage's bytes counted in its own sub-communicator and in the
// run's Comm, and the robustness DETOX is for: liars that are a minority of
// every group change nothing, a group they take over decides as they say.
// tests/run_suites.sh runs these at 3, 5, 6 and 9 ranks (one to three groups).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "aggregate/aggregator.h"
#include "comm/strategy.h"
#include "kernels.h"
#include "mpi_test.h"

namespace bitvote::test {
namespace {

const size_t lengths[] = {0, 1, 63, 65, 1000};
const MessageKind vote_kinds[] = {MessageKind::sign, MessageKind::ternary, MessageKind::sparse};
const MessageKind value_kinds[] = {MessageKind::fp32, MessageKind::scaled_sign, MessageKind::sparse_fp32};

using DetoxAggregate = MpiTest;

// The group size these tests use at P ranks; 0: P has no odd divisor >= 3 to use.
int test_group(int P) { return P % 3 == 0 ? 3 : P >= 3 && P % 2 ? P : 0; }

// The world Comm, with the alpha-beta model `auto` picks by (the groups copy it).
Comm& world_with_model() {
    Comm& c = world();
    c.alpha_beta = {1e-6, 1e-9};
    return c;
}

bool bit_at(const std::vector<uint64_t>& bits, size_t i) { return (bits[i / 64] >> (i % 64)) & 1; }

// Coordinate i of an update: -1/0/+1 for votes, the value for fp32.
float update_at(const Update& u, size_t i) {
    if (u.kind == MessageKind::sign) return bit_at(u.bits, i) ? 1.0f : -1.0f;
    if (u.kind == MessageKind::ternary) return bit_at(u.voted, i) ? (bit_at(u.positive, i) ? 1.0f : -1.0f) : 0.0f;
    return u.values[i];
}

// Rank r's message as d numbers: its votes (-1/0/+1) or its values.
std::vector<float> message_numbers(MessageKind kind, uint64_t seed, int r, int P, size_t d) {
    std::vector<float> out(d);
    if (message_has_values(kind)) {
        message_densify(vote_data_message(VotePattern::random, kind, seed, r, P, d).msg, out);
        return out;
    }
    for (size_t i = 0; i < d; ++i) out[i] = float(vote_data_vote(VotePattern::random, kind, seed, r, P, i));
    return out;
}

float sign_of(float s) { return s > 0 ? 1.0f : s < 0 ? -1.0f : 0.0f; }

// Even n: the mean of the two middle values, in float as the aggregator.
float median_of(std::vector<float> v) {
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// The naive oracle of coordinate i: stage 0 inside each group, then `final`
// across the groups; a tie decides 0 (an even number of groups).
float detox_expected(const std::vector<std::vector<float>>& rank_numbers, MessageKind kind, int R,
                     AggregateKind final, size_t i) {
    const size_t P = rank_numbers.size(), G = P / size_t(R);
    const bool values = message_has_values(kind);
    std::vector<float> groups;
    for (size_t g = 0; g < G; ++g) {
        std::vector<float> members;
        float sum = 0;
        for (size_t r = g * size_t(R); r < (g + 1) * size_t(R); ++r) {
            members.push_back(rank_numbers[r][i]);
            sum += rank_numbers[r][i];
        }
        groups.push_back(values ? median_of(members) : sign_of(sum));
    }
    if (values) return median_of(groups);
    if (final == AggregateKind::median) {
        const size_t plus = size_t(std::count(groups.begin(), groups.end(), 1.0f)),
                     minus = size_t(std::count(groups.begin(), groups.end(), -1.0f));
        return 2 * plus > G ? 1.0f : 2 * minus > G ? -1.0f : 0.0f;
    }
    float sum = 0;
    for (float v : groups) sum += v;
    return sign_of(sum);
}

// The kind of update DETOX gives for messages of `kind` from G groups: a
// final vote of dense signs is one bitmap where G is odd (no tie), else
// ternary.
MessageKind detox_update_kind(MessageKind kind, AggregateKind final, int G) {
    if (message_has_values(kind)) return MessageKind::fp32;
    const bool sign = kind == MessageKind::sign && final == AggregateKind::vote && G % 2;
    return sign ? MessageKind::sign : MessageKind::ternary;
}

TEST_F(DetoxAggregate, MatchesTheTwoStageOracle) {
    Comm& c = world_with_model();
    const int R = test_group(c.size);
    if (!R) GTEST_SKIP() << "DETOX needs an odd group size >= 3 that divides the " << c.size << " ranks";
    std::vector<MessageKind> kinds(std::begin(vote_kinds), std::end(vote_kinds));
    kinds.insert(kinds.end(), std::begin(value_kinds), std::end(value_kinds));
    for (MessageKind kind : kinds)
        for (AggregateKind final : {AggregateKind::vote, AggregateKind::median}) {
            if (message_has_values(kind) && final == AggregateKind::vote) continue;
            for (const Strategy& s : strategy_table()) {
                if (!strategy_check(s, kind).empty()) continue;
                for (size_t d : lengths) {
                    const uint64_t seed = 40 + d + uint64_t(kind);
                    AggregateState st = aggregate_open(&c, AggregateKind::detox, s, {R, final});
                    VoteMessage mine = vote_data_message(VotePattern::random, kind, seed, c.rank, c.size, d);
                    Update got;
                    aggregate(&st, mine.msg, &got);
                    std::vector<std::vector<float>> numbers;
                    for (int r = 0; r < c.size; ++r) numbers.push_back(message_numbers(kind, seed, r, c.size, d));
                    size_t wrong = got.kind == detox_update_kind(kind, final, c.size / R) ? 0 : d + 1;
                    for (size_t i = 0; i < d && !wrong; ++i) {
                        const float want = detox_expected(numbers, kind, R, final, i);
                        wrong += update_at(got, i) != want;
                    }
                    const std::string what = std::string(message_kind_name(kind)) + " via " + std::string(s.name) +
                                             ", final " + std::string(aggregate_name(final)) +
                                             ", d=" + std::to_string(d);
                    EXPECT_TRUE(on_every_rank(wrong == 0, what + ": " + std::to_string(wrong) + " wrong"));
                    EXPECT_TRUE(same_on_every_rank(hash_update(got))) << what;
                    aggregate_close(&st);
                }
            }
        }
}

// Each stage's exchange counts its payload in that stage's sub-communicator
// (sub[0] the group, sub[1] across the groups) and in the run's Comm, never
// in the other stage's; the fp32 gathers move exactly their rows.
TEST_F(DetoxAggregate, EachStageCountsItsBytes) {
    Comm& c = world_with_model();
    const int R = test_group(c.size);
    if (!R) GTEST_SKIP() << "DETOX needs an odd group size >= 3 that divides the " << c.size << " ranks";
    const size_t d = 1000, G = size_t(c.size / R);
    for (MessageKind kind : {MessageKind::fp32, MessageKind::sign, MessageKind::sparse}) {
        const AggregateKind final = kind == MessageKind::fp32 ? AggregateKind::median : AggregateKind::vote;
        AggregateState st = aggregate_open(&c, AggregateKind::detox, *strategy_find("auto"), {R, final});
        VoteMessage mine = vote_data_message(VotePattern::random, kind, 51, c.rank, c.size, d);
        Update got;
        for (int s = 0; s < 2; ++s) {
            const PayloadBytes parent = c.bytes(), own = st.sub[size_t(s)].bytes(), other = st.sub[size_t(1 - s)].bytes();
            aggregate_exchange(&st, s, mine.msg, &got);
            aggregate_combine(&st, s, mine.msg, &got);
            const PayloadBytes p = c.bytes() - parent, o = st.sub[size_t(s)].bytes() - own,
                               x = st.sub[size_t(1 - s)].bytes() - other;
            bool ok = p.sent == o.sent && p.received == o.received && x.sent == 0 && x.received == 0;
            if (kind == MessageKind::fp32) ok = ok && o.sent == 4 * d && o.received == 4 * d * (s ? G : size_t(R));
            EXPECT_TRUE(on_every_rank(ok, std::string(message_kind_name(kind)) + " stage " + std::to_string(s) +
                                              ": run counted " + std::to_string(p.sent) + "/" +
                                              std::to_string(p.received) + ", stage " + std::to_string(o.sent) +
                                              "/" + std::to_string(o.received) + ", other stage " +
                                              std::to_string(x.sent)));
        }
        aggregate_close(&st);
    }
}

// What a `flip` liar sends instead of m: the other sign (sign), -100 times
// the values (fp32, as `scaled`).
VoteMessage lie_about(VoteMessage m) {
    if (m.msg.kind == MessageKind::sign) {
        for (uint64_t& w : m.bits) w = ~w;
        m.msg = message_sign(m.bits, m.msg.d);
    } else {
        for (float& v : m.values) v *= -100;
        m.msg = message_fp32(m.values);
    }
    return m;
}

// "" if a and b are the same update coordinate by coordinate (0 and -0 are
// the same: a median may pick either), else the first difference.
std::string number_difference(const Update& a, const Update& b, size_t d) {
    if (a.kind != b.kind) return "the kinds differ";
    for (size_t i = 0; i < d; ++i)
        if (update_at(a, i) != update_at(b, i))
            return "coordinate " + std::to_string(i) + ": " + std::to_string(update_at(a, i)) + ", want " +
                   std::to_string(update_at(b, i));
    return "";
}

// Honest members of group g send group g's message (they train on the same
// batches). Liars that are a minority of every group give the update of no
// liars, bit for bit; liars that hold most of group 0 give the update of a
// group 0 whose honest message was their lie.
TEST_F(DetoxAggregate, OnlyAGroupsMajorityDecidesItsVote) {
    Comm& c = world_with_model();
    const int R = test_group(c.size);
    if (!R) GTEST_SKIP() << "DETOX needs an odd group size >= 3 that divides the " << c.size << " ranks";
    const int G = c.size / R, group = c.rank / R, position = c.rank % R;
    const size_t d = 1000;
    for (MessageKind kind : {MessageKind::sign, MessageKind::fp32}) {
        const AggregateKind final = kind == MessageKind::fp32 ? AggregateKind::median : AggregateKind::vote;
        auto run = [&](bool liar, bool group0_lies) {
            VoteMessage mine = vote_data_message(VotePattern::random, kind, 61, group, G, d);
            if (liar || (group0_lies && group == 0)) mine = lie_about(std::move(mine));
            AggregateState st = aggregate_open(&c, AggregateKind::detox, *strategy_find("auto"), {R, final});
            Update u;
            aggregate(&st, mine.msg, &u);
            aggregate_close(&st);
            return u;
        };
        const Update clean = run(false, false);
        const Update minority = run(position >= R / 2 + 1, false);  // the last (R - 1) / 2 of every group
        const Update takeover = run(group == 0 && position >= R / 2, false);  // the last (R + 1) / 2 of group 0
        const Update group0_lies = run(false, true);
        const std::string k(message_kind_name(kind));
        EXPECT_TRUE(on_every_rank(number_difference(minority, clean, d).empty(),
                                  k + ": a minority of liars changed the update: " +
                                      number_difference(minority, clean, d)));
        EXPECT_TRUE(on_every_rank(number_difference(takeover, group0_lies, d).empty(),
                                  k + ": a group's majority of liars did not decide its vote: " +
                                      number_difference(takeover, group0_lies, d)));
        EXPECT_TRUE(on_every_rank(hash_update(takeover) != hash_update(clean), k + ": the takeover changed nothing"));
    }
}

}  // namespace
}  // namespace bitvote::test
