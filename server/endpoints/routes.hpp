#pragma once

#include "server/app/readiness.hpp"
#include "server/endpoints/validate_endpoint.hpp"
#include "server/http/http_message.hpp"
#include "server/metrics/metrics.hpp"

namespace launchguard::server {

// The TLS port: /validate, and /healthz and /readyz for checks that come through the Service.
class webhook_routes : public request_handler {
 public:
  webhook_routes(validate_endpoint& validate, const readiness& ready, metrics_registry& metrics)
      : validate_(validate), ready_(ready), metrics_(metrics) {}

  std::size_t body_limit(std::string_view path) const override;
  http_response handle(http_request& request) override;

 private:
  validate_endpoint& validate_;
  const readiness& ready_;
  metrics_registry& metrics_;
};

// The plain-HTTP ops port: /metrics, /healthz, /readyz.
class ops_routes : public request_handler {
 public:
  ops_routes(const readiness& ready, metrics_registry& metrics)
      : ready_(ready), metrics_(metrics) {}

  std::size_t body_limit(std::string_view path) const override;
  http_response handle(http_request& request) override;

 private:
  const readiness& ready_;
  metrics_registry& metrics_;
};

}  // namespace launchguard::server
