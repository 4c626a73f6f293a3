// Where a run ran (DESIGN.md 7): ranks, nodes, hosts, ISA, transport,
// library versions, Slurm job id — recorded in the run files.
#pragma once

#include <string>
#include <vector>

#include "comm/wire_bytes.h"

namespace bitvote {

struct RunEnv {
    int ranks = 1;
    int nodes = 1;                    // shared-memory domains (comm/nodes.h)
    std::vector<std::string> hosts;   // sorted, distinct
    int threads_per_rank = 1;
    std::string isa;                  // kernel tier in use
    std::string transport;            // self, tcp, shm, mixed
    std::string mpi, dnnl, hdf5;      // library versions
    std::string slurm_job_id;         // SLURM_JOB_ID; empty outside Slurm
};

// Collective over comm (gathers host names).
RunEnv run_env_collect(MPI_Comm comm, Transport transport, int threads_per_rank);

}  // namespace bitvote
