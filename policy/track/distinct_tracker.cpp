#include "policy/track/distinct_tracker.hpp"

#include <algorithm>
#include <cstdlib>

namespace launchguard {
namespace {

// The most values seen within one window that contains now_ms. Events arrive out of order
// (batches from several API servers, a log shipped late), so values seen later than now count
// too, but never values further than one window away from it.
std::size_t most_in_one_window(const std::vector<std::pair<std::int64_t, std::string>>& seen,
                               std::int64_t now_ms, std::int64_t window_ms) {
  std::vector<std::int64_t> times;
  for (const auto& item : seen) {
    if (item.first >= now_ms - window_ms && item.first <= now_ms + window_ms)
      times.push_back(item.first);
  }
  std::sort(times.begin(), times.end());
  std::size_t best = 0;
  std::size_t end = 0;
  for (std::size_t begin = 0; begin < times.size() && times[begin] <= now_ms; ++begin) {
    end = std::max(end, begin);
    while (end < times.size() && times[end] - times[begin] <= window_ms)
      ++end;
    best = std::max(best, end - begin);
  }
  return best;
}

}  // namespace

distinct_tracker::entry& distinct_tracker::touch(const std::string& key) {
  auto found = entries_.find(key);
  if (found != entries_.end()) {
    recency_.splice(recency_.begin(), recency_, found->second.recency);
    return found->second;
  }
  if (entries_.size() >= max_keys_ && !recency_.empty()) {
    entries_.erase(recency_.back());
    recency_.pop_back();
  }
  recency_.push_front(key);
  entry& created = entries_[key];
  created.recency = recency_.begin();
  return created;
}

std::size_t distinct_tracker::add(const std::string& key, const std::string& value,
                                  std::int64_t now_ms, std::int64_t window_ms) {
  entry& e = touch(key);
  std::erase_if(e.seen, [&](const auto& item) { return item.first < now_ms - window_ms; });
  auto same = std::find_if(e.seen.begin(), e.seen.end(),
                           [&](const auto& item) { return item.second == value; });
  if (same != e.seen.end()) {
    same->first = std::max(same->first, now_ms);
  } else {
    // Enough to count past any sensible threshold, without letting one key grow unbounded.
    constexpr std::size_t max_values_per_key = 4096;
    if (e.seen.size() == max_values_per_key) e.seen.erase(e.seen.begin());
    e.seen.emplace_back(now_ms, value);
  }
  return most_in_one_window(e.seen, now_ms, window_ms);
}

bool distinct_tracker::report_once(const std::string& key, std::int64_t now_ms,
                                   std::int64_t window_ms) {
  entry& e = touch(key);
  // A late event's burst, hours before the one reported, is a burst of its own.
  // The same time again is the same event retried (its batch was answered 503): report again.
  if (e.reported_ms >= 0 && now_ms != e.reported_ms &&
      std::abs(now_ms - e.reported_ms) < window_ms) {
    return false;
  }
  e.reported_ms = std::max(e.reported_ms, now_ms);
  return true;
}

}  // namespace launchguard
