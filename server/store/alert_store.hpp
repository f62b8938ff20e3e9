#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "policy/alerts/alert.hpp"
#include "policy/config/duration.hpp"
#include "server/util/failure.hpp"

namespace launchguard::server {

// The alerts one input raised: an audit event (keyed "auditID/stage", so a retried batch is
// recognized) or an admission decision (no key).
struct input_alerts {
  std::string key;
  std::vector<alert> alerts;
};

struct commit_result {
  std::vector<alert> raised;        // new alerts, with their ids: emit these
  std::size_t folded = 0;           // raises counted into an earlier identical alert (dedup)
  std::size_t repeated_inputs = 0;  // inputs already committed before (retries)
};

struct alert_query {
  std::int64_t since = 0;
  std::size_t limit = 100;
  std::optional<severity> at_least;
  std::optional<rule_id> rule;
};

// An alert as stored: its id and its rendered JSON object.
struct stored_alert {
  std::int64_t id;
  std::string json;
};

// Where alerts live. commit() is atomic and durable when it returns: the answer to the API
// server's audit webhook is sent only after it. Within `dedup_window`, a raise identical to a
// stored alert (rule, namespace, owner or object, user, source) increments that alert's count
// and lastSeen instead of adding one.
class alert_store {
 public:
  virtual ~alert_store() = default;

  // Only ever called from one thread at a time (the store writer).
  virtual outcome<commit_result> commit(std::vector<input_alerts> batch,
                                        duration_ms dedup_window) = 0;
  // Alerts with id > since, oldest first. Any thread.
  virtual outcome<std::vector<stored_alert>> query(const alert_query& q) = 0;
  // Drops alerts older than `retention` (by lastSeen), beyond `max_alerts`, and remembered
  // input keys older than the API server could still retry.
  virtual outcome<std::size_t> prune(std::int64_t now_ms, duration_ms retention,
                                     std::int64_t max_alerts) = 0;
};

}  // namespace launchguard::server
