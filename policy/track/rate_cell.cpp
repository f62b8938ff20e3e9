#include "policy/track/rate_cell.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace launchguard {
namespace {

std::size_t slot_of(std::int64_t bucket) {
  constexpr std::int64_t n = rate_cell::buckets_per_window;
  return static_cast<std::size_t>(((bucket % n) + n) % n);
}

}  // namespace

std::int64_t bucket_of(std::int64_t time_ms, std::int64_t window_ms) {
  std::int64_t width = std::max<std::int64_t>(1, window_ms / rate_cell::buckets_per_window);
  return time_ms >= 0 ? time_ms / width : (time_ms - width + 1) / width;
}

void rate_cell::close_buckets_until(std::int64_t bucket, double alpha) {
  // After this many empty sub-windows the baseline has decayed to nothing anyway; the cap keeps
  // a long silence from costing a long loop.
  constexpr std::int64_t max_folds = 1000;
  std::int64_t folds = std::min(bucket - newest_, max_folds);
  for (std::int64_t i = 0; i < folds; ++i) {
    std::int64_t closing = newest_ + i;
    ewma_ = static_cast<float>(alpha * counts_[slot_of(closing)] + (1 - alpha) * ewma_);
    ++learned_buckets_;
    counts_[slot_of(closing + 1)] = 0;  // the next sub-window starts empty
  }
  if (bucket - newest_ > max_folds) counts_.fill(0);
  newest_ = bucket;
}

double rate_cell::window_total() const {
  double total = 0;
  for (float c : counts_)
    total += c;
  return total;
}

rate_observation rate_cell::add(std::int64_t bucket, double amount, std::int64_t warmup_windows) {
  // The average spans about the warm-up period, so what it learned then dominates.
  double span = static_cast<double>(std::max<std::int64_t>(1, warmup_windows) * buckets_per_window);
  double alpha = 2.0 / (span + 1.0);
  if (newest_ < 0) {
    newest_ = bucket;
  } else if (bucket > newest_) {
    close_buckets_until(bucket, alpha);
  }
  if (bucket > newest_ - buckets_per_window) {
    counts_[slot_of(bucket)] += static_cast<float>(amount);
  }
  return {window_total(), static_cast<double>(ewma_) * buckets_per_window,
          learned_buckets_ / buckets_per_window};
}

std::string rate_cell::serialize() const {
  char text[256];
  std::snprintf(text, sizeof text, "%lld %.9g %d %.9g %.9g %.9g %.9g %.9g %.9g",
                static_cast<long long>(newest_), static_cast<double>(ewma_), learned_buckets_,
                static_cast<double>(counts_[0]), static_cast<double>(counts_[1]),
                static_cast<double>(counts_[2]), static_cast<double>(counts_[3]),
                static_cast<double>(counts_[4]), static_cast<double>(counts_[5]));
  return text;
}

bool rate_cell::deserialize(std::string_view text) {
  rate_cell parsed;
  long long newest = 0;
  double ewma = 0;
  int learned = 0;
  double c[buckets_per_window] = {};
  std::string copy(text);
  int consumed = -1;  // the whole text must be the cell: nothing after it, not even a NUL
  if (std::sscanf(copy.c_str(), "%lld %lf %d %lf %lf %lf %lf %lf %lf %n", &newest, &ewma, &learned,
                  &c[0], &c[1], &c[2], &c[3], &c[4], &c[5], &consumed) != 9 ||
      consumed != static_cast<int>(copy.size())) {
    return false;
  }
  // A NaN baseline would never compare above anything: that key's spikes would go unseen.
  if (!std::isfinite(ewma) || learned < 0) return false;
  for (double count : c) {
    if (!std::isfinite(count)) return false;
  }
  parsed.newest_ = newest;
  parsed.ewma_ = static_cast<float>(ewma);
  parsed.learned_buckets_ = learned;
  for (int i = 0; i < buckets_per_window; ++i)
    parsed.counts_[static_cast<std::size_t>(i)] = static_cast<float>(c[i]);
  *this = parsed;
  return true;
}

}  // namespace launchguard
