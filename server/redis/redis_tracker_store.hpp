#pragma once

#include "policy/track/tracker_store.hpp"
#include "server/redis/redis_client.hpp"

namespace launchguard::server {

// The trackers' memory in Redis, shared by every replica. Each operation is one atomic step
// on one key, done by a server-side script where it reads and writes: a rate cell is the
// same ring of sub-windows and baseline as the embedded store's (rate_cell), so both backends
// count alike; add_if_absent is set-if-absent, so exactly one replica raises a first-seen.
// Values carry their own expiry (in the trackers' time, which for audit events is the event's
// time) and Redis drops them a while after it.
//
// Every operation throws tracker_unavailable when Redis cannot answer within the deadline.
class redis_tracker_store : public tracker_store {
 public:
  explicit redis_tracker_store(redis_client& redis, std::string prefix = "launchguard:t:")
      : redis_(redis), prefix_(std::move(prefix)) {}

  rate_observation add_rate(const std::string& key, std::int64_t bucket, double amount,
                            std::int64_t warmup_windows) override;
  bool add_if_absent(const std::string& key, const std::string& value, std::int64_t now_ms,
                     std::int64_t expires_ms) override;
  std::optional<std::string> find(const std::string& key, std::int64_t now_ms) override;
  void put(const std::string& key, const std::string& value, std::int64_t expires_ms) override;

 private:
  redis_reply call(const redis_script& script, const std::string& key,
                   const std::vector<std::string>& args);

  redis_client& redis_;
  std::string prefix_;
};

}  // namespace launchguard::server
