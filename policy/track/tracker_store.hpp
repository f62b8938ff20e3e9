#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

#include "policy/track/rate_cell.hpp"

namespace launchguard {

// The memory the trackers keep across requests: rate cells and small key-value facts (the
// image inventory, tag-to-digest observations, who is responsible for a workload, which
// alerts were already raised). An interface, so one replica keeps it in process (and on disk)
// and several replicas share it through Redis: every operation is one atomic step on one key,
// which both can do.
// Thrown by a tracker_store that cannot answer in time (a shared store that is unreachable
// or slow). The request goes on without the rules that need memory: admission decides with
// the stateless rules and says the others were not evaluated.
class tracker_unavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class tracker_store {
 public:
  virtual ~tracker_store() = default;

  // rate_cell::add on the cell of `key`, atomically.
  virtual rate_observation add_rate(const std::string& key, std::int64_t bucket, double amount,
                                    std::int64_t warmup_windows) = 0;

  // Stores `value` under `key` unless a live value is there; true when it stored it. A value
  // with `expires_ms` (0: never) is gone after that time.
  virtual bool add_if_absent(const std::string& key, const std::string& value, std::int64_t now_ms,
                             std::int64_t expires_ms = 0) = 0;

  virtual std::optional<std::string> find(const std::string& key, std::int64_t now_ms) = 0;
  virtual void put(const std::string& key, const std::string& value,
                   std::int64_t expires_ms = 0) = 0;
};

}  // namespace launchguard
