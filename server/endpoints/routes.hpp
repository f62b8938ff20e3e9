#pragma once

#include <optional>

#include "server/app/readiness.hpp"
#include "server/endpoints/alerts_endpoint.hpp"
#include "server/endpoints/audit_endpoint.hpp"
#include "server/endpoints/validate_endpoint.hpp"
#include "server/http/http_message.hpp"
#include "server/metrics/metrics.hpp"
#include "server/util/task_pool.hpp"

namespace launchguard::server {

// The TLS port: /validate, /audit, /alerts, and /healthz and /readyz for checks that come
// through the Service. Every answer is counted and timed by endpoint and status code.
class webhook_routes : public request_handler {
 public:
  struct endpoints {
    validate_endpoint& validate;
    audit_endpoint& audit;
    alerts_endpoint* alerts;  // null without --api-token-file: /alerts is then 404
    // With a shared state store (Redis): the threads that may wait on it. /validate, /audit
    // and /alerts run there, never blocking an I/O thread; when its queue is full, /validate
    // decides with the stateless rules and /audit answers 503.
    task_pool* state_pool = nullptr;
  };

  // With `require_client_certificate` (--client-ca), /validate and /audit answer 403 unless
  // the TLS client presented a certificate signed by that CA.
  webhook_routes(endpoints served, const readiness& ready, metrics_registry& metrics,
                 bool require_client_certificate)
      : served_(served),
        ready_(ready),
        metrics_(metrics),
        require_client_certificate_(require_client_certificate) {}

  std::size_t body_limit(std::string_view path) const override;
  std::optional<http_response> screen(const http_request& head) override;
  void handle(http_request request, respond_fn respond) override;

 private:
  std::optional<http_response> check(const http_request& head, endpoint e);
  std::optional<http_response> certificate_check(const http_request& head, endpoint e) const;
  void dispatch(endpoint e, http_request request, respond_fn respond);

  endpoints served_;
  const readiness& ready_;
  metrics_registry& metrics_;
  bool require_client_certificate_;
};

// The plain-HTTP ops port: /metrics, /healthz, /readyz.
class ops_routes : public request_handler {
 public:
  ops_routes(const readiness& ready, metrics_registry& metrics)
      : ready_(ready), metrics_(metrics) {}

  std::size_t body_limit(std::string_view path) const override;
  void handle(http_request request, respond_fn respond) override;

 private:
  const readiness& ready_;
  metrics_registry& metrics_;
};

}  // namespace launchguard::server
