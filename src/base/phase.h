// The phases of a training step (DESIGN.md 7), in the order a step runs
// them. Their names are the keys of time_share and phase_ms in run files.
#pragma once

namespace bitvote {

enum class Phase { data, compute, compress, comm, aggregate, update };
inline constexpr int phase_count = 6;

// "data", "compute", "compress", "comm", "aggregate", "update".
constexpr const char* phase_name(Phase p) {
    constexpr const char* names[phase_count] = {"data", "compute", "compress", "comm", "aggregate", "update"};
    return names[int(p)];
}

}  // namespace bitvote
