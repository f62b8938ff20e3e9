#pragma once

#include <cstdint>
#include <list>
#include <string>
#include <unordered_map>
#include <vector>

namespace launchguard {

// Counts distinct values per key within a sliding time window, with a bounded number of keys
// (least recently used evicted). Time comes from the caller (event timestamps), so replaying
// an old log counts as the live server did.
//
//   distinct_tracker t(1000);
//   t.add("alice", "secret-a", now, 5 * 60'000);  // -> 1 distinct secret in the last 5 minutes
class distinct_tracker {
 public:
  explicit distinct_tracker(std::size_t max_keys) : max_keys_(max_keys) {}

  // Records `value` for `key` at `now_ms` and returns how many distinct values the key has had
  // in the last `window_ms`. Times may go backwards (late events): the count is then the most
  // distinct values within one window that contains `now_ms`, never a span longer than that.
  std::size_t add(const std::string& key, const std::string& value, std::int64_t now_ms,
                  std::int64_t window_ms);

  // Marks that `key` was reported; returns false when it was already reported within a window
  // of `now_ms`, before or after it (one alert per burst, not one per get).
  bool report_once(const std::string& key, std::int64_t now_ms, std::int64_t window_ms);

  std::size_t keys() const { return entries_.size(); }

 private:
  struct entry {
    std::vector<std::pair<std::int64_t, std::string>> seen;  // (last time, value)
    std::int64_t reported_ms = -1;
    std::list<std::string>::iterator recency;
  };
  entry& touch(const std::string& key);

  std::size_t max_keys_;
  std::unordered_map<std::string, entry> entries_;
  std::list<std::string> recency_;  // front: most recently used
};

}  // namespace launchguard
