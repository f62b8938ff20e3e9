#pragma once

#include <atomic>
#include <cstdint>
#include <string>

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

// POST /validate: AdmissionReview in, AdmissionReview out.
class validate_endpoint {
 public:
  static constexpr std::size_t body_limit = 3 * 1024 * 1024;

  http_response handle(http_request& request);

 private:
  decision_ids ids_;
};

}  // namespace launchguard::server
