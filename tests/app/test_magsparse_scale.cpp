// magsparse's per-rank scale candidates: abs_max against a naive max, and
// density_scale's B against what it promises, the expected votes
// sum_i min(1, |g_i| / B) = rho * n, on gradients with ties, zeros, sorted and
// reversed orders (selection's bad cases), or every nonzero entry surely
// voting where rho * n is out of reach.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "compress/magsparse_scale.h"
#include "data/rng.h"

namespace bitvote {
namespace {

enum class Shape { gaussian_like, ties_and_zeros, sorted, reversed, all_equal, one_nonzero, all_zero };

std::vector<float> gradient_of(Shape shape, size_t n, uint64_t seed) {
    Rng rng(seed * 7919 + n);
    std::vector<float> g(n);
    for (size_t i = 0; i < n; ++i) {
        const float u = float(rng.below(1 << 20)) / float(1 << 20) - 0.5f;
        switch (shape) {
            case Shape::gaussian_like: g[i] = u * u * u * 1e-2f; break;
            case Shape::ties_and_zeros: g[i] = rng.below(4) == 0 ? 0.0f : float(int(rng.below(9)) - 4) * 0.25f; break;
            case Shape::sorted: g[i] = float(i) - float(n) / 3; break;
            case Shape::reversed: g[i] = float(n - i) * 1e-3f; break;
            case Shape::all_equal: g[i] = -0.5f; break;
            case Shape::one_nonzero: g[i] = i == n / 2 ? 3.0f : 0.0f; break;
            case Shape::all_zero: g[i] = (i % 2) ? 0.0f : -0.0f; break;
        }
    }
    return g;
}

double expected_votes(const std::vector<float>& g, float B) {
    double sum = 0;
    for (float x : g) sum += x == 0 ? 0.0 : std::min(1.0, double(std::fabs(x)) / double(B));
    return sum;
}

TEST(MagsparseScale, AbsMaxIsTheLargestMagnitude) {
    for (Shape shape : {Shape::gaussian_like, Shape::ties_and_zeros, Shape::sorted, Shape::all_zero})
        for (size_t n : {size_t(0), size_t(1), size_t(7), size_t(1000), size_t(4099)}) {
            const std::vector<float> g = gradient_of(shape, n, 1);
            float want = 0;
            for (float x : g) want = std::max(want, std::fabs(x));
            EXPECT_EQ(abs_max(g), want) << int(shape) << " n " << n;
        }
    EXPECT_EQ(abs_max(std::vector<float>{-0.0f, -3.5f, 2.0f, -1e-40f}), 3.5f);
}

TEST(MagsparseScale, DensityScaleGivesRhoTimesNExpectedVotes) {
    std::vector<float> scratch;
    for (Shape shape : {Shape::gaussian_like, Shape::ties_and_zeros, Shape::sorted, Shape::reversed,
                        Shape::all_equal, Shape::one_nonzero, Shape::all_zero})
        for (size_t n : {size_t(1), size_t(2), size_t(10), size_t(333), size_t(5000)})
            for (double rho : {1e-4, 1e-3, 0.01, 0.1, 0.5, 0.9, 1.0}) {
                const std::vector<float> g = gradient_of(shape, n, 2);
                const float B = density_scale(g, rho, &scratch);
                const std::string what = "shape " + std::to_string(int(shape)) + " n " + std::to_string(n) +
                                         " rho " + std::to_string(rho) + " B " + std::to_string(B);
                size_t nonzero = 0;
                float smallest = 0;
                for (float x : g)
                    if (x != 0) smallest = nonzero++ ? std::min(smallest, std::fabs(x)) : std::fabs(x);
                const double target = rho * double(n);
                if (target >= double(nonzero)) {  // out of reach (or exactly at it): every nonzero votes surely
                    EXPECT_EQ(B, smallest) << what;
                    continue;
                }
                ASSERT_GT(B, 0) << what;
                EXPECT_NEAR(expected_votes(g, B), target, 1e-5 * target + 1e-9) << what;
            }
}

}  // namespace
}  // namespace bitvote
