// detox (DETOX, Rajput et al. 2019): the P ranks form P / R groups of R
// consecutive ranks that train on the same batches (the group is the unit of
// the data partition: DataConfig::group), so an honest group's R messages are
// equal, and a Byzantine rank only wins its group where most of it lies.
//   stage 0, inside each group (sub[0]: ranks gR .. gR + R - 1):
//     votes (sign, ternary, sparse): the --strategy's vote of the R messages
//       (R odd: a dense sign never ties);
//     values (fp32, scaled_sign, sparse_fp32): allgather of the R messages
//       as [d] floats; combine: the coordinate median (the middle one).
//   stage 1, across the groups (sub[1]: the ranks at one position of every
//     group, in group order, so each rank meets one copy of every group's
//     result):
//     vote:   the --strategy's vote of the P / R group results (sign or
//             ternary messages);
//     median: allgather of the group results; combine: the coordinate
//             median of the values, or for votes a ternary decision: +1
//             where more than half of the groups decided +1, -1 where more
//             than half decided -1, else 0 (the median of the +1/0/-1 votes
//             for an odd number of groups).
// The R ranks of a group hold the same stage-0 result and every sub[1] sees
// the same results in the same order, so every rank decides the same update.
// An attack corrupts a rank's own message (stage 0); the group results move
// as the collective computed them. A rank cannot abstain (a non-finite
// gradient ends the run).
#include <string>

#include "aggregate/aggregators.h"
#include "comm/abstain_census.h"
#include "comm/collectives.h"
#include "kernels.h"

namespace bitvote {
namespace {

bool bit_at(const uint64_t* bits, size_t i) { return (bits[i / 64] >> (i % 64)) & 1; }

// The group's result as stage 1's message: sign stays sign, a ternary
// decision (of ternary or sparse votes) goes as a ternary message.
Message group_message(const Update& g, size_t d) {
    return g.kind == MessageKind::sign ? message_sign(g.bits, d) : message_ternary(g.voted, g.positive, d);
}

// all: [groups][planes][words] group decisions (planes 1: sign, 1 = +1;
// planes 2: voted, positive) -> out: ternary, a coordinate moves where more
// than half of the groups agree.
void decide_majority_of_groups(std::span<const uint64_t> all, size_t groups, size_t planes, size_t d, Update* out) {
    const size_t words = bitmap_words(d);
    update_reset(out, MessageKind::ternary, d);
    for (size_t i = 0; i < d; ++i) {
        size_t plus = 0, minus = 0;
        for (size_t g = 0; g < groups; ++g) {
            const uint64_t* row = all.data() + g * planes * words;
            const bool voted = planes == 1 || bit_at(row, i), positive = bit_at(row + (planes - 1) * words, i);
            plus += voted && positive;
            minus += voted && !positive;
        }
        const bool up = 2 * plus > groups, down = 2 * minus > groups;
        out->voted[i / 64] |= uint64_t(up || down) << (i % 64);
        out->positive[i / 64] |= uint64_t(up) << (i % 64);
    }
}

}  // namespace

std::string detox_check(const DetoxConfig& detox, int P) {
    const std::string group = "--group " + std::to_string(detox.group);
    if (detox.group < 3 || detox.group % 2 == 0)
        return group + ": DETOX needs an odd group size >= 3 (a strict majority inside every group)";
    if (P > 0 && P % detox.group)
        return group + " does not divide the " + std::to_string(P) +
               " ranks: DETOX needs P % R = 0 (groups of R consecutive ranks)";
    if (detox.final != AggregateKind::vote && detox.final != AggregateKind::median)
        return "--detox-final " + std::string(aggregate_name(detox.final)) + ": DETOX ends with vote or median";
    return "";
}

void open_detox(AggregateState* a) {
    Comm* c = a->comm;
    if (std::string why = detox_check(a->detox, c->size); !why.empty()) fatal_collective("%s", why.c_str());
    const int R = a->detox.group;
    a->sub.push_back(comm_split(c, c->rank / R, c->rank));  // sub[0]: my group
    a->sub.push_back(comm_split(c, c->rank % R, c->rank));  // sub[1]: my position in every group
}

void exchange_detox(AggregateState* a, int stage, const Message& msg, Update* out) {
    const bool values = message_has_values(msg.kind);
    if (values && a->detox.final == AggregateKind::vote)
        fatal_collective("--detox-final vote needs votes; %s messages take --detox-final median",
                         std::string(message_kind_name(msg.kind)).c_str());
    const size_t d = msg.d;
    if (stage == 0) {
        if (message_voters(msg, a->comm->size) < a->comm->size)  // the census is the same on every rank
            fatal_collective("--aggregate detox cannot leave a rank out of a step (a group votes on its R equal "
                             "messages): rank(s) %s abstained (non-finite gradient)",
                             abstainer_list(msg.abstainers).c_str());
        Comm* group = &a->sub[0];
        Message own = msg;
        own.abstainers = {};  // the census is over every rank; the group exchange has R and no abstainer
        if (!values) return exchange(group, *a->strategy, own, &a->group_result);
        a->dense.resize(d);
        message_densify(msg, a->dense);
        a->all_values.resize(size_t(group->size) * d);
        return allgather_floats(group, a->dense.data(), a->all_values.data(), d);
    }
    Comm* across = &a->sub[1];
    const Update& g = a->group_result;
    if (values) {
        a->all_values.resize(size_t(across->size) * d);
        return allgather_floats(across, g.values.data(), a->all_values.data(), d);
    }
    if (a->detox.final == AggregateKind::vote) return exchange(across, *a->strategy, group_message(g, d), out);
    if (g.kind == MessageKind::sign) {
        a->own_bits.assign(g.bits.begin(), g.bits.end());
    } else {
        a->own_bits.assign(g.voted.begin(), g.voted.end());
        a->own_bits.insert(a->own_bits.end(), g.positive.begin(), g.positive.end());
    }
    a->all_bits.resize(size_t(across->size) * a->own_bits.size());
    allgather_words(across, a->own_bits.data(), a->all_bits.data(), a->own_bits.size());
}

void combine_detox(AggregateState* a, int stage, const Message& msg, Update* out) {
    const bool values = message_has_values(msg.kind);
    if (stage == 0) {
        if (values) median_of_rows(a->all_values, size_t(a->sub[0].size), msg.d, &a->group_result);
        return;
    }
    const size_t groups = size_t(a->sub[1].size);
    if (values) return median_of_rows(a->all_values, groups, msg.d, out);
    if (a->detox.final == AggregateKind::median)
        decide_majority_of_groups(a->all_bits, groups, a->group_result.kind == MessageKind::sign ? 1 : 2, msg.d, out);
}

}  // namespace bitvote
