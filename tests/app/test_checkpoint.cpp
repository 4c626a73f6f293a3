// Checkpoints, one process (src/train/checkpoint_file.cpp, config_difference.cpp
// and the owners' *_states): what a file holds reads back bit for bit; a
// state of another size, a missing one or a changed byte is refused, naming
// it; restoring the listed states is all it takes to continue (the loader's
// next batches, a method's next message); a config that differs is named
// field by field.
#include <algorithm>
#include <cmath>
#include <fstream>

#include "compress/method.h"
#include "test_data_files.h"
#include "train/checkpoint_file.h"
#include "train/config_difference.h"

namespace bitvote::test {
namespace {

// A copy of every state's elements (what a checkpoint holds of them).
std::vector<std::vector<char>> states_copy(const StateList& states) {
    std::vector<std::vector<char>> out;
    for (const NamedState& s : states) {
        const char* p = static_cast<const char*>(state_pointer(s.data));
        out.emplace_back(p, p + state_bytes(s.data));
    }
    return out;
}

std::vector<std::string> state_names(const StateList& states) {
    std::vector<std::string> names;
    for (const NamedState& s : states) names.push_back(s.name);
    return names;
}

struct Written {
    std::vector<float> weights{1.5f, -2.0f, 0.0f, 3.25f, -0.0f};
    std::vector<float> memory = std::vector<float>(3000, 0.0f);
    std::vector<uint64_t> counts{7, 0, ~uint64_t{0}};
    int64_t epoch = 4;
    StateList states() {
        StateList s;
        state_add(&s, "method/memory", memory);
        state_add(&s, "aggregate/cast", counts);
        state_add(&s, "data/epoch", &epoch);
        return s;
    }
};

std::string write_file(const ScratchDir& dir, Written* w) {
    for (size_t i = 0; i < w->memory.size(); ++i) w->memory[i] = float(i) * 0.5f - 100;
    const std::string path = dir / "step-00000012.h5";
    H5Handle f = checkpoint_file_create(path);
    checkpoint_file_write_header(f, {12, R"({"event":"config","method":"signum"})", 345}, w->weights);
    for (int rank : {0, 1})
        for (const NamedState& s : w->states()) checkpoint_file_write_state(f, rank, s);
    checkpoint_file_close(&f);
    return path;
}

TEST(Checkpoint, FileReadsBackBitForBit) {
    ScratchDir dir;
    Written w;
    const std::string path = write_file(dir, &w);
    Written r;  // same shapes, other values
    std::fill(r.weights.begin(), r.weights.end(), 9.0f);
    r.counts.assign(3, 5);
    r.epoch = 0;
    H5Handle f = checkpoint_file_open(path);
    const CheckpointHeader h = checkpoint_file_read_header(f);
    EXPECT_EQ(h.step, 12);
    EXPECT_EQ(h.log_bytes, 345);
    EXPECT_EQ(h.config, R"({"event":"config","method":"signum"})");
    checkpoint_file_read_weights(f, r.weights);
    checkpoint_file_read_states(f, 1, r.states());
    EXPECT_EQ(states_copy(r.states()), states_copy(w.states()));
    EXPECT_TRUE(std::signbit(r.weights[4])) << "-0.0f survives";
    EXPECT_EQ(r.weights, w.weights);
}

TEST(Checkpoint, RefusesAStateOfAnotherSizeTypeOrName) {
    ScratchDir dir;
    Written w;
    H5Handle f = checkpoint_file_open(write_file(dir, &w));
    std::vector<float> longer(3001), weights(6);
    std::vector<int64_t> as_int(3);
    StateList s;
    state_add(&s, "method/memory", longer);
    expect_data_error([&] { checkpoint_file_read_states(f, 0, s); }, {"/rank/0/method/memory", "3000", "3001"});
    s.clear();
    state_add(&s, "aggregate/cast", as_int);
    expect_data_error([&] { checkpoint_file_read_states(f, 0, s); }, {"/rank/0/aggregate/cast", "element type"});
    s.clear();
    state_add(&s, "method/velocity", longer);
    expect_data_error([&] { checkpoint_file_read_states(f, 0, s); }, {"no /rank/0/method/velocity"});
    s.clear();
    state_add(&s, "data/epoch", &w.epoch);
    expect_data_error([&] { checkpoint_file_read_states(f, 2, s); }, {"no /rank/2/data/epoch"});
    expect_data_error([&] { checkpoint_file_read_weights(f, weights); }, {"/weights", "5 entries", "6"});
}

TEST(Checkpoint, AChangedByteFailsTheRead) {
    ScratchDir dir;
    Written w;
    const std::string path = write_file(dir, &w);
    haddr_t offset = 0;
    {  // the first chunk of method/memory of rank 1: 3000 floats, somewhere in its middle
        H5Handle f = checkpoint_file_open(path);
        H5Handle d(H5Dopen2(f, "rank/1/method/memory", H5P_DEFAULT));
        H5Handle space(H5Dget_space(d));
        hsize_t size = 0;
        ASSERT_GE(H5Dget_chunk_info(d, space, 0, nullptr, nullptr, &offset, &size), 0);
    }
    std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
    file.seekg(std::streamoff(offset + 4000));
    char c = 0;
    file.read(&c, 1);
    c ^= 0x01;
    file.seekp(std::streamoff(offset + 4000));
    file.write(&c, 1);
    file.close();
    H5Handle f = checkpoint_file_open(path);
    Written r;
    checkpoint_file_read_states(f, 0, r.states());  // rank 0's copy is intact
    expect_data_error([&] { checkpoint_file_read_states(f, 1, r.states()); }, {"H5Dread"});
}

// A header whose /step has a null dataspace (no value: reading it read
// nothing, and the step was 0) or whose /config declares a string of 2 MB
// (up to 4 GB were allocated and filled): both found by fuzz_checkpoint_read.
TEST(Checkpoint, RefusesANullStepAndAnOverlongConfig) {
    ScratchDir dir;
    for (const bool null_step : {true, false}) {
        const std::string path = dir / (null_step ? "null-step.h5" : "long-config.h5");
        {
            H5Handle f = checkpoint_file_create(path);
            H5Handle null_space(H5Screate(H5S_NULL)), scalar(H5Screate(H5S_SCALAR)), text(H5Tcopy(H5T_C_S1));
            ASSERT_GE(H5Tset_size(text, null_step ? 8 : size_t{2} << 20), 0);
            for (const char* name : {"step", "run_jsonl_bytes"}) {
                H5Handle d(H5Dcreate2(f, name, H5T_NATIVE_INT64, null_step ? null_space : scalar, H5P_DEFAULT,
                                      H5P_DEFAULT, H5P_DEFAULT));
                ASSERT_GE(d.get(), 0);
            }
            H5Handle config(H5Dcreate2(f, "config", text, scalar, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
            ASSERT_GE(config.get(), 0);
            checkpoint_file_close(&f);
        }
        H5Handle f = checkpoint_file_open(path);
        if (null_step)
            expect_data_error([&] { checkpoint_file_read_header(f); }, {"/step holds no value"});
        else
            expect_data_error([&] { checkpoint_file_read_header(f); }, {"/config", "2097152 bytes"});
    }
}

TEST(Checkpoint, RestoringTheLoaderStatesContinuesItsBatches) {
    ScratchDir dir;
    convert_synthetic(SyntheticSpec{20, 8, 4, {1, 3, 2}, 11, 40}, dir / "s.h5");
    const Data d = read_all(dir / "s.h5");
    Loader run = loader_make(d.train, d.info, 3, 9, 0);
    Batch b, b2;
    for (int i = 0; i < 9; ++i) batch_next(&run, &b);  // 27 samples: into the second pass
    StateList saved_list;
    loader_states(&run, &saved_list);
    EXPECT_EQ(state_names(saved_list), (std::vector<std::string>{"data/epoch", "data/pos", "data/order"}));
    const auto saved = states_copy(saved_list);
    Loader resumed = loader_make(d.train, d.info, 3, 9, 0);  // a fresh process's loader
    StateList into;
    loader_states(&resumed, &into);
    for (size_t i = 0; i < into.size(); ++i)
        std::copy(saved[i].begin(), saved[i].end(), static_cast<char*>(state_pointer(into[i].data)));
    for (int i = 0; i < 12; ++i) {  // on through the next pass boundaries
        batch_next(&run, &b);
        batch_next(&resumed, &b2);
        ASSERT_EQ(b.labels, b2.labels) << "batch " << i;
        ASSERT_EQ(b.images, b2.images) << "batch " << i;
    }
}

TEST(Checkpoint, MethodStatesAreItsMemoryAndVelocity) {
    const std::vector<Segment> segments{{"all", 0, 10}};
    auto names = [&](MethodKind k) {
        MethodConfig mc;
        mc.kind = k;
        Method m = method_make(mc, segments, 10);
        StateList s;
        method_states(&m, "method/", &s);
        return state_names(s);
    };
    using V = std::vector<std::string>;
    EXPECT_EQ(names(MethodKind::signsgd), V{});
    EXPECT_EQ(names(MethodKind::signum), V{"method/memory"});
    EXPECT_EQ(names(MethodKind::sgd), V{"method/velocity"});
    EXPECT_EQ(names(MethodKind::topk), (V{"method/memory", "method/velocity"}));
    EXPECT_EQ(names(MethodKind::efsign), V{"method/memory"});
    EXPECT_EQ(names(MethodKind::magsparse), V{}) << "its draws are keyed by the step";
}

TEST(Checkpoint, ConfigDifferenceNamesEachField) {
    const std::string run = R"({"event":"config","method":"signum","ranks":4,"steps":100,"hosts":["a"],"batch":32})";
    EXPECT_EQ(config_difference(run, run), "");
    EXPECT_EQ(config_difference(R"({"event":"config","method":"signum","ranks":4,"steps":50,"hosts":["b"],"batch":32})",
                                run),
              "")
        << "steps and hosts may change";
    EXPECT_EQ(config_difference(R"({"event":"config","method":"s3gd","ranks":3,"steps":100,"hosts":["a"],"batch":32})",
                                run),
              R"(method "s3gd" in the checkpoint, "signum" in this run; ranks 3 in the checkpoint, 4 in this run)");
    EXPECT_EQ(config_difference(
                  R"({"event":"config","method":"signum","ranks":4,"steps":100,"hosts":["a"],"batch":32,"accum":0.5})",
                  run),
              R"(accum 0.5 in the checkpoint, (none) in this run)")
        << "a field this run does not have";
    EXPECT_EQ(config_difference("{\"event\":", run), "its config record is not a JSON object");
}

}  // namespace
}  // namespace bitvote::test
