// Distribution functions the regression statistics need: the standard normal
// and Student's t. Pure functions, double precision.
#pragma once

namespace cirun {

/// P(Z > z) for a standard normal Z.
double NormalSf(double z);

/// The z with P(Z <= z) = p, for 0 < p < 1 (about 1e-15 relative accuracy).
double NormalQuantile(double p);

/// P(T > t) for Student's t with `df` > 0 degrees of freedom.
double StudentTSf(double t, double df);

/// The regularized incomplete beta function I_x(a, b), 0 <= x <= 1, a, b > 0.
double RegularizedIncompleteBeta(double x, double a, double b);

}  // namespace cirun
