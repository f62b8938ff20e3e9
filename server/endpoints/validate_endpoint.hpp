#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "server/alerts/alert_sink.hpp"
#include "server/app/policy_store.hpp"
#include "server/http/http_message.hpp"

namespace launchguard::server {

// Unique decision ids: a random per-process prefix and a counter, so ids from several
// replicas and restarts never collide and making one costs no system call.
class decision_ids {
 public:
  decision_ids();
  std::string next();

 private:
  std::string prefix_;
  std::atomic<std::uint64_t> counter_{0};
};

// POST /validate: AdmissionReview in, AdmissionReview out. Decides with a snapshot of the
// policy in force and publishes the alerts of the rules that fired (none for a dry run).
class validate_endpoint {
 public:
  static constexpr std::size_t body_limit = 3 * 1024 * 1024;

  validate_endpoint(const policy_store& policies, alert_sink& alerts)
      : policies_(policies), alerts_(alerts) {}

  http_response handle(http_request& request);

 private:
  const policy_store& policies_;
  alert_sink& alerts_;
  decision_ids ids_;
};

}  // namespace launchguard::server
