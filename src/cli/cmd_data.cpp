// bitvote data: convert a dataset to the project's HDF5 layout (datasets/).
// One subcommand per dataset, each with its own flags.
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

#include "base/flag_values.h"
#include "cli/commands.h"
#include "cli/flags.h"
#include "convert.h"

namespace bitvote {
namespace {

const char* const fmnist_dir = "/usr/share/datasets/fashion-mnist";

struct DataArgs {
    std::string kind;  // the dataset subcommand parsed
    std::string in, out;
    bool coarse = false;  // cifar100: the 20 coarse labels
    SyntheticSpec synthetic;
};

// "C,H,W", each 1..65535.
bool shape_parse(const std::string& text, SampleShape* out) {
    int64_t dims[3];
    size_t at = 0;
    for (int d = 0; d < 3; ++d) {
        const size_t comma = d < 2 ? text.find(',', at) : text.size();
        if (comma == std::string::npos || !int_parse(text.substr(at, comma - at), 1, 65535, &dims[d])) return false;
        at = comma + 1;
    }
    *out = {int(dims[0]), int(dims[1]), int(dims[2])};
    return true;
}

DataInfo convert(const DataArgs& a) {
    if (a.kind == "fmnist") return convert_fmnist(a.in.empty() ? fmnist_dir : a.in, a.out);
    if (a.kind == "cifar10") return convert_cifar10(a.in, a.out);
    if (a.kind == "cifar100") return convert_cifar100(a.in, a.out, a.coarse);
    return convert_synthetic(a.synthetic, a.out);
}

int data_run(const DataArgs& a) {
    const auto start = std::chrono::steady_clock::now();
    try {
        const DataInfo info = convert(a);
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        std::printf(
            "wrote %s: %s, %d classes, %lld train + %lld test samples of [%d, %d, %d], mean %.4f std %.4f "
            "(%.2f s)\n",
            a.out.c_str(), info.name.c_str(), info.classes, (long long)info.train_total, (long long)info.test_total,
            info.shape.channels, info.shape.height, info.shape.width, info.mean, info.std, s);
        return 0;
    } catch (const DataError& e) {
        std::fprintf(stderr, "bitvote data: %s\n", e.what());
        return 1;
    }
}

// One dataset's subcommand with --out; the caller adds the rest.
CLI::App* dataset_add(CLI::App* data, const char* name, const char* what, DataArgs* a) {
    CLI::App* app = data->add_subcommand(name, what);
    app->group("datasets");
    help_format(app, "bitvote data " + std::string(name) + " --out F.h5 [flags]", what);
    flag_required(flag(app, "--out F.h5", &a->out, "the file to write"));
    return app;
}

}  // namespace

Command command_data(CLI::App* bitvote) {
    auto a = std::make_shared<DataArgs>();
    CLI::App* data = bitvote->add_subcommand(
        "data", "convert Fashion-MNIST, CIFAR-10/100 or a synthetic set to bitvote's HDF5 layout");
    data->require_subcommand(1);
    help_format(data, "bitvote data fmnist|cifar10|cifar100|synthetic --out F.h5 [flags]",
                "Converts a dataset to bitvote's HDF5 layout: /train/images uint8 [N, C, H, W],\n"
                "/train/labels uint8 [N], the same under /test, and attributes name, classes,\n"
                "mean and std (of the training pixels scaled to [0, 1]). The file is written\n"
                "under a temporary name and renamed when complete. Needs no MPI launcher.",
                "exit status: 0 written, 1 an input or output error, 2 bad flags", true);

    CLI::App* fmnist =
        dataset_add(data, "fmnist",
                    "Fashion-MNIST idx.gz files: train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz,\n"
                    "t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz. Images [N, 1, 28, 28], 10 classes.",
                    a.get());
    flag(fmnist, "--in DIR", &a->in, "input directory", fmnist_dir);
    CLI::App* cifar10 =
        dataset_add(data, "cifar10", "CIFAR-10 binary version: data_batch_1..5.bin, test_batch.bin.", a.get());
    flag_required(flag(cifar10, "--in DIR", &a->in, "input directory"));
    CLI::App* cifar100 = dataset_add(data, "cifar100", "CIFAR-100 binary version: train.bin, test.bin.", a.get());
    flag_required(flag(cifar100, "--in DIR", &a->in, "input directory"));
    flag(cifar100, "--labels", &a->coarse, Choices<bool>{{{"fine", false}, {"coarse", true}}},
         "100 fine classes or 20 coarse ones");
    CLI::App* synthetic =
        dataset_add(data, "synthetic", "learnable class templates + Gaussian noise, any size, from a seed.", a.get());
    SyntheticSpec& s = a->synthetic;
    flag(synthetic, "--train N", &s.train, at_least(1), "training samples");
    flag(synthetic, "--test N", &s.test, at_least(1), "test samples");
    flag(synthetic, "--classes C", &s.classes, in_range(1, 256), "classes");
    flag(synthetic, "--shape C,H,W", &s.shape, Parsed<SampleShape>{shape_parse, "C,H,W, each in [1, 65535]"},
         "sample shape", "1,28,28");
    flag(synthetic, "--seed S", &s.seed, at_least(0), "seed: the same seed gives the same file");
    flag(synthetic, "--noise X", &s.noise, non_negative(), "per-pixel noise std in pixel units");

    return {data, false, [a, data] {
                a->kind = data->get_subcommands().front()->get_name();
                return data_run(*a);
            }};
}

}  // namespace bitvote
