// abstain_census: one byte per rank, allgathered (see abstain_census.h).
#include "comm/abstain_census.h"

#include <algorithm>

#include "comm/collectives.h"

namespace bitvote {

void abstain_census(Comm* c, bool abstains, std::vector<uint8_t>* flags) {
    const uint8_t mine = abstains;
    flags->resize(size_t(c->size));
    allgather_bytes(c, &mine, flags->data(), 1);
}

int abstainer_count(std::span<const uint8_t> flags) { return int(std::count(flags.begin(), flags.end(), uint8_t{1})); }

std::string abstainer_list(std::span<const uint8_t> flags) {
    std::string list;
    for (size_t r = 0; r < flags.size(); ++r)
        if (flags[r]) list += (list.empty() ? "" : ", ") + std::to_string(r);
    return list;
}

}  // namespace bitvote
