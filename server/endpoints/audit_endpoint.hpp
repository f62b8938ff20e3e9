#pragma once

#include <mutex>
#include <optional>

#include "policy/engine/audit.hpp"
#include "server/alerts/alert_sink.hpp"
#include "server/app/policy_store.hpp"
#include "server/endpoints/bearer_token.hpp"
#include "server/endpoints/rate_limiter.hpp"
#include "server/http/http_message.hpp"
#include "server/metrics/metrics.hpp"
#include "server/store/store_writer.hpp"

namespace launchguard::server {

// POST /audit: the API server's audit webhook backend. Takes an EventList, a single Event or
// JSON lines (application/x-ndjson), runs the audit detections, and answers 200
// {"accepted": N} only once every alert the batch raised is durable in the state store. When
// the store cannot commit, it answers 503 with Retry-After: the API server retries only such
// answers (and 429, 500, 504, resets), at most five times from 10 s, then drops the batch.
// A retried batch (same auditID and stage) raises nothing twice.
class audit_endpoint {
 public:
  static constexpr std::size_t body_limit = 16 * 1024 * 1024;

  // `rate_limit`: requests per second per client (bursts of twice that); more get 429.
  audit_endpoint(const policy_store& policies, tracker_store& trackers, store_writer& store,
                 alert_sink& sink, metrics_registry& metrics, self_identity self,
                 std::optional<bearer_token> token, double rate_limit = 50);

  // Before the body is read: method, token, media type and the per-client rate limit.
  std::optional<http_response> screen(const http_request& request);

  // The whole request. Checks the headers again (not the rate limit, which screen() spent).
  void handle(http_request request, respond_fn respond);
  // 503 with Retry-After and the reason: the batch was not stored, send it again.
  static http_response unavailable_response(const std::string& why);

 private:
  const policy_store& policies_;
  store_writer& store_;
  alert_sink& sink_;
  counter_vec& events_total_;
  self_identity self_;
  std::optional<bearer_token> token_;
  std::optional<http_response> check_headers(const http_request& request) const;

  rate_limiter limiter_;
  counter_vec& rejected_;
  counter_vec& limited_;
  std::mutex memory_mutex_;  // the detections' memory is shared by every batch
  std::unique_ptr<audit_memory> memory_;
};

}  // namespace launchguard::server
