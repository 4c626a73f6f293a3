// The training data of one rank: read its shard of a bitvote HDF5 dataset with
// parallel HDF5, then hand out normalised batches.
//
// File layout (written by datasets/, see `bitvote data --help`):
//   /train/images  uint8 [N, C, H, W]     /train/labels  uint8 [N]
//   /test/images   uint8 [M, C, H, W]     /test/labels   uint8 [M]
//   attributes on /: name (string), classes (int), mean, std (float64: of the
//   training pixels scaled to [0, 1])
//
// Use:
//   DataConfig cfg{.path = "datasets/fashion-mnist.h5", .partition = partition_parse("labels:2")};
//   Data data = data_open(cfg, MPI_COMM_WORLD);         // collective; throws DataError
//   Loader loader = loader_make(data.train, data.info, /*batch=*/64, seed, rank);
//   batch_next(&loader, &batch);                         // [64, C, H, W] float32 + [64] int32
//   batch_fill(data.test, data.info, first, n, &batch);  // evaluation, in file order
// Every rank computes the same partition from (seed, labels): no messages.
#pragma once

#include <mpi.h>

#include <cstdint>
#include <string>
#include <vector>

#include "base/named_state.h"
#include "data/h5_check.h"

namespace bitvote {

// One sample's shape: [C, H, W].
struct SampleShape {
    int channels = 0, height = 0, width = 0;
    int64_t pixels() const { return int64_t(channels) * height * width; }
    bool operator==(const SampleShape&) const = default;
};

// ---- partitions: which samples each rank owns --------------------------------

enum class PartitionKind { iid, labels, dirichlet };

struct Partition {
    PartitionKind kind = PartitionKind::iid;
    int classes_per_rank = 0;  // labels:C
    double alpha = 0;          // dirichlet:A
};

// "iid", "labels:C" (C >= 1), "dirichlet:A" (A > 0); anything else throws DataError.
Partition partition_parse(const std::string& text);
std::string partition_name(const Partition& p);

// The first n of a seeded shuffle of 0..total-1 (n = 0: all), ascending.
std::vector<int64_t> subset_pick(int64_t total, int64_t n, uint64_t seed);

// Splits `samples` (indices into `labels`, labels < classes) among `ranks`;
// shards[r] ascending. Deterministic in (samples, labels, p, seed).
//   iid          shuffle, cut into ranks nearly equal parts (sizes differ by <= 1)
//   labels:C     rank r holds exactly C classes: classes are dealt round-robin
//                from a seeded shuffle (rank r gets entries rC..rC+C-1 mod
//                classes); each class is split evenly among the ranks holding
//                it. Classes nobody holds (ranks*C < classes) are dropped.
//   dirichlet:A  per class, proportions ~ Dirichlet(A) over the ranks; every
//                sample goes to exactly one rank; redrawn (up to 100 times)
//                until every rank holds at least min(10, N/ranks) samples.
std::vector<std::vector<int64_t>> partition_shards(const std::vector<uint8_t>& labels,
                                                   const std::vector<int64_t>& samples, int classes, int ranks,
                                                   const Partition& p, uint64_t seed);

// ---- reading ---------------------------------------------------------------------

struct DataConfig {
    std::string path;           // the .h5 file
    Partition partition;        // of the training samples
    uint64_t seed = 0;          // subsets and partition
    int64_t train_samples = 0;  // subset: first N of a seeded shuffle (0: all)
    int64_t test_samples = 0;   // idem for the test set
    bool test_whole = false;    // true: every rank reads the whole test set;
                                // false: rank r reads test shard r (contiguous
                                // split) for distributed evaluation
    int group = 1;              // ranks per part of the training partition: the
                                // ranks / group parts go to groups of `group`
                                // consecutive ranks, which read the same shard
                                // (DETOX: R); must divide the ranks
};

struct DataInfo {
    std::string name;
    int classes = 0;
    SampleShape shape;
    double mean = 0, std = 1;  // of training pixels scaled to [0, 1]
    int64_t train_total = 0;   // samples in the subsets, over all ranks
    int64_t test_total = 0;
};

// One rank's samples of a split, in memory.
struct Shard {
    std::vector<int64_t> index;   // [n] sample index in the file, ascending
    std::vector<uint8_t> images;  // [n, C, H, W] uint8
    std::vector<uint8_t> labels;  // [n]
    int64_t size() const { return int64_t(index.size()); }
};

struct Data {
    DataInfo info;
    Shard train;  // this rank's shard
    Shard test;   // the whole test set or this rank's part
};

// Collective over comm. Rank r's training shard is part r / cfg.group of the
// partition into ranks / cfg.group parts. Opens the file with H5Pset_fapl_mpio, validates the
// layout, reads the labels (every rank: the partition needs them) and only
// this rank's images: independent reads of a union of hyperslabs, one per run
// of consecutive indices, at most 512 runs per H5Dread. Errors (a missing or
// invalid file, dataset or attribute, labels >= classes, mismatched counts)
// throw DataError naming the file, dataset and problem, the same on every rank.
Data data_open(const DataConfig& cfg, MPI_Comm comm);
// data_open's work after the open: validates the layout of an open file and
// reads the shard of `rank` of `ranks` (no MPI call; the file may be open
// with any HDF5 driver: the fuzz target opens its bytes in memory). cfg.path
// only names the file in messages.
Data data_read(hid_t file, const DataConfig& cfg, int rank, int ranks);

// ---- batches ---------------------------------------------------------------------

struct Batch {
    int n = 0;
    std::vector<float> images;    // [n, C, H, W] float32, (x/255 - mean) / std
    std::vector<int32_t> labels;  // [n]
};

// Endless full batches from one shard: consecutive passes (epochs) over the
// shard, each in a new order seeded by (seed, rank, epoch); a batch may span
// the end of one pass and the start of the next, so no sample is dropped.
struct Loader {
    const Shard* shard = nullptr;
    const DataInfo* info = nullptr;
    int batch = 0;
    uint64_t seed = 0;
    int rank = 0;                // keys the order: the rank, or the part its group shares (DETOX)
    int64_t epoch = 0;           // passes begun over this shard
    int64_t pos = 0;             // next position in order
    std::vector<int64_t> order;  // [shard size] positions in the shard
};

// Throws DataError when the shard is empty or batch < 1.
// The trainer's epoch is global (train_total / (sum of the ranks' batches)
// steps: ranks may take different batches, --batch a,b,...); shards may differ
// in size, so loader.epoch is this rank's own count of passes.
Loader loader_make(const Shard& shard, const DataInfo& info, int batch, uint64_t seed, int rank);
void batch_next(Loader* loader, Batch* out);
// The loader's position (a checkpoint's data position): the pass count, the
// next position and this pass's order, as "data/epoch", "data/pos",
// "data/order".
void loader_states(Loader* loader, StateList* out);
// Samples first..first+n-1 of the shard, in shard order (evaluation).
void batch_fill(const Shard& shard, const DataInfo& info, int64_t first, int n, Batch* out);

}  // namespace bitvote
