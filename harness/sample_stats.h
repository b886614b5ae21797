// Sample statistics: the median and spread of a metric's samples.
#pragma once

#include <cstddef>
#include <vector>

namespace cirun {

/// Summary of one set of samples.
struct SampleSummary {
  size_t n = 0;
  double median = 0;
  double q1 = 0;  // 25th percentile (linear interpolation, as numpy's default)
  double q3 = 0;  // 75th percentile
  double min = 0;
  double max = 0;
  double mad = 0;  // median absolute deviation from the median (unscaled)
  /// The spread as a fraction of the median: mad / |median| (0 when the median is 0).
  double RelativeSpread() const;
};

/// The p-quantile (0 <= p <= 1) of `values` with linear interpolation between
/// order statistics (Hyndman & Fan type 7, numpy's default). 0 for no values.
double Quantile(std::vector<double> values, double p);

/// The median (the mean of the two middle values for an even count); 0 for none.
double Median(std::vector<double> values);

/// Summarises `values` (all fields 0 for none).
SampleSummary Summarize(const std::vector<double>& values);

}  // namespace cirun
