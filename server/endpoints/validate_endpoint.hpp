#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>

#include "policy/track/tracker_store.hpp"
#include "server/alerts/alert_sink.hpp"
#include "server/app/policy_store.hpp"
#include "server/http/http_message.hpp"
#include "server/store/store_writer.hpp"

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
// policy in force. The alerts of the rules that fired (none for a dry run) go to the store
// and then stdout without the answer waiting for them: the API server is waiting.
class validate_endpoint {
 public:
  static constexpr std::size_t body_limit = 3 * 1024 * 1024;

  validate_endpoint(const policy_store& policies, tracker_store& trackers, store_writer& store,
                    alert_sink& sink)
      : policies_(policies), trackers_(trackers), store_(store), sink_(sink) {}

  // Method and media type, from the headers alone.
  static std::optional<http_response> screen(const http_request& request);
  http_response handle(http_request& request);

 private:
  void record(std::vector<alert> raised);

  const policy_store& policies_;
  tracker_store& trackers_;
  store_writer& store_;
  alert_sink& sink_;
  decision_ids ids_;
};

}  // namespace launchguard::server
