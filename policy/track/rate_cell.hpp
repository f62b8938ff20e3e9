#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace launchguard {

// What a rate key looks like after one more observation.
struct rate_observation {
  double window_total = 0;   // the sliding window, this observation included
  double baseline = 0;       // learned launches per window (exponentially weighted)
  std::int64_t learned = 0;  // whole windows learned so far
};

// The memory of one rate key: a ring of sub-window counts (the window slides in six steps,
// so the embedded and the Redis backends count alike) and a learned baseline, an
// exponentially weighted average of sub-window counts. 40 bytes, no allocation.
//
//   rate_cell cell;
//   rate_observation o = cell.add(bucket_of(now, window), 1.0, 10);
//   if (o.learned >= warmup && o.window_total > factor * o.baseline) ...  // a spike
class rate_cell {
 public:
  static constexpr int buckets_per_window = 6;

  // Adds `amount` at sub-window `bucket`. Sub-windows that closed since the last add are
  // folded into the baseline (empty ones too: quiet time teaches the baseline that quiet is
  // normal). An observation older than the ring is counted in no window. `warmup_windows`
  // sets how fast the baseline learns.
  rate_observation add(std::int64_t bucket, double amount, std::int64_t warmup_windows);

  // A compact text form for persistence, and back; false for text that is not one.
  std::string serialize() const;
  bool deserialize(std::string_view text);

  friend bool operator==(const rate_cell&, const rate_cell&) = default;

 private:
  void close_buckets_until(std::int64_t bucket, double alpha);
  double window_total() const;

  std::array<float, buckets_per_window> counts_{};
  std::int64_t newest_ = -1;  // the bucket the ring ends with; -1 before the first add
  float ewma_ = 0;            // launches per sub-window
  std::int32_t learned_buckets_ = 0;
};

// The sub-window a time falls in, for a window of `window_ms`.
std::int64_t bucket_of(std::int64_t time_ms, std::int64_t window_ms);

}  // namespace launchguard
