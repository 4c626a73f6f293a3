// The abstain census (DESIGN.md 9): before a step's exchange, every rank
// learns which ranks abstain (a NaN or inf in their gradient: their message
// holds no vote), so the exchange can leave them out exactly (the divisor of
// a mean, the rows of a dense sign vote) and too many abstainers end the run.
//
//   std::vector<uint8_t> abstainers;
//   abstain_census(&comm, msg.abstains, &abstainers);  // collective, comm phase
//   msg.abstainers = abstainers;                        // then exchange / aggregate
//   if (abstainer_count(abstainers) > max_abstain) ...  // the same on every rank
// Cost: one MPI_Allgather of one byte per rank per step (payload: 1 byte
// sent, P received), the price of exact abstention for a dense 1-bit vote,
// which has no value that means "no vote".
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "comm/strategy.h"

namespace bitvote {

// Collective: flags = [P] every rank's `abstains` (1 or 0), in rank order.
void abstain_census(Comm* c, bool abstains, std::vector<uint8_t>* flags);
int abstainer_count(std::span<const uint8_t> flags);
// "1, 3": the ranks that abstain.
std::string abstainer_list(std::span<const uint8_t> flags);

}  // namespace bitvote
