// The sharding rules: subsets and iid / labels:C / dirichlet:A partitions.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <numeric>

#include "data/data.h"
#include "data/rng.h"

namespace bitvote {

namespace {

// Stream tags, so subsets, partitions and their redraws never share a stream.
enum : uint64_t { tag_subset = 1, tag_iid = 2, tag_labels = 3, tag_dirichlet = 4 };

[[noreturn]] void bad_partition(const std::string& text, const char* why) {
    throw DataError("partition '" + text + "': " + why + " (expected iid, labels:C or dirichlet:A)");
}

// Appends parts of `items` to shards: part r holds round(cut[r]..cut[r+1]).
void deal_by_cuts(const std::vector<int64_t>& items, const std::vector<double>& cut, const std::vector<int>& owners,
                  std::vector<std::vector<int64_t>>* shards) {
    const double n = double(items.size());
    for (size_t r = 0; r < owners.size(); ++r) {
        auto lo = int64_t(std::llround(cut[r] * n)), hi = int64_t(std::llround(cut[r + 1] * n));
        auto& shard = (*shards)[size_t(owners[r])];
        shard.insert(shard.end(), items.begin() + lo, items.begin() + hi);
    }
}

// Cumulative fractions 0 = c0 <= ... <= c_k = 1 of k equal parts.
std::vector<double> equal_cuts(size_t k) {
    std::vector<double> cut(k + 1);
    for (size_t i = 0; i <= k; ++i) cut[i] = double(i) / double(k);
    return cut;
}

// Samples of each class, in a seeded order per class. [classes][...]
std::vector<std::vector<int64_t>> samples_by_class(const std::vector<uint8_t>& labels,
                                                   const std::vector<int64_t>& samples, int classes, Rng* rng) {
    std::vector<std::vector<int64_t>> by_class(static_cast<size_t>(classes));
    for (int64_t i : samples) by_class[labels[size_t(i)]].push_back(i);
    for (auto& c : by_class) shuffle_seeded(&c, rng);
    return by_class;
}

std::vector<std::vector<int64_t>> shards_iid(const std::vector<int64_t>& samples, int ranks, uint64_t seed) {
    Rng rng(seed_mix(seed, tag_iid));
    std::vector<int64_t> order = samples;
    shuffle_seeded(&order, &rng);
    std::vector<int> owners(static_cast<size_t>(ranks));
    std::iota(owners.begin(), owners.end(), 0);
    std::vector<std::vector<int64_t>> shards(static_cast<size_t>(ranks));
    deal_by_cuts(order, equal_cuts(size_t(ranks)), owners, &shards);
    return shards;
}

std::vector<std::vector<int64_t>> shards_labels(const std::vector<uint8_t>& labels, const std::vector<int64_t>& samples,
                                                int classes, int ranks, int per_rank, uint64_t seed) {
    if (per_rank > classes)
        throw DataError("partition labels:" + std::to_string(per_rank) + ": the dataset has only " +
                        std::to_string(classes) + " classes");
    Rng rng(seed_mix(seed, tag_labels));
    std::vector<int> deck(static_cast<size_t>(classes));
    std::iota(deck.begin(), deck.end(), 0);
    shuffle_seeded(&deck, &rng);
    std::vector<std::vector<int>> holders(static_cast<size_t>(classes));  // ranks holding each class
    for (int r = 0; r < ranks; ++r)
        for (int j = 0; j < per_rank; ++j) holders[size_t(deck[size_t((r * per_rank + j) % classes)])].push_back(r);
    auto by_class = samples_by_class(labels, samples, classes, &rng);
    std::vector<std::vector<int64_t>> shards(static_cast<size_t>(ranks));
    for (int c = 0; c < classes; ++c)
        if (!holders[size_t(c)].empty())
            deal_by_cuts(by_class[size_t(c)], equal_cuts(holders[size_t(c)].size()), holders[size_t(c)], &shards);
    return shards;
}

// One draw: per class, proportions ~ Dirichlet(alpha) over the ranks.
std::vector<std::vector<int64_t>> draw_dirichlet(const std::vector<std::vector<int64_t>>& by_class, int ranks,
                                                 double alpha, Rng* rng) {
    std::vector<int> owners(static_cast<size_t>(ranks));
    std::iota(owners.begin(), owners.end(), 0);
    std::vector<std::vector<int64_t>> shards(static_cast<size_t>(ranks));
    std::vector<double> share(owners.size()), cut(owners.size() + 1, 0.0);
    for (const auto& members : by_class) {
        double total = 0;
        for (double& x : share) total += x = rng->gamma(alpha);
        if (!(total > 0)) {  // every draw underflowed (alpha << 1): the limit is one rank, at random
            std::fill(share.begin(), share.end(), 0.0);
            share[rng->below(share.size())] = total = 1;
        }
        for (size_t r = 0; r < share.size(); ++r) cut[r + 1] = cut[r] + share[r] / total;
        cut.back() = 1;  // exact, whatever the rounding: every sample is dealt
        deal_by_cuts(members, cut, owners, &shards);
    }
    return shards;
}

std::vector<std::vector<int64_t>> shards_dirichlet(const std::vector<uint8_t>& labels,
                                                   const std::vector<int64_t>& samples, int classes, int ranks,
                                                   double alpha, uint64_t seed) {
    Rng rng(seed_mix(seed, tag_dirichlet));
    auto by_class = samples_by_class(labels, samples, classes, &rng);
    const size_t least = std::min<size_t>(10, samples.size() / size_t(ranks));
    for (int attempt = 0; attempt < 100; ++attempt) {
        auto shards = draw_dirichlet(by_class, ranks, alpha, &rng);
        if (std::all_of(shards.begin(), shards.end(), [&](const auto& s) { return s.size() >= least; })) return shards;
    }
    throw DataError("partition dirichlet:" + std::to_string(alpha) + ": 100 draws left some of the " +
                    std::to_string(ranks) + " ranks with fewer than " + std::to_string(least) +
                    " samples; use a larger alpha");
}

}  // namespace

Partition partition_parse(const std::string& text) {
    if (text == "iid") return {};
    const size_t colon = text.find(':');
    if (colon == std::string::npos) bad_partition(text, "unknown kind");
    const std::string kind = text.substr(0, colon), value = text.substr(colon + 1);
    char* end = nullptr;
    if (kind == "labels") {
        long c = std::strtol(value.c_str(), &end, 10);
        if (value.empty() || *end || c < 1 || c > 255) bad_partition(text, "C must be an integer from 1 to 255");
        return {PartitionKind::labels, int(c), 0};
    }
    if (kind == "dirichlet") {
        double a = std::strtod(value.c_str(), &end);
        if (value.empty() || *end || !(a > 0) || a > 1e6) bad_partition(text, "A must be a number > 0");
        return {PartitionKind::dirichlet, 0, a};
    }
    bad_partition(text, "unknown kind");
}

std::string partition_name(const Partition& p) {
    switch (p.kind) {
        case PartitionKind::labels: return "labels:" + std::to_string(p.classes_per_rank);
        case PartitionKind::dirichlet: {
            char buf[64];
            std::snprintf(buf, sizeof buf, "dirichlet:%g", p.alpha);
            return buf;
        }
        default: return "iid";
    }
}

std::vector<int64_t> subset_pick(int64_t total, int64_t n, uint64_t seed) {
    std::vector<int64_t> all(static_cast<size_t>(total));
    std::iota(all.begin(), all.end(), 0);
    if (n == 0 || n == total) return all;
    Rng rng(seed_mix(seed, tag_subset));
    shuffle_seeded(&all, &rng);
    all.resize(size_t(n));
    std::sort(all.begin(), all.end());
    return all;
}

std::vector<std::vector<int64_t>> partition_shards(const std::vector<uint8_t>& labels,
                                                   const std::vector<int64_t>& samples, int classes, int ranks,
                                                   const Partition& p, uint64_t seed) {
    std::vector<std::vector<int64_t>> shards;
    switch (p.kind) {
        case PartitionKind::iid: shards = shards_iid(samples, ranks, seed); break;
        case PartitionKind::labels:
            shards = shards_labels(labels, samples, classes, ranks, p.classes_per_rank, seed);
            break;
        case PartitionKind::dirichlet: shards = shards_dirichlet(labels, samples, classes, ranks, p.alpha, seed); break;
    }
    for (auto& s : shards) std::sort(s.begin(), s.end());
    return shards;
}

}  // namespace bitvote
