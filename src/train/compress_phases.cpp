// Compression with magsparse's scale agreement timed as communication.
#include "train/compress_phases.h"

namespace bitvote {

Message compress_phases(PhaseTimer* timer, Comm* comm, Method* m, std::span<const float> grad, int64_t step) {
    if (method_shares_scales(m->cfg)) {
        method_measure_scales(m, grad);
        timer_phase(timer, Phase::comm);      method_agree_scales(comm, m);
        timer_phase(timer, Phase::compress);
    }
    return method_compress(m, grad, step);
}

}  // namespace bitvote
