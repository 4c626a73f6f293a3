#include "train/run_env.h"

#include <cstdlib>

#include "comm/nodes.h"
#include "data/h5_check.h"     // hdf5_library_version
#include "kernels.h"
#include "model/model_check.h"  // dnnl_library_version

namespace bitvote {

RunEnv run_env_collect(MPI_Comm comm, Transport transport, int threads_per_rank) {
    RunEnv env;
    MPI_CHECK(MPI_Comm_size(comm, &env.ranks));
    env.nodes = node_count(comm);
    env.hosts = host_names(comm);
    env.threads_per_rank = threads_per_rank;
    env.isa = std::string(isa_name(isa_active()));
    env.transport = std::string(transport_name(transport));
    env.mpi = mpi_library_version();
    env.dnnl = dnnl_library_version();
    env.hdf5 = hdf5_library_version();
    if (const char* job = std::getenv("SLURM_JOB_ID")) env.slurm_job_id = job;
    return env;
}

}  // namespace bitvote
