// Node and host counts of a communicator (see nodes.h).
#include "comm/nodes.h"

#include <algorithm>
#include <cstring>

namespace bitvote {
namespace {

// This rank's communicator of the ranks it shares memory with; the caller frees it.
MPI_Comm node_comm(MPI_Comm comm) {
    MPI_Comm node;
    MPI_CHECK(MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node));
    return node;
}

}  // namespace

// Nodes = ranks that lead their node's communicator.
int node_count(MPI_Comm comm) {
    MPI_Comm node = node_comm(comm);
    int node_rank = 0, nodes = 0;
    MPI_CHECK(MPI_Comm_rank(node, &node_rank));
    const int leader = node_rank == 0;
    MPI_CHECK(MPI_Allreduce(&leader, &nodes, 1, MPI_INT, MPI_SUM, comm));
    MPI_CHECK(MPI_Comm_free(&node));
    return nodes;
}

int ranks_on_this_node(MPI_Comm comm) {
    MPI_Comm node = node_comm(comm);
    int ranks = 1;
    MPI_CHECK(MPI_Comm_size(node, &ranks));
    MPI_CHECK(MPI_Comm_free(&node));
    return ranks;
}

std::vector<std::string> host_names(MPI_Comm comm) {
    int ranks = 1, len = 0;
    MPI_CHECK(MPI_Comm_size(comm, &ranks));
    char mine[MPI_MAX_PROCESSOR_NAME] = {};
    MPI_CHECK(MPI_Get_processor_name(mine, &len));
    std::vector<char> all(size_t(ranks) * MPI_MAX_PROCESSOR_NAME);
    MPI_CHECK(MPI_Allgather(mine, MPI_MAX_PROCESSOR_NAME, MPI_CHAR, all.data(), MPI_MAX_PROCESSOR_NAME, MPI_CHAR,
                            comm));
    std::vector<std::string> hosts;
    for (int r = 0; r < ranks; ++r) {
        const char* name = &all[size_t(r) * MPI_MAX_PROCESSOR_NAME];
        hosts.emplace_back(name, strnlen(name, MPI_MAX_PROCESSOR_NAME));
    }
    std::sort(hosts.begin(), hosts.end());
    hosts.erase(std::unique(hosts.begin(), hosts.end()), hosts.end());
    return hosts;
}

}  // namespace bitvote
