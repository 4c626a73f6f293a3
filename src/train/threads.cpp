#include "train/threads.h"

#include <omp.h>

#include <algorithm>
#include <cstdlib>
#include <thread>

#include "comm/nodes.h"

namespace bitvote {

int threads_per_rank_set(MPI_Comm comm) {
    const int ranks_on_node = ranks_on_this_node(comm);
    if (std::getenv("OMP_NUM_THREADS")) return omp_get_max_threads();
    const int cores = int(std::max(1u, std::thread::hardware_concurrency()));
    const int threads = std::max(1, cores / ranks_on_node);
    omp_set_num_threads(threads);
    return threads;
}

}  // namespace bitvote
