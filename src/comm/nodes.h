// Where the ranks of a communicator run: how many nodes, how many ranks share
// this one, the hosts' names. A node is a shared-memory domain as MPI sees it
// (MPI_COMM_TYPE_SHARED): one machine, one Slurm node, one emulated host.
//
//   int nodes = node_count(comm);                       // sweep header, run files
//   int here = ranks_on_this_node(comm);                // threads per rank
//   std::vector<std::string> hosts = host_names(comm);  // sorted, distinct
#pragma once

#include <string>
#include <vector>

#include "comm/mpi_check.h"

namespace bitvote {

// Each is collective over comm.
int node_count(MPI_Comm comm);
int ranks_on_this_node(MPI_Comm comm);
std::vector<std::string> host_names(MPI_Comm comm);  // MPI_Get_processor_name of every rank

}  // namespace bitvote
