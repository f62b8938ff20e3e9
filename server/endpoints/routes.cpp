#include "server/endpoints/routes.hpp"

#include <chrono>

#include "server/endpoints/endpoint_util.hpp"

namespace launchguard::server {
namespace {

// GET requests and unknown paths carry no body worth reading.
constexpr std::size_t small_body_limit = 64 * 1024;

http_response health_answer(const http_request& request, bool ok, std::string_view failing) {
  if (auto wrong = require_method(request, "GET")) return *wrong;
  if (ok) return text_response(200, "ok\n");
  return text_response(503, std::string(failing) + "\n");
}

http_response not_found(const http_request& request) {
  return error_response(404, "no such path: " + std::string(request.path()));
}

// Times the handler and counts the answer by endpoint and status code.
template <class handler_fn>
http_response measured(metrics_registry& metrics, endpoint e, handler_fn&& handler) {
  auto start = std::chrono::steady_clock::now();
  http_response answer = handler();
  auto elapsed = std::chrono::steady_clock::now() - start;
  metrics.http().record(e, answer.status,
                        static_cast<std::uint64_t>(
                            std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed).count()));
  return answer;
}

http_response health_routes(const http_request& request, const readiness& ready, endpoint e) {
  if (e == endpoint::healthz) return health_answer(request, ready.alive(), "not alive");
  return health_answer(request, ready.ready(), ready.draining() ? "shutting down" : "not ready");
}

endpoint health_endpoint_of(std::string_view path) {
  if (path == "/healthz") return endpoint::healthz;
  if (path == "/readyz") return endpoint::readyz;
  return endpoint::other;
}

}  // namespace

std::size_t webhook_routes::body_limit(std::string_view path) const {
  if (path == "/validate") return validate_endpoint::body_limit;
  return small_body_limit;
}

http_response webhook_routes::handle(http_request& request) {
  std::string_view path = request.path();
  if (path == "/validate") {
    return measured(metrics_, endpoint::validate, [&] {
      if (require_client_certificate_ && !request.client_certificate_verified) {
        return error_response(403, "a client certificate signed by the --client-ca CA is required");
      }
      return validate_.handle(request);
    });
  }
  if (endpoint e = health_endpoint_of(path); e != endpoint::other) {
    return measured(metrics_, e, [&] { return health_routes(request, ready_, e); });
  }
  return measured(metrics_, endpoint::other, [&] { return not_found(request); });
}

std::size_t ops_routes::body_limit(std::string_view) const {
  return small_body_limit;
}

http_response ops_routes::handle(http_request& request) {
  std::string_view path = request.path();
  if (path == "/metrics") {
    if (auto wrong = require_method(request, "GET")) return *wrong;
    return text_response(200, metrics_.render(), "text/plain; version=0.0.4; charset=utf-8");
  }
  if (endpoint e = health_endpoint_of(path); e != endpoint::other)
    return health_routes(request, ready_, e);
  return not_found(request);
}

}  // namespace launchguard::server
