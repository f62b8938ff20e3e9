#pragma once

#include "server/app/readiness.hpp"
#include "server/endpoints/validate_endpoint.hpp"
#include "server/http/http_message.hpp"
#include "server/metrics/metrics.hpp"

namespace launchguard::server {

// The TLS port: /validate, and /healthz and /readyz for checks that come through the Service.
class webhook_routes : public request_handler {
 public:
  // With `require_client_certificate` (--client-ca), /validate answers 403 unless the TLS
  // client presented a certificate signed by that CA.
  webhook_routes(validate_endpoint& validate, const readiness& ready, metrics_registry& metrics,
                 bool require_client_certificate)
      : validate_(validate),
        ready_(ready),
        metrics_(metrics),
        require_client_certificate_(require_client_certificate) {}

  std::size_t body_limit(std::string_view path) const override;
  http_response handle(http_request& request) override;

 private:
  validate_endpoint& validate_;
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
  http_response handle(http_request& request) override;

 private:
  const readiness& ready_;
  metrics_registry& metrics_;
};

}  // namespace launchguard::server
