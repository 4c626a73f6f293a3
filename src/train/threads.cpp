#include "train/threads.h"

#include <omp.h>

#include <algorithm>
#include <cstdlib>
#include <thread>

namespace bitvote {

int threads_per_rank_set(MPI_Comm comm) {
    MPI_Comm node;
    int ranks_on_node = 1;
    MPI_CHECK(MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node));
    MPI_CHECK(MPI_Comm_size(node, &ranks_on_node));
    MPI_CHECK(MPI_Comm_free(&node));
    if (std::getenv("OMP_NUM_THREADS")) return omp_get_max_threads();
    const int cores = int(std::max(1u, std::thread::hardware_concurrency()));
    const int threads = std::max(1, cores / ranks_on_node);
    omp_set_num_threads(threads);
    return threads;
}

}  // namespace bitvote
