#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>

#include "policy/track/tracker_store.hpp"
#include "server/alerts/alert_sink.hpp"
#include "server/app/policy_store.hpp"
#include "server/http/http_message.hpp"
#include "server/metrics/metrics.hpp"
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
                    alert_sink& sink, metrics_registry& metrics);

  // Method and media type, from the headers alone.
  static std::optional<http_response> screen(const http_request& request);
  http_response handle(http_request& request) { return decide(request, trackers_); }
  // The stateless rules only, with the others marked not evaluated: for when the pool that
  // may wait on a shared store is full.
  http_response handle_stateless(http_request& request, const std::string& why);

 private:
  http_response decide(http_request& request, tracker_store& trackers);
  void record(std::vector<alert> raised);

  const policy_store& policies_;
  tracker_store& trackers_;
  store_writer& store_;
  alert_sink& sink_;
  counter_vec& stateful_skipped_;
  decision_ids ids_;
};

}  // namespace launchguard::server
