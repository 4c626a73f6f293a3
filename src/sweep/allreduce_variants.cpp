// OpenMPI's allreduce algorithms, forced through MPI_T (see allreduce_variants.h).
#include "sweep/allreduce_variants.h"

#include <cstdlib>
#include <cstring>

#include "comm/mpi_check.h"

namespace bitvote {
namespace {

// coll_tuned_allreduce_algorithm's values in OpenMPI 4.1 (ompi_info --param coll tuned --level 9).
const AllreduceVariant variants[] = {
    {"linear", 1, 0},           {"nonoverlapping", 2, 0}, {"recursive_doubling", 3, 0}, {"ring", 4, 0},
    {"segmented_ring_1M", 5, 1 << 20}, {"rabenseifner", 6, 0},
};

// Writes an int control variable; false if it is missing or not writable.
bool cvar_write_int(const char* name, int value) {
    int count = 0;
    if (MPI_T_cvar_get_num(&count) != MPI_SUCCESS) return false;
    for (int i = 0; i < count; ++i) {
        char var[256], desc[8];
        int var_len = sizeof var, desc_len = sizeof desc, verbosity = 0, bind = 0, scope = 0, elements = 0;
        MPI_Datatype type;
        MPI_T_enum enumtype;
        if (MPI_T_cvar_get_info(i, var, &var_len, &verbosity, &type, &enumtype, desc, &desc_len, &bind, &scope) !=
                MPI_SUCCESS ||
            std::strcmp(var, name) || type != MPI_INT)
            continue;
        MPI_T_cvar_handle handle;
        if (MPI_T_cvar_handle_alloc(i, nullptr, &handle, &elements) != MPI_SUCCESS) return false;
        const bool ok = MPI_T_cvar_write(handle, &value) == MPI_SUCCESS;
        MPI_T_cvar_handle_free(&handle);
        return ok;
    }
    return false;
}

}  // namespace

std::span<const AllreduceVariant> allreduce_variants() { return variants; }

void allreduce_variants_enable() { setenv("OMPI_MCA_coll_tuned_use_dynamic_rules", "1", 1); }

bool allreduce_variant_force(const AllreduceVariant& v, std::string* error) {
    int provided = 0;
    if (MPI_T_init_thread(MPI_THREAD_SINGLE, &provided) != MPI_SUCCESS) {
        *error = "--best-baseline: MPI_T is not available";
        return false;
    }
    const bool ok = cvar_write_int("coll_tuned_allreduce_algorithm", v.algorithm) &&
                    cvar_write_int("coll_tuned_allreduce_algorithm_segmentsize", v.segment_bytes);
    MPI_T_finalize();
    if (!ok) *error = "--best-baseline: cannot force allreduce algorithms (needs OpenMPI's coll/tuned)";
    return ok;
}

}  // namespace bitvote
