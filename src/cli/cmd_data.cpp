// bitvote data: convert a dataset to the project's HDF5 layout (datasets/).
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "convert.h"
#include "cli/commands.h"

namespace bitvote {

namespace {

const char* const usage =
    "usage: bitvote data fmnist|cifar10|cifar100|synthetic --out F.h5 [flags]\n"
    "  Converts a dataset to bitvote's HDF5 layout: /train/images uint8 [N, C, H, W],\n"
    "  /train/labels uint8 [N], the same under /test, and attributes name, classes,\n"
    "  mean and std (of the training pixels scaled to [0, 1]). The file is written\n"
    "  under a temporary name and renamed when complete. Needs no MPI launcher.\n"
    "\n"
    "  fmnist     Fashion-MNIST idx.gz files: train-images-idx3-ubyte.gz,\n"
    "             train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz,\n"
    "             t10k-labels-idx1-ubyte.gz. Images [N, 1, 28, 28], 10 classes.\n"
    "  cifar10    CIFAR-10 binary version: data_batch_1..5.bin, test_batch.bin.\n"
    "  cifar100   CIFAR-100 binary version: train.bin, test.bin.\n"
    "  synthetic  learnable class templates + Gaussian noise, any size, from a seed.\n"
    "\n"
    "flags:\n"
    "  --out F.h5          the file to write (required)\n"
    "  --in DIR            input directory (fmnist: default /usr/share/datasets/fashion-mnist;\n"
    "                      cifar10, cifar100: required)\n"
    "  --labels fine|coarse  cifar100: 100 fine classes (default) or 20 coarse ones\n"
    "  synthetic only:\n"
    "  --train N           training samples (default 60000)\n"
    "  --test N            test samples (default 10000)\n"
    "  --classes C         classes, 1..256 (default 10)\n"
    "  --shape C,H,W       sample shape (default 1,28,28)\n"
    "  --seed S            seed (default 0): the same seed gives the same file\n"
    "  --noise X           per-pixel noise std in pixel units (default 64)\n"
    "\n"
    "exit status: 0 written, 1 an input or output error, 2 bad flags\n";

struct DataArgs {
    std::string kind, in, out, labels = "fine";
    SyntheticSpec synthetic;
};

// Flags each kind accepts, beside --out.
bool flag_allowed(const std::string& kind, const std::string& flag) {
    if (flag == "--in") return kind != "synthetic";
    if (flag == "--labels") return kind == "cifar100";
    return kind == "synthetic" && (flag == "--train" || flag == "--test" || flag == "--classes" || flag == "--shape" ||
                                   flag == "--seed" || flag == "--noise");
}

// A whole decimal integer in [lo, hi].
bool parse_int(const std::string& text, int64_t lo, int64_t hi, int64_t* out) {
    char* end = nullptr;
    errno = 0;
    const long long v = std::strtoll(text.c_str(), &end, 10);
    if (text.empty() || *end || errno || v < lo || v > hi) return false;
    *out = v;
    return true;
}

// "C,H,W", each 1..65535.
bool parse_shape(const std::string& text, SampleShape* out) {
    int64_t dims[3];
    size_t at = 0;
    for (int d = 0; d < 3; ++d) {
        const size_t comma = d < 2 ? text.find(',', at) : text.size();
        if (comma == std::string::npos || !parse_int(text.substr(at, comma - at), 1, 65535, &dims[d])) return false;
        at = comma + 1;
    }
    *out = {int(dims[0]), int(dims[1]), int(dims[2])};
    return true;
}

// Stores one flag's value; false when the value does not parse.
bool flag_store(const std::string& flag, const std::string& value, DataArgs* a) {
    SyntheticSpec& s = a->synthetic;
    if (flag == "--out" || flag == "--in" || flag == "--labels") {
        (flag == "--out" ? a->out : flag == "--in" ? a->in : a->labels) = value;
        return flag != "--labels" || value == "fine" || value == "coarse";
    }
    if (flag == "--shape") return parse_shape(value, &s.shape);
    if (flag == "--train") return parse_int(value, 1, INT64_MAX, &s.train);
    if (flag == "--test") return parse_int(value, 1, INT64_MAX, &s.test);
    if (flag == "--noise") {
        char* end = nullptr;
        s.noise = std::strtod(value.c_str(), &end);
        return !value.empty() && !*end && s.noise >= 0;
    }
    int64_t v = 0;
    if (flag == "--classes") {
        if (!parse_int(value, 1, 256, &v)) return false;
        s.classes = int(v);
        return true;
    }
    if (!parse_int(value, 0, INT64_MAX, &v)) return false;  // --seed
    s.seed = uint64_t(v);
    return true;
}

int bad_usage(const std::string& why) {
    std::fprintf(stderr, "bitvote data: %s (bitvote data --help)\n", why.c_str());
    return 2;
}

DataInfo convert(const DataArgs& a) {
    if (a.kind == "fmnist") return convert_fmnist(a.in.empty() ? "/usr/share/datasets/fashion-mnist" : a.in, a.out);
    if (a.kind == "cifar10") return convert_cifar10(a.in, a.out);
    if (a.kind == "cifar100") return convert_cifar100(a.in, a.out, a.labels == "coarse");
    return convert_synthetic(a.synthetic, a.out);
}

}  // namespace

int cmd_data(int argc, char** argv) {
    if (argc > 1 && (!std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h"))) {
        std::fputs(usage, stdout);
        return 0;
    }
    if (argc < 2) return bad_usage("which dataset? fmnist, cifar10, cifar100 or synthetic");
    DataArgs a;
    a.kind = argv[1];
    if (a.kind != "fmnist" && a.kind != "cifar10" && a.kind != "cifar100" && a.kind != "synthetic")
        return bad_usage("unknown dataset '" + a.kind + "': expected fmnist, cifar10, cifar100 or synthetic");
    for (int i = 2; i < argc; ++i) {
        std::string flag = argv[i], value;
        if (const size_t eq = flag.find('='); eq != std::string::npos) {
            value = flag.substr(eq + 1);
            flag.resize(eq);
        } else if (i + 1 < argc) {
            value = argv[++i];
        } else {
            return bad_usage("flag " + flag + " needs a value");
        }
        if (flag != "--out" && !flag_allowed(a.kind, flag))
            return bad_usage("unknown flag '" + flag + "' for " + a.kind);
        if (!flag_store(flag, value, &a)) return bad_usage("bad value '" + value + "' for " + flag);
    }
    if (a.out.empty()) return bad_usage("--out F.h5 is required");
    if (a.in.empty() && (a.kind == "cifar10" || a.kind == "cifar100"))
        return bad_usage("--in DIR is required for " + a.kind);
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

}  // namespace bitvote
