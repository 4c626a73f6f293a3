// Kernel test main: says which tiers run and which are skipped on this CPU
// (each test of a skipped tier is reported SKIPPED: see tiers_under_test.h).
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "kernels.h"

int main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    std::string ran, skipped;
    for (int i = 0; i < bitvote::isa_count; ++i) {
        std::string& list = bitvote::isa_supported(bitvote::Isa(i)) ? ran : skipped;
        list += (list.empty() ? "" : " ") + std::string(bitvote::isa_name(bitvote::Isa(i)));
    }
    std::printf("kernel tiers tested: %s; skipped (CPU lacks them): %s\n", ran.c_str(),
                skipped.empty() ? "none" : skipped.c_str());
    return RUN_ALL_TESTS();
}
