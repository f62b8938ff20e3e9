#pragma once

#include <atomic>

#include "server/redis/redis_client.hpp"
#include "server/store/alert_store.hpp"

namespace launchguard::server {

// The alert log shared by every replica, in Redis:
//  - ids come from one counter (INCR), so they stay integers and page the same everywhere;
//  - the log is a Stream of ids ("ID-1"), trimmed to about max_alerts, and each alert's
//    columns sit in a hash that expires `retention` after it was last seen;
//  - dedup keys, processed audit inputs ("auditID/stage", for an hour) and once-keys are
//    set-if-absent keys with a lifetime.
// A whole commit is one server-side script: atomic, one round trip, and acknowledged only
// when Redis has applied it (its durability is then Redis's: see docs/redis.md).
//
// Redis Cluster is not supported: the scripts touch keys they do not declare.
class redis_alert_store : public alert_store {
 public:
  explicit redis_alert_store(redis_client& redis, std::string prefix = "launchguard:")
      : redis_(redis), prefix_(std::move(prefix)) {}

  outcome<commit_result> commit(std::vector<input_alerts> batch, duration_ms dedup_window) override;
  outcome<std::vector<stored_alert>> query(const alert_query& q) override;
  outcome<std::size_t> prune(std::int64_t now_ms, duration_ms retention,
                             std::int64_t max_alerts) override;

 private:
  redis_client& redis_;
  std::string prefix_;
  // From the last prune (the store writer prunes at start and then periodically).
  std::atomic<std::int64_t> retention_ms_{30LL * 86'400'000};
  std::atomic<std::int64_t> max_alerts_{1'000'000};
};

}  // namespace launchguard::server
