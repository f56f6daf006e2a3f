// Elementary functions that give the same bits on the host and on a GPU. Host libm and CUDA's
// libdevice round sin and cos differently in the last place (CUDA documents up to 2 ulp), and an
// unstable system such as a balanced pole amplifies a one-ulp difference until a decision flips
// and the episode lengths of the CPU and GPU backends part. Environments therefore use these:
// only +, -, *, / and floor, which both compilers round alike (device code built with
// --fmad=false, host code without FMA contraction), so a trajectory is bit-identical on both.
#pragma once

#include <math.h>  // floor, on the host and (as a CUDA builtin) on the device

#include "core/hostdevice.hpp"

namespace ganglion {

// sin(x) and cos(x), within about 1 ulp of the true values for |x| up to 1e5 (Cody-Waite
// reduction by pi/2 in three parts, then the Taylor series of sin and cos on [-pi/4, pi/4]
// through x^17 and x^18, whose truncation error is below 1e-19 there). NaN and infinities give NaN.
GANGLION_HD GANGLION_INLINE void hd_sincos(double x, double& s, double& c) {
  if (!(x - x == 0.0)) {  // NaN or infinite
    s = c = x - x;
    return;
  }
  // pi/2 = kPio2Hi + kPio2Mid + kPio2Lo; Hi and Mid have 33 significant bits, so k * Hi and
  // k * Mid are exact for |k| < 2^20.
  constexpr double kPio2Hi = 1.5707963267341256;
  constexpr double kPio2Mid = 6.077100506303966e-11;
  constexpr double kPio2Lo = 2.0222662487959506e-21;
  constexpr double kTwoOverPi = 0.6366197723675814;
  const double k = floor(x * kTwoOverPi + 0.5);
  const double r = ((x - k * kPio2Hi) - k * kPio2Mid) - k * kPio2Lo;
  const double r2 = r * r;
  // sin r = r + r^3 (-1/3! + r^2 (1/5! + r^2 (-1/7! + ...))), through r^17 / 17!.
  double sp = 1.0 / 355687428096000.0;   // 1/17!
  sp = sp * r2 - 1.0 / 1307674368000.0;  // 1/15!
  sp = sp * r2 + 1.0 / 6227020800.0;     // 1/13!
  sp = sp * r2 - 1.0 / 39916800.0;       // 1/11!
  sp = sp * r2 + 1.0 / 362880.0;         // 1/9!
  sp = sp * r2 - 1.0 / 5040.0;           // 1/7!
  sp = sp * r2 + 1.0 / 120.0;            // 1/5!
  sp = sp * r2 - 1.0 / 6.0;              // 1/3!
  const double sin_r = r + r * (r2 * sp);
  // cos r = 1 - r^2/2 + r^4 (1/4! + r^2 (-1/6! + ...)), through r^18 / 18!.
  double cp = -1.0 / 6402373705728000.0;  // 1/18!
  cp = cp * r2 + 1.0 / 20922789888000.0;  // 1/16!
  cp = cp * r2 - 1.0 / 87178291200.0;     // 1/14!
  cp = cp * r2 + 1.0 / 479001600.0;       // 1/12!
  cp = cp * r2 - 1.0 / 3628800.0;         // 1/10!
  cp = cp * r2 + 1.0 / 40320.0;           // 1/8!
  cp = cp * r2 - 1.0 / 720.0;             // 1/6!
  cp = cp * r2 + 1.0 / 24.0;              // 1/4!
  const double cos_r = (1.0 - 0.5 * r2) + (r2 * r2) * cp;
  // Quadrant: x = k pi/2 + r.
  const double q = k - 4.0 * floor(k * 0.25);  // k mod 4, exact
  if (q == 0.0) {
    s = sin_r;
    c = cos_r;
  } else if (q == 1.0) {
    s = cos_r;
    c = -sin_r;
  } else if (q == 2.0) {
    s = -sin_r;
    c = -cos_r;
  } else {
    s = -cos_r;
    c = sin_r;
  }
}

}  // namespace ganglion
