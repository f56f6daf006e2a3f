// core/network/hd_math.hpp: sin and cos from +, -, *, / and floor only (the same bits on host and device)
// must still be sin and cos: within 2 ulp of libm's over the range environments use and beyond.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include "core/network/hd_math.hpp"
#include "core/rng.hpp"
#include "tests/random_genome.hpp"

using namespace ganglion;

namespace {

double ulps(double got, double want) {
  if (got == want) return 0.0;
  const double ulp = std::ldexp(1.0, std::max(std::ilogb(want), -1022) - 52);
  return std::fabs(got - want) / ulp;
}

}  // namespace

TEST_CASE("hd_sincos agrees with libm within 2 ulp, |x| small and large") {
  const uint64_t seed = testing::test_seed();
  MESSAGE("seed " << seed);
  Rng rng(seed);
  double worst = 0.0;
  for (int i = 0; i < 200000; ++i) {
    const double range = i % 3 == 0 ? 0.7 : (i % 3 == 1 ? 10.0 : 1e4);
    const double x = rng.uniform(-range, range);
    double s, c;
    hd_sincos(x, s, c);
    // Near a zero of sin or cos the result's ulp is tiny and the reduction's error shows: measure
    // against the ulp of 1 there (absolute accuracy), as libm's own tests do.
    const double us = std::fabs(std::sin(x)) < 1e-3 ? std::fabs(s - std::sin(x)) / 0x1p-52 : ulps(s, std::sin(x));
    const double uc = std::fabs(std::cos(x)) < 1e-3 ? std::fabs(c - std::cos(x)) / 0x1p-52 : ulps(c, std::cos(x));
    worst = std::max(worst, std::max(us, uc));
    if (us > 2.0 || uc > 2.0) {
      FAIL_CHECK("x = " << x << ": sin " << s << " vs " << std::sin(x) << ", cos " << c << " vs " << std::cos(x));
      break;
    }
  }
  MESSAGE("worst " << worst << " ulp");
}

TEST_CASE("hd_sincos at exact points, signs and non-finite input") {
  double s, c;
  hd_sincos(0.0, s, c);
  CHECK(s == 0.0);
  CHECK(c == 1.0);
  hd_sincos(-0.25, s, c);
  CHECK(s == doctest::Approx(std::sin(-0.25)).epsilon(1e-15));
  CHECK(c == doctest::Approx(std::cos(-0.25)).epsilon(1e-15));
  const double half_pi = 1.5707963267948966;
  for (int k = -8; k <= 8; ++k) {  // every quadrant, both signs
    const double x = k * half_pi + 0.3;
    hd_sincos(x, s, c);
    CHECK(s == doctest::Approx(std::sin(x)).epsilon(1e-14));
    CHECK(c == doctest::Approx(std::cos(x)).epsilon(1e-14));
  }
  for (double bad : {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(),
                     -std::numeric_limits<double>::infinity()}) {
    hd_sincos(bad, s, c);
    CHECK(std::isnan(s));
    CHECK(std::isnan(c));
  }
}
