#include "policy/track/distinct_tracker.hpp"

#include <algorithm>

namespace launchguard {

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
  return e.seen.size();
}

bool distinct_tracker::report_once(const std::string& key, std::int64_t now_ms,
                                   std::int64_t window_ms) {
  entry& e = touch(key);
  if (e.reported_ms >= 0 && now_ms - e.reported_ms < window_ms) return false;
  e.reported_ms = now_ms;
  return true;
}

}  // namespace launchguard
