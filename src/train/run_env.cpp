#include "train/run_env.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "cli/versions.h"
#include "kernels.h"

namespace bitvote {

RunEnv run_env_collect(MPI_Comm comm, Transport transport, int threads_per_rank) {
    RunEnv env;
    MPI_CHECK(MPI_Comm_size(comm, &env.ranks));
    char mine[MPI_MAX_PROCESSOR_NAME] = {};
    int len = 0;
    MPI_CHECK(MPI_Get_processor_name(mine, &len));
    std::vector<char> all(size_t(env.ranks) * MPI_MAX_PROCESSOR_NAME);
    MPI_CHECK(MPI_Allgather(mine, MPI_MAX_PROCESSOR_NAME, MPI_CHAR, all.data(), MPI_MAX_PROCESSOR_NAME, MPI_CHAR,
                            comm));
    for (int r = 0; r < env.ranks; ++r) {
        const char* name = &all[size_t(r) * MPI_MAX_PROCESSOR_NAME];
        env.hosts.emplace_back(name, strnlen(name, MPI_MAX_PROCESSOR_NAME));
    }
    std::sort(env.hosts.begin(), env.hosts.end());
    env.hosts.erase(std::unique(env.hosts.begin(), env.hosts.end()), env.hosts.end());
    env.nodes = int(env.hosts.size());
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
